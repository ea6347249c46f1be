"""Training (STF-1) and assessment (STF-2).

Training: courses, sessions with attendance and exam scores, the qualifications a pass gives
(valid for the course's months), the courses a role must have passed before it is given work,
and yearly plans per department. Assessment: indicators as data (per role and period kind),
and scorecards computed from the service records, reviewed by the supervisor, acknowledged
or disputed by the person, then final. A final scorecard never changes; a correction is a new
revision.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role
from aftersales.core.models import BaseModel, VersionedModel

HUNDRED = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class StaffPolicy(BaseModel):
    """How training gates the work and how scorecards count (the active one applies)."""

    class CategoryRule(models.TextChoices):
        OFF = "off", _("Not considered")
        PREFER = "prefer", _("Preferred: qualified technicians are suggested first")
        REQUIRE = "require", _("Required: only qualified technicians are suggested")

    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    induction_gates_work = models.BooleanField(
        _("required training before work"),
        default=True,
        help_text=_(
            "People who have not passed the courses their role requires are not given cases "
            "or visits."
        ),
    )
    category_qualification = models.CharField(
        _("product category qualification for visits"),
        max_length=10,
        choices=CategoryRule.choices,
        default=CategoryRule.PREFER,
    )
    expiry_notice_days = models.PositiveSmallIntegerField(
        _("expiry reminder (days before)"), default=30
    )
    repeat_repair_days = models.PositiveSmallIntegerField(
        _("repeat repair window (days)"),
        default=30,
        help_text=_("A new case on the same product within this many days of a repair."),
    )
    satisfied_from = models.PositiveSmallIntegerField(
        _("satisfied from (overall score)"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Survey answers with an overall score at least this count as satisfied."),
    )
    business_opens = models.TimeField(_("working hours from"), default=time(9, 0))
    business_closes = models.TimeField(_("working hours until"), default=time(18, 0))

    class Meta:
        verbose_name = _("training and assessment policy")
        verbose_name_plural = _("training and assessment policies")
        ordering = ["-active", "-id"]

    def __str__(self) -> str:
        return self.name


class CourseKind(models.TextChoices):
    INDUCTION = "induction", _("Induction")
    PRODUCT = "product", _("Product knowledge")
    SKILLS = "service_skills", _("Service skills")
    COMMUNICATION = "communication", _("Communication")
    SAFETY = "safety", _("Safety")


class Course(BaseModel):
    """A course; passing it is a qualification for ``validity_months`` (0: for good)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("product category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A product course qualifies technicians for this category and those below."),
    )
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), default=0, help_text=_("0: the qualification does not expire.")
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, default=Decimal("60"), validators=HUNDRED
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import COURSES

        return seeded_name(self.name, COURSES.get(self.code))

    def get_absolute_url(self) -> str:
        return reverse("staff:course", args=[self.code])


class CourseMaterial(models.Model):
    """A file of a course (slides, manual, exam). Part of the course's record."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    file = models.FileField(_("file"), upload_to="training/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TrainingRequirement(BaseModel):
    """People of ``role`` must have a valid pass of ``course`` before they are given cases or
    visits (when the policy says training gates the work)."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="requirements"
    )

    class Meta:
        verbose_name = _("required training")
        verbose_name_plural = _("required training")
        ordering = ["role", "course"]
        constraints = [
            models.UniqueConstraint(fields=["role", "course"], name="staff_requirement_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.course}"


class TrainingSession(VersionedModel):
    """One holding of a course: when, who trained, who came and how they scored."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    number = models.CharField(_("number"), max_length=30, unique=True)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField(_("date"), db_index=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    trainer_name = models.CharField(
        _("outside trainer"), max_length=60, blank=True, help_text=_("When not one of us.")
    )
    place = models.CharField(_("place"), max_length=80, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=5, decimal_places=1, validators=HUNDRED
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("staff:session", args=[self.number])

    @property
    def trainer_label(self) -> str:
        return str(self.trainer) if self.trainer_id else self.trainer_name


class Attendance(BaseModel):
    """One person at one session. A pass is a qualification until ``valid_until`` (none: for
    good)."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    attended = models.BooleanField(_("attended"), default=False)
    score = models.DecimalField(
        _("exam score"), max_digits=5, decimal_places=1, null=True, blank=True, validators=HUNDRED
    )
    passed = models.BooleanField(_("passed"), default=False)
    valid_until = models.DateField(_("qualification valid until"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=40, blank=True)
    expiry_told = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "user"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="staff_attendance_uniq")
        ]
        indexes = [models.Index(fields=["user", "passed"], name="staff_attendance_user")]

    def __str__(self) -> str:
        return f"{self.session} · {self.user}"


class TrainingPlan(BaseModel):
    """How many of a department should pass a course in a year."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="plans"
    )
    planned = models.PositiveSmallIntegerField(
        _("people to train"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year", "department", "course"]
        constraints = [
            models.UniqueConstraint(fields=["year", "department", "course"], name="staff_plan_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.department} {self.course}"


# -- assessment --------------------------------------------------------------------------------


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class Source(models.TextChoices):
    """Where an indicator's value comes from (``indicators.SOURCES`` computes each)."""

    SLA_FIRST_RESPONSE = "sla_first_response", _("First responses within the time limit (%)")
    SLA_RESOLUTION = "sla_resolution", _("Resolutions within the time limit (%)")
    RESOLUTION_HOURS_AVG = "resolution_hours_avg", _("Average resolution time (working hours)")
    RESOLUTION_HOURS_P90 = (
        "resolution_hours_p90",
        _("90th-percentile resolution time (working hours)"),
    )
    FIRST_TIME_FIX = "first_time_fix", _("Fixed on the first visit (%)")
    REPEAT_REPAIRS = "repeat_repairs", _("Repeat repairs")
    FOLLOW_UPS_ON_TIME = "follow_ups_on_time", _("Follow-up calls made on time (%)")
    CSAT = "csat", _("Satisfied customers, CSAT (%)")
    ATTITUDE = "attitude", _("Service attitude in surveys (1–5)")
    COMPLAINTS = "complaints", _("Complaints about the person")
    CASES_HANDLED = "cases_handled", _("Cases resolved")
    VISITS_HANDLED = "visits_handled", _("Visits completed")
    TRAINING_HOURS = "training_hours", _("Training hours")
    QUALIFICATIONS_VALID = "qualifications_valid", _("Required qualifications valid (%)")
    SCORED = "scored", _("Scored by the supervisor")


class Indicator(BaseModel):
    """One line of a role's scorecard: where the value comes from, which way is better, the
    target and the weight. A value at or beyond the target scores 100; short of it, in
    proportion (lower-is-better with a target of 0 loses ``points_per_unit`` per unit)."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    points_per_unit = models.DecimalField(
        _("points lost per unit over a zero target"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("20"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("how it is counted"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        ordering = ["role", "period_kind", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "role", "period_kind"], name="staff_indicator_uniq"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import INDICATORS

        return seeded_name(self.name, INDICATORS.get(self.code))


class Scorecard(VersionedModel):
    """One person's assessment for one period (``2026-11`` or ``2026-Q4``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DISPUTED = "disputed", _("Disputed")
        FINAL = "final", _("Final")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="scorecards",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    period = models.CharField(_("period"), max_length=7, db_index=True)
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    correction_reason = models.CharField(_("why corrected"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=1, null=True)
    computed_at = models.DateTimeField(_("computed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    supervisor_comment = models.TextField(_("supervisor's comment"), blank=True)
    answered_at = models.DateTimeField(_("acknowledged or disputed at"), null=True, blank=True)
    dispute = models.TextField(_("why the person disputes it"), blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    finalized_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    final_note = models.TextField(_("answer to the dispute"), blank=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["period", "user", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "revision"], name="staff_scorecard_uniq"
            )
        ]
        indexes = [models.Index(fields=["period", "department"], name="staff_scorecard_period")]

    def __str__(self) -> str:
        return f"{self.user} {self.period}" + (f" r{self.revision}" if self.revision > 1 else "")

    def get_absolute_url(self) -> str:
        return reverse("staff:scorecard", args=[self.pk])


class ScorecardLine(models.Model):
    """One indicator on a scorecard, copied from the indicator when computed (so editing an
    indicator does not change past scorecards). Part of the scorecard's record: its changes
    are the scorecard's events."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    source = models.CharField(max_length=30, choices=Source.choices)
    direction = models.CharField(max_length=10, choices=Indicator.Direction.choices)
    target = models.DecimalField(max_digits=10, decimal_places=2)
    weight = models.DecimalField(max_digits=5, decimal_places=1)
    points_per_unit = models.DecimalField(max_digits=5, decimal_places=1, default=Decimal("20"))
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    records = models.PositiveIntegerField(
        _("records counted"),
        null=True,
        blank=True,
        help_text=_("How many records the value is from."),
    )
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    reason = models.TextField(_("why this score"), blank=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("scorecard line")
        verbose_name_plural = _("scorecard lines")
        ordering = ["scorecard", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="staff_line_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.code}"

    @property
    def is_scored(self) -> bool:
        return self.source == Source.SCORED

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import INDICATORS

        return seeded_name(self.name, INDICATORS.get(self.code))


class ScorecardEvent(models.Model):
    """A step of a scorecard's workflow (who, when, from, to, what they wrote)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.action}"


class RecordView(models.Model):
    """Someone opened another person's training record or scorecard (SEC-1): kept like the
    reveals of a customer's phone number."""

    class What(models.TextChoices):
        RECORD = "record", _("training record")
        SCORECARD = "scorecard", _("scorecard")
        DETAIL = "detail", _("records behind a figure")

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("whose"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    what = models.CharField(_("what"), max_length=10, choices=What.choices)
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, null=True, blank=True, related_name="views"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("view of a person's record")
        verbose_name_plural = _("views of people's records")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.viewer} → {self.subject} {self.what}"
