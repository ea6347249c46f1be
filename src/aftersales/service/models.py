"""After-sales cases (SVC-1 … SVC-11): every complaint, repair, return, exchange, consultation
and delivery delay, from intake to the customer's confirmation."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel, VersionedModel


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")
    CHAT = "chat", _("Chat")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    DEALER = "dealer", _("Dealer")
    PORTAL = "portal", _("Customer portal")
    DELIVERY_ACCEPTANCE = "delivery_acceptance", _("Delivery acceptance")


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    REPAIR = "repair", _("Repair")
    RETURN = "return", _("Return")
    EXCHANGE = "exchange", _("Exchange")
    CONSULTATION = "consultation", _("Consultation")
    INSTALLATION = "installation", _("Installation")
    MAINTENANCE = "maintenance", _("Maintenance")
    DELIVERY_DELAY = "delivery_delay", _("Delivery delay")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class CaseCategory(BaseModel):
    """A complaint category (quality, delivery, attitude, installation, billing …), kept by
    administrators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (a seeded category's English name)."""
        from aftersales.core.seeded import seeded_name

        from .seeded import CASE_CATEGORIES

        return seeded_name(self.name, CASE_CATEGORIES.get(self.code))


class Case(VersionedModel):
    """One after-sales case (工单), numbered for the customer."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", pgettext_lazy("case status", "Accepted")
        VERIFYING = "verifying", _("Verifying")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CONFIRMED = "confirmed", _("Confirmed by the customer")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Substatus(models.TextChoices):
        NONE = "", _("Working on it")
        DISPATCHED = "dispatched", _("Dispatched")
        AWAITING_PARTS = "awaiting_parts", _("Awaiting parts")
        WAITING_CUSTOMER = "waiting_customer", _("Awaiting the customer")

    number = models.CharField(_("case number"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    category = models.ForeignKey(
        CaseCategory,
        verbose_name=_("complaint category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    substatus = models.CharField(
        _("sub-status"), max_length=20, choices=Substatus.choices, default="", blank=True
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=24, blank=True)
    dealer = models.ForeignKey(
        "customers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    region = models.CharField(_("region"), max_length=30, blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("serial number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    shipment = models.ForeignKey(
        "sales.Shipment",
        verbose_name=_("delivery"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    description = models.TextField(_("description"))
    fault_code = models.ForeignKey(
        "catalog.FaultCode",
        verbose_name=_("fault code"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    requested_remedy = models.CharField(_("what the customer asks for"), max_length=300, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    promised_timetable = models.CharField(
        _("timetable promised to the customer"), max_length=300, blank=True
    )
    solution = models.TextField(_("solution"), blank=True)
    result = models.CharField(_("result"), max_length=300, blank=True)
    rejection_reason = models.CharField(_("why the customer rejected"), max_length=300, blank=True)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # FB-3: every complaint is in the complaint register, whatever the kind of case (a return
    # the customer complained about, a repair that came as a complaint).
    is_complaint = models.BooleanField(_("complaint"), default=False, db_index=True)
    # The customer's own words, cut into keywords at intake (jieba) for the complaint topics.
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, editable=False)
    # What the customer said about the handling afterwards (客户意见): the rejection, the
    # follow-up call, the survey's comment; newest last.
    customer_opinion = models.TextField(_("customer's opinion"), blank=True)
    # SVC-9: solved first; who is responsible is settled afterwards from these.
    packer_no = models.CharField(_("packer number"), max_length=40, blank=True)
    packing_list_ref = models.CharField(_("packing list"), max_length=60, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
    )
    intake_key = models.CharField(
        max_length=120, null=True, blank=True, unique=True, editable=False
    )
    # What was asked with that key (a hash): the same key with another body is refused.
    intake_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # The soonest due moment of the case's running SLA clocks, kept by services/sla.py so the
    # desk's queue is one indexed ORDER BY instead of a subquery per open case.
    next_due_at = models.DateTimeField(_("next deadline"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Workflow fields: the case's own steps (CaseEvent) already tell these, with the note.
    timeline_ignored_fields = (
        "search_text",
        "intake_key",
        "version",
        "status",
        "substatus",
        "solution",
        "result",
        "resolved_at",
        "confirmed_at",
        "closed_at",
        "rejection_reason",
        "reopened",
        "priority",
        "department",
        "assignee",
        "promised_timetable",
        "next_due_at",
    )

    class Meta:
        verbose_name = _("after-sales case")
        verbose_name_plural = _("after-sales cases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="service_case_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="service_case_customer_idx"),
            models.Index(fields=["dealer", "-created_at"], name="service_case_dealer_idx"),
            models.Index(fields=["assignee", "status"], name="service_case_assignee_idx"),
            models.Index(
                fields=["-created_at"],
                name="service_case_open_idx",
                condition=~Q(status__in=["closed", "cancelled"]),
            ),
            # Routing's load: each person's open cases.
            models.Index(
                fields=["assignee"],
                name="service_case_open_assignee_idx",
                condition=~Q(status__in=["closed", "cancelled"]),
            ),
            # The desk's queue: open cases by next deadline (PostgreSQL sorts NULLs last).
            models.Index(
                fields=["next_due_at", "-created_at"],
                name="service_case_queue_idx",
                condition=~Q(status__in=["closed", "cancelled"]),
            ),
            # The overview's counts read only this index (open cases by status, department
            # and kind).
            models.Index(
                fields=["status", "department", "kind"],
                name="service_case_open_dept_idx",
                condition=~Q(status__in=["closed", "cancelled"]),
            ),
            # The scorecards' cases resolved in a month.
            models.Index(fields=["resolved_at"], name="service_case_resolved_idx"),
            # Knowledge suggestions (FB-4): a product's newest solved cases, read from the
            # index alone (the id is in it); similar cases are ranked among those first.
            models.Index(
                fields=["product", "-resolved_at"],
                include=["id"],
                name="service_case_solved_idx",
                condition=Q(status__in=["resolved", "confirmed", "closed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("service:case-detail", args=[self.number])

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.CANCELLED)

    @property
    def sla_status(self) -> str:
        """What the SLA policy sees: the sub-state while in progress (some of them pause)."""
        if self.status == self.Status.IN_PROGRESS and self.substatus:
            return self.substatus
        return self.status

    def sla_responsible_users(self):
        return [self.assignee] if self.assignee_id else []


class CaseEvent(models.Model):
    """One step of a case: who moved it from what to what, and why. Append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    customer_visible = models.BooleanField(_("shown to the customer"), default=False)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseAttachment(models.Model):
    """A photo, video or PDF attached to a case (SVC-1). Append-only; the file is served only
    through the case's own view, which checks that the reader may see the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("service:case-attachment", args=[self.case.number, self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


class RoutingRule(BaseModel):
    """Which department takes which cases (SVC-5). Blank conditions match anything; the first
    matching rule by position wins. Within the department the case goes to the member with
    the fewest open cases."""

    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        CaseCategory,
        verbose_name=_("complaint category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    product_category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("product category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Also matches the categories below it."),
    )
    region = models.CharField(_("region (province)"), max_length=30, blank=True)
    dealer = models.ForeignKey(
        "customers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assign_person = models.BooleanField(
        _("assign a person"),
        default=True,
        help_text=_("Give the case to the department member with the fewest open cases."),
    )
    skill = models.ForeignKey(
        "ServiceSkill",
        verbose_name=_("skill required"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Give the case to the least-loaded member with this skill; when nobody in the "
            "department has it, to the least-loaded member of the whole department."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ServiceSkill(BaseModel):
    """What a person can handle (空调, 洗衣机, 安装 …): a routing rule may require one (SVC-5,
    SVC-7: a suitable technician)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service skill")
        verbose_name_plural = _("service skills")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (a seeded skill's English name)."""
        from aftersales.core.seeded import seeded_name

        from .seeded import SKILLS

        return seeded_name(self.name, SKILLS.get(self.code))


class AgentProfile(BaseModel):
    """A person's after-sales profile: their skills and how many open cases routing may give
    them at most."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="agent_profile",
    )
    skills = models.ManyToManyField(
        ServiceSkill, verbose_name=_("skills"), blank=True, related_name="profiles"
    )
    max_open_cases = models.PositiveSmallIntegerField(
        _("at most open cases"),
        null=True,
        blank=True,
        help_text=_("Routing gives this person no more open cases than this. Empty: no limit."),
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)


class DelayCompensationPolicy(BaseModel):
    """What a customer gets when an order is delivered late (SVC-10, SVC-11). The source
    documents promise compensation or a refund without amounts, so administrators set them.
    The newest active policy applies."""

    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    grace_working_days = models.PositiveSmallIntegerField(
        _("grace (working days)"),
        default=0,
        help_text=_(
            "A delay of up to this many working days after the promised date is not "
            "compensated; beyond it, the days after the grace are."
        ),
    )
    percent_per_day = models.DecimalField(
        _("compensation per day late (percent of the order)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Per calendar day late after the grace, as a percentage of the order total."),
    )
    cap_percent = models.DecimalField(
        _("at most (percent of the order)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    company_extra_percent = models.DecimalField(
        _("extra when the company caused the delay (percent of the order)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Added on top of the capped compensation (SVC-11)."),
    )
    refund_after_days = models.PositiveSmallIntegerField(
        _("refund offered after (days late)"),
        null=True,
        blank=True,
        help_text=_(
            "When the delay exceeds this many calendar days the customer may choose a "
            "refund instead. Empty: no refund for delay."
        ),
    )

    class Meta:
        verbose_name = _("delay compensation policy")
        verbose_name_plural = _("delay compensation policies")
        ordering = ["-active", "-id"]

    def __str__(self) -> str:
        return self.name


class DelayCompensation(BaseModel):
    """Compensation offered to the customer for a late delivery, and the customer's answer.
    The figures are a copy of what was offered: a later policy change does not alter them."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered, awaiting the customer")
        ACCEPTED = "accepted", pgettext_lazy("compensation", "Accepted")
        REFUND = "refund", _("Customer chose a refund")
        DECLINED = "declined", _("Declined by the customer")
        WITHDRAWN = "withdrawn", _("Replaced by a newer offer")

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="delay_compensations",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OFFERED
    )
    policy = models.ForeignKey(
        DelayCompensationPolicy,
        verbose_name=_("policy"),
        on_delete=models.PROTECT,
        related_name="compensations",
    )
    promised_date = models.DateField(_("promised delivery date"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    days_late = models.PositiveIntegerField(_("days late"))
    working_days_late = models.PositiveIntegerField(_("working days late"))
    compensated_days = models.PositiveIntegerField(_("days compensated"))
    order_amount = models.DecimalField(_("order total (CNY)"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("compensation (CNY)"), max_digits=14, decimal_places=2)
    company_caused = models.BooleanField(_("caused by the company"), default=False)
    refund_offered = models.BooleanField(_("refund offered"), default=False)
    rule = models.CharField(_("rule applied"), max_length=300)
    note = models.CharField(_("note"), max_length=300, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    offered_at = models.DateTimeField(_("offered at"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answer recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_note = models.CharField(_("customer's answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delay compensation")
        verbose_name_plural = _("delay compensations")
        ordering = ["-offered_at", "-id"]
        constraints = [
            # One offer at a time waits for the customer's answer.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="offered"),
                name="service_delaycomp_one_open_offer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ¥{self.amount}"


class CaseNote(BaseModel):
    """An internal note on a case (item 8 of issue 17): for the people working it, never shown
    to the customer (not on the tracking link, not in any message). Written once; the case's
    timeline shows it."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.text[:40]}"


class CaseCall(BaseModel):
    """One telephone call about a case, in or out: when, how long, how it went, and what was
    said (the call log). Written once; the case's timeline shows it."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Spoke to the customer")
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Line busy")
        VOICEMAIL = "voicemail", _("Left a message")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="calls"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    called_at = models.DateTimeField(_("call time"))
    duration_seconds = models.PositiveIntegerField(
        _("duration (seconds)"), validators=[MaxValueValidator(24 * 3600)]
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("what was said"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("call log")
        ordering = ["called_at", "id"]
        indexes = [models.Index(fields=["case", "called_at"], name="service_call_case_idx")]

    def __str__(self) -> str:
        from aftersales.core.times import local_text

        return f"{self.case_id} {self.direction} {local_text(self.called_at)}"
