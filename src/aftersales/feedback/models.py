"""Closing the loop with the customer (FB-1 … FB-3, S4, S6, S9, S15, S16, S18):

- follow-up visits (回访) scheduled by a policy kept as data, worked from a queue with retries;
- satisfaction surveys on versioned questionnaires, answered by a signed SMS link, on the phone
  or on the tracking page, the 顾客满意度调查表 register and its statistics;
- improvement proposals raised from the complaint analysis, and the monthly analysis report.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel


def _default_report_roles() -> list[str]:
    return ["admin", "sales_vp", "quality", "customer_service"]


class FeedbackPolicy(VersionedModel):
    """The few numbers of the feedback loop that a company sets once. The active row wins; a
    database without one uses the defaults below (the presets)."""

    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    survey_quiet_days = models.PositiveSmallIntegerField(
        _("days between two surveys to one customer"), default=30
    )
    survey_link_days = models.PositiveSmallIntegerField(
        _("days a survey link stays valid"), default=14, validators=[MinValueValidator(1)]
    )
    low_overall_max = models.PositiveSmallIntegerField(
        _("overall score counted as low (at most)"), default=2, validators=[MaxValueValidator(5)]
    )
    low_nps_max = models.PositiveSmallIntegerField(
        _("recommendation score counted as low (at most)"),
        default=6,
        validators=[MaxValueValidator(10)],
    )
    report_roles = models.JSONField(
        _("roles that receive the monthly complaint analysis"),
        default=_default_report_roles,
        blank=True,
    )
    # Self-inspection (FB-5): made on the month's first working day for each active checklist.
    self_inspection_sample_size = models.PositiveSmallIntegerField(
        _("cases sampled by the monthly self-inspection"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_("Cases resolved in the month before, picked at random; 0: none is made."),
    )
    self_inspection_action_days = models.PositiveSmallIntegerField(
        _("working days to correct a self-inspection finding"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    self_inspection_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("self-inspector"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Blank: the head of customer service, else the first person of the quality department."
        ),
    )

    class Meta:
        verbose_name = _("feedback policy")
        verbose_name_plural = _("feedback policies")
        ordering = ["-active", "name"]

    def __str__(self) -> str:
        return self.name


class FollowUpKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint follow-up")
    REPAIR = "repair", _("Repair follow-up")
    INSTALLATION = "installation", _("Installation follow-up")
    DELIVERY = "delivery", _("Delivery follow-up")
    SERVICE = "service", _("Service follow-up")
    DISSATISFIED = "dissatisfied", _("Dissatisfied follow-up")


class FollowUpRule(BaseModel):
    """When a follow-up is due (FB-1): after which event, for which kind of case and outcome,
    how many working days later, and how often an unreachable customer is tried again. The
    most specific active rule wins (kind and outcome before blanks)."""

    class Trigger(models.TextChoices):
        CASE_CLOSED = "case_closed", _("A case is closed")
        DELIVERED = "delivered", _("An order is delivered")
        LOW_SCORE = "low_score", _("A survey answer is low")

    class Outcome(models.TextChoices):
        ANY = "", _("Any outcome")
        CONFIRMED = "confirmed", _("The customer confirmed the result")
        UNCONFIRMED = "unconfirmed", _("Closed without the customer's confirmation")
        REOPENED = "reopened", _("Reopened at least once")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    trigger = models.CharField(_("when"), max_length=20, choices=Trigger.choices)
    case_kind = models.CharField(
        _("kind of case"), max_length=30, blank=True, help_text=_("Blank: any kind.")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    kind = models.CharField(_("follow-up kind"), max_length=20, choices=FollowUpKind.choices)
    working_days = models.PositiveSmallIntegerField(
        _("due after (working days)"), validators=[MaxValueValidator(60)]
    )
    deadline_working_days = models.PositiveSmallIntegerField(
        _("overdue after the due day (working days)"),
        default=2,
        validators=[MaxValueValidator(30)],
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("calls before giving up"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    script = models.TextField(_("call script"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")
        ordering = ["trigger", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import FOLLOW_UP_RULES

        return seeded_name(self.name, FOLLOW_UP_RULES.get(self.code))


class FollowUp(VersionedModel):
    """One follow-up call (回访): due on a working day, tried until reached, refused or given
    up, with the customer's verdict and what was done about it."""

    class Status(models.TextChoices):
        DUE = "due", _("To call")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        NONE = "", _("Not yet")
        REACHED = "reached", _("Reached")
        NOT_REACHED = "not_reached", _("Not reached")
        REFUSED = "refused", _("Refused to talk")
        UNREACHABLE = "unreachable", _("Never reached")

    class Verdict(models.TextChoices):
        NONE = "", _("Not given")
        SATISFIED = "satisfied", _("Satisfied")
        NEUTRAL = "neutral", _("Neither")
        DISSATISFIED = "dissatisfied", _("Not satisfied")

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    rule = models.ForeignKey(
        FollowUpRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    case = models.ForeignKey(
        "service.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_follow_ups",
    )
    survey = models.ForeignKey(
        "Survey",
        verbose_name=_("survey answer that asked for it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    phone = models.CharField(_("phone"), max_length=24, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    starts_on = models.DateField(_("counted from"))
    due_on = models.DateField(_("due on"), db_index=True)
    deadline_on = models.DateField(_("overdue after"))
    max_attempts = models.PositiveSmallIntegerField(_("calls before giving up"), default=3)
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DUE, db_index=True
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    remarks = models.TextField(_("what the customer said"), blank=True)
    case_reopened = models.BooleanField(_("case reopened"), default=False)
    overdue_told = models.BooleanField(default=False, editable=False)
    complaint = models.ForeignKey(
        "service.Case",
        verbose_name=_("complaint opened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="followup_queue"),
            # The scorecards' calls made in a month.
            models.Index(fields=["done_at"], name="followup_done"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("feedback:follow-up", args=[self.number])

    @property
    def subject(self) -> str:
        return self.case.number if self.case_id else (self.order.number if self.order_id else "")


class FollowUpAttempt(models.Model):
    """One call of a follow-up: who called, when, and whether the customer was reached."""

    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="calls", verbose_name=_("follow-up")
    )
    at = models.DateTimeField(_("called at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=FollowUp.Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.follow_up} {self.at:%Y-%m-%d %H:%M}"


class Questionnaire(BaseModel):
    """A questionnaire; its questions live in versions, and an answered version never
    changes (a change makes the next version)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    intro = models.TextField(_("introduction"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import QUESTIONNAIRES

        return seeded_name(self.name, QUESTIONNAIRES.get(self.code))


class QuestionnaireVersion(BaseModel):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    published = models.BooleanField(
        _("in use"), default=False, help_text=_("The version new surveys are sent with.")
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_unique"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=models.Q(published=True),
                name="questionnaire_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating 1–5")
        NPS = "nps", _("Recommendation 0–10")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Text")

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """The question in the reader's language (a preset question's English words)."""
        from aftersales.core.seeded import seeded_name

        from .seeded import QUESTIONS

        return seeded_name(self.text, QUESTIONS.get(self.code))


class SurveyRule(BaseModel):
    """Which closed cases get a survey, with which questionnaire, and when (FB-2)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    case_kind = models.CharField(
        _("kind of case"), max_length=30, blank=True, help_text=_("Blank: any kind.")
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT
    )
    send_sms = models.BooleanField(_("send the link by SMS on closing"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("survey rule")
        verbose_name_plural = _("survey rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import SURVEY_RULES

        return seeded_name(self.name, SURVEY_RULES.get(self.code))


class Survey(models.Model):
    """One survey sent about one case, and its answer (one per survey). The case's handling
    department, handler, product, category, dealer and region are copied in when it is sent,
    so the statistics read one table."""

    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the answer")
        ANSWERED = "answered", _("Answered")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS link")
        PHONE = "phone", _("Phone follow-up")
        TRACKING = "tracking", _("Tracking page")

    case = models.ForeignKey(
        "service.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="surveys"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    expires_at = models.DateTimeField(_("link valid until"))
    sent_via = models.CharField(_("sent by"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    # Copied from the case when sent (the statistics' groups).
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dealer = models.ForeignKey(
        "customers.Dealer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.CharField(_("region"), max_length=30, blank=True)
    # The answer.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_via = models.CharField(
        _("answered by"), max_length=20, choices=Channel.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    overall = models.PositiveSmallIntegerField(_("overall"), null=True, blank=True)
    nps = models.PositiveSmallIntegerField(_("recommendation"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    low = models.BooleanField(_("low answer"), default=False)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "sent_at"], name="survey_customer_sent"),
            models.Index(fields=["answered_at", "id"], name="survey_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.sent_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:survey", args=[self.pk])


class ImprovementProposal(VersionedModel):
    """An improvement raised from the complaint analysis (FB-3, S9, S15): the complaints behind
    one bar, and the nonconformance or liaison form it became."""

    class Target(models.TextChoices):
        NONCONFORMANCE = "nonconformance", _("Nonconformance with corrective actions")
        LIAISON = "liaison", _("Liaison form to a department")

    number = models.CharField(_("number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("proposal"))
    dimension = models.CharField(_("analysed by"), max_length=20)
    key = models.CharField(_("bar"), max_length=80)
    key_label = models.CharField(_("bar label"), max_length=120)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    target = models.CharField(_("becomes"), max_length=20, choices=Target.choices)
    nonconformance = models.ForeignKey(
        "quality.Nonconformance",
        verbose_name=_("nonconformance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_proposals",
    )
    liaison_form = models.ForeignKey(
        "quality.LiaisonForm",
        verbose_name=_("liaison form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_proposals",
    )
    complaints = models.ManyToManyField(
        "service.Case", verbose_name=_("complaints"), related_name="improvement_proposals"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("improvement proposal")
        verbose_name_plural = _("improvement proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:proposal", args=[self.number])


class ComplaintReport(models.Model):
    """The monthly complaint analysis for management, made on the first working day of the
    next month (one per month)."""

    month = models.DateField(_("month"), unique=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/complaints/", max_length=200)
    complaints = models.PositiveIntegerField(_("complaints"))
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    sent_to = models.PositiveIntegerField(_("people told"), default=0)

    class Meta:
        verbose_name = _("monthly complaint analysis")
        verbose_name_plural = _("monthly complaint analyses")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


# -- self-inspection and service meetings (FB-5) -----------------------------------------------


class InspectionChecklist(BaseModel):
    """What the monthly self-inspection checks on each sampled case: a list of questions kept
    as data (回访是否按时, 工单记录是否完整 …), edited in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Each active checklist has a monthly inspection.")
    )

    class Meta:
        verbose_name = _("self-inspection checklist")
        verbose_name_plural = _("self-inspection checklists")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import CHECKLISTS

        return seeded_name(self.name, CHECKLISTS.get(self.code))


class ChecklistItem(models.Model):
    """One question of a checklist, in its place. An item answered by an inspection is kept
    (set it inactive instead of deleting it)."""

    checklist = models.ForeignKey(
        InspectionChecklist,
        verbose_name=_("checklist"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    code = models.SlugField(_("code"), max_length=40, blank=True)
    text = models.CharField(_("question"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import CHECKLIST_ITEMS

        return seeded_name(self.text, CHECKLIST_ITEMS.get(self.code))


class SelfInspection(VersionedModel):
    """One self-inspection (自查): cases picked at random from a month's resolved cases,
    checked item by item against a checklist; the failed items become corrective actions of a
    nonconformance (FB-5)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To check")
        DONE = "done", _("Done")

    number = models.CharField(_("number"), max_length=30, unique=True)
    checklist = models.ForeignKey(
        InspectionChecklist,
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    month = models.DateField(_("month"), help_text=_("The month the inspection is held in."))
    cases_month = models.DateField(_("cases of"), help_text=_("The month the cases were resolved."))
    scheduled = models.BooleanField(_("made by the monthly schedule"), default=False)
    sample_size = models.PositiveSmallIntegerField(_("cases asked for"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_inspections",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    cases = models.ManyToManyField(
        "service.Case",
        verbose_name=_("cases checked"),
        through="SelfInspectionCase",
        related_name="self_inspections",
    )
    summary = models.TextField(_("conclusion"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finished by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nonconformance = models.ForeignKey(
        "quality.Nonconformance",
        verbose_name=_("nonconformance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_inspections",
    )

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["-month", "-number"]
        constraints = [
            # The schedule makes one per checklist and month (FB-5), however often it runs.
            models.UniqueConstraint(
                fields=["checklist", "month"],
                condition=models.Q(scheduled=True),
                name="self_inspection_one_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("feedback:self-inspection", args=[self.number])


class SelfInspectionCase(models.Model):
    """A case of the sample, in the order it was drawn."""

    inspection = models.ForeignKey(
        SelfInspection, on_delete=models.CASCADE, related_name="rows", verbose_name=_("inspection")
    )
    case = models.ForeignKey(
        "service.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="self_inspection_rows",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("case checked")
        verbose_name_plural = _("cases checked")
        ordering = ["inspection", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "case"], name="self_inspection_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.case_id}"


class SelfInspectionResult(models.Model):
    """The answer to one checklist item for one sampled case, with who recorded it and when."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NA = "na", _("Not applicable")

    row = models.ForeignKey(
        SelfInspectionCase,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("case checked"),
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="results"
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("self-inspection result")
        verbose_name_plural = _("self-inspection results")
        ordering = ["row", "item__position", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["row", "item"], name="self_inspection_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.row} {self.item_id} {self.result}"


class ServiceMeeting(VersionedModel):
    """A service meeting (服务例会): who came, the agenda, the minutes, what was decided, and
    the action items with owners and due dates (FB-5)."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    held_on = models.DateField(_("date"), db_index=True)
    title = models.CharField(_("title"), max_length=120)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendees"),
        related_name="service_meetings",
        blank=True,
    )
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("service meeting")
        verbose_name_plural = _("service meetings")
        ordering = ["-held_on", "-number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:meeting", args=[self.number])


class MeetingAction(BaseModel):
    """An action item of a meeting: what, who, by when, and when it was done and how."""

    meeting = models.ForeignKey(
        ServiceMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="actions"
    )
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="meeting_actions",
    )
    due_on = models.DateField(_("due on"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.CharField(_("what was done"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting action")
        verbose_name_plural = _("meeting actions")
        ordering = ["due_on", "id"]
        indexes = [
            # The owners' open items (the workbench) and the month's report of open items.
            models.Index(
                fields=["owner", "due_on"],
                name="meeting_action_open",
                condition=models.Q(done_at=None),
            )
        ]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today) -> bool:
        return self.done_at is None and self.due_on < today
