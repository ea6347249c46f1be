"""Quality records (QC-1 … QC-8): inspection plans and inspections, certificates of
conformity, nonconformances with their corrective actions, responsibility judgements,
liaison forms and recalls.

The batch itself, its quality status and the emergency-release record live in ``catalog``;
this app is what moves that status.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel


class InspectionKind(models.TextChoices):
    INCOMING = "incoming", _("Incoming material")
    IN_PROCESS = "in_process", _("In-process")
    FINISHED = "finished", _("Finished goods")
    SAMPLE = "sample", _("Customer or third-party sample")
    RETURNED = "returned", _("Returned goods")


class InspectionPlan(BaseModel):
    """What to check on a product, or on every product of a category, for one kind of
    inspection (QC-1), and how many pieces to draw."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("inspection kind"), max_length=20, choices=InspectionKind.choices)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_plans",
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_plans",
    )
    sample_size = models.PositiveIntegerField(
        _("sample size"), default=1, validators=[MinValueValidator(1)]
    )
    minor_failures_allowed = models.PositiveSmallIntegerField(
        _("non-critical failures allowed"),
        default=0,
        help_text=_(
            "How many non-critical items may fail with the batch still passing (with remarks)."
        ),
    )
    standard = models.CharField(
        _("standard"), max_length=120, blank=True, help_text=_("E.g. GB/T 3325-2017.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(category__isnull=False),
                name="quality_plan_product_or_category",
            )
        ]

    def __str__(self) -> str:
        return self.name


class InspectionItem(BaseModel):
    """One check of a plan: pass/fail by eye, or a measured value within limits."""

    class Aspect(models.TextChoices):
        APPEARANCE = "appearance", _("Appearance")
        SMELL = "smell", _("Smell")
        TASTE = "taste", _("Taste")
        DIMENSIONS = "dimensions", _("Dimensions")
        FUNCTION = "function", _("Function")
        PACKAGING = "packaging", _("Packaging")
        LABELLING = "labelling", _("Labelling")
        OTHER = "other", _("Other")

    class ResultType(models.TextChoices):
        PASS_FAIL = "pass_fail", _("Pass / fail")
        MEASURED = "measured", _("Measured value")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("check item"), max_length=80)
    aspect = models.CharField(_("aspect"), max_length=20, choices=Aspect.choices)
    result_type = models.CharField(
        _("result type"), max_length=20, choices=ResultType.choices, default=ResultType.PASS_FAIL
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    lower_limit = models.DecimalField(
        _("lower limit"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    upper_limit = models.DecimalField(
        _("upper limit"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    critical = models.BooleanField(
        _("critical"), default=False, help_text=_("A failed critical item fails the batch.")
    )
    method = models.CharField(_("method"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def limits_text(self) -> str:
        if self.result_type != self.ResultType.MEASURED:
            return ""
        low = "" if self.lower_limit is None else f"{self.lower_limit.normalize():f}"
        high = "" if self.upper_limit is None else f"{self.upper_limit.normalize():f}"
        if low and high:
            return f"{low} – {high} {self.unit}".strip()
        if low:
            return f"≥ {low} {self.unit}".strip()
        if high:
            return f"≤ {high} {self.unit}".strip()
        return self.unit


class Inspection(BaseModel):
    """One inspection of one batch (QC-1, QC-6). Recorded once; a correction is a new
    inspection, so what the inspector signed stays as signed."""

    class Verdict(models.TextChoices):
        PASSED = "passed", _("Passed")
        PASSED_WITH_REMARKS = "passed_with_remarks", _("Passed with remarks")
        FAILED = "failed", _("Failed")

    class Party(models.TextChoices):
        COMPANY = "company", _("Our quality inspection")
        CUSTOMER = "customer", _("The buyer")
        THIRD_PARTY = "third_party", _("Third party")

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("inspection kind"), max_length=20, choices=InspectionKind.choices)
    batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    party = models.CharField(
        _("inspected by"), max_length=20, choices=Party.choices, default=Party.COMPANY
    )
    party_name = models.CharField(
        _("inspecting organisation"), max_length=120, blank=True, help_text=_("Buyer or agency.")
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    sample_size = models.PositiveIntegerField(_("sample size"), validators=[MinValueValidator(1)])
    verdict = models.CharField(_("verdict"), max_length=30, choices=Verdict.choices)
    note = models.CharField(_("remarks"), max_length=500, blank=True)
    report = models.FileField(_("report attachment"), upload_to="inspections/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_at", "-id"]
        indexes = [models.Index(fields=["batch", "-inspected_at"], name="quality_insp_batch_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quality:inspection-detail", args=[self.pk])

    @property
    def failed(self) -> bool:
        return self.verdict == self.Verdict.FAILED


class InspectionResult(models.Model):
    """The inspector's finding on one check item. Written with the inspection, never edited
    (the inspection's own history covers it)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    measured_value = models.DecimalField(
        _("measured value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection", "item__position", "item_id"]

    def __str__(self) -> str:
        return f"{self.item}: {'✓' if self.passed else '✗'}"


class Certificate(models.Model):
    """The certificate of conformity (合格证, QC-2), issued when a finished-goods inspection
    passes. The PDF is drawn from these fields, so it reads the same every time."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    inspection = models.OneToOneField(
        Inspection, on_delete=models.PROTECT, related_name="certificate"
    )
    batch = models.ForeignKey(
        "catalog.Batch", on_delete=models.PROTECT, related_name="certificates"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate of conformity")
        verbose_name_plural = _("certificates of conformity")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class Nonconformance(VersionedModel):
    """Something that did not conform, and what was done about it (QC-5, QC-7): containment,
    root cause, corrective and preventive actions, verification, closure."""

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        COMPLAINT = "complaint", _("Customer complaint")
        DELIVERY_ACCEPTANCE = "delivery_acceptance", _("Delivery acceptance")
        LIAISON_FORM = "liaison_form", _("Liaison form")
        EMERGENCY_RELEASE = "emergency_release", _("Emergency-released batch failed")
        SELF_INSPECTION = "self_inspection", _("Service self-inspection")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        CRITICAL = "critical", _("Critical")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTION = "action", _("Actions under way")
        VERIFICATION = "verification", _("Waiting for verification")
        CLOSED = "closed", _("Closed")

    class RootCauseMethod(models.TextChoices):
        FIVE_WHY = "five_why", _("5 whys")
        FREE_TEXT = "free_text", _("Free text")

    number = models.CharField(_("number"), max_length=30, unique=True)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    source_ref = models.CharField(
        _("source reference"), max_length=60, blank=True, help_text=_("E.g. the case number.")
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformances",
    )
    batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nonconformances",
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.MAJOR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_nonconformances",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    containment = models.TextField(_("containment"), blank=True)
    root_cause_method = models.CharField(
        _("root-cause method"),
        max_length=20,
        choices=RootCauseMethod.choices,
        default=RootCauseMethod.FIVE_WHY,
    )
    whys = models.JSONField(_("5 whys"), default=list, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    verification = models.TextField(_("verification of effectiveness"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nonconformance")
        verbose_name_plural = _("nonconformances")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("quality:nc-detail", args=[self.pk])

    def sla_responsible_users(self):
        return [self.owner] if self.owner_id else []


class CorrectiveAction(BaseModel):
    """One action against a nonconformance, with its owner and due date (QC-7)."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")

    nonconformance = models.ForeignKey(
        Nonconformance, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTIVE)
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    due_on = models.DateField(_("due on"))
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
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"], name="quality_action_open_idx", condition=Q(done_at=None)
            )
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, today) -> bool:
        return self.done_at is None and self.due_on < today


class ResponsibilityJudgement(BaseModel):
    """The quality department's verdict on who is at fault for a defect (S8, SVC-9), made
    from the photos and the batch/packer data after the customer's problem is solved. The
    subject is whatever was judged (an after-sales case, a delivery); the verdict decides the
    cost split of the 三包 issue (WAR-9)."""

    class Verdict(models.TextChoices):
        MANUFACTURER = "manufacturer", _("Manufacturer's fault")
        TRANSPORT = "transport", _("Transport damage (carrier)")
        DEALER = "dealer", _("Dealer's handling or installation")
        CUSTOMER = "customer", _("Customer's misuse")
        NO_DEFECT = "no_defect", _("No defect found")

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judgements",
    )
    packer_no = models.CharField(_("packer number"), max_length=40, blank=True)
    packing_list_ref = models.CharField(_("packing list"), max_length=60, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    reasoning = models.TextField(_("reasoning"))
    manufacturer_share = models.DecimalField(
        _("manufacturer's share of the cost"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("judged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("responsibility judgement")
        verbose_name_plural = _("responsibility judgements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="quality_judgement_one_per_subject"
            )
        ]

    def __str__(self) -> str:
        return self.get_verdict_display()


class LiaisonForm(VersionedModel):
    """信息联络处理单 (QC-8): what a customer said in passing — a complaint, a suggestion, an
    expectation — written down by whoever heard it, sent to the department concerned,
    analysed and acted on there, and the result verified."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Verbal complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        EXPECTATION = "expectation", _("Expectation")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the department")
        HANDLED = "handled", _("Waiting for verification")
        CLOSED = "closed", _("Verified and closed")

    number = models.CharField(_("number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_forms",
    )
    contact = models.CharField(
        _("who said it"), max_length=120, blank=True, help_text=_("Name and how to reach them.")
    )
    heard_on = models.DateField(_("heard on"))
    content = models.TextField(_("what the customer said"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="liaison_forms",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    originator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="liaison_forms",
    )
    analysis = models.TextField(_("analysis"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    verification = models.TextField(_("verification"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    nonconformance = models.ForeignKey(
        Nonconformance,
        verbose_name=_("nonconformance"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_forms",
    )

    class Meta:
        verbose_name = _("liaison form")
        verbose_name_plural = _("liaison forms")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quality:liaison-detail", args=[self.pk])


class Recall(BaseModel):
    """A recall of one or more batches (QC-5): who got the goods, and one follow-up task
    per customer to reach them."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=30, unique=True)
    reason = models.CharField(_("reason"), max_length=300)
    batches = models.ManyToManyField("catalog.Batch", related_name="recalls")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("contact customers by"))

    class Meta:
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quality:recall-detail", args=[self.pk])


class RecallTask(models.Model):
    """Reach one customer about a recall. Created in bulk (a batch may have gone to tens of
    thousands of customers), so it keeps no history of its own; the outcome is on the row."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not yet contacted")
        CONTACTED = "contacted", _("Contacted")
        RETURNED = "returned", _("Goods returned")
        UNREACHABLE = "unreachable", _("Unreachable")

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="tasks")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="recall_tasks"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recall_tasks",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("recall task")
        verbose_name_plural = _("recall tasks")
        ordering = ["recall", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "customer"], name="quality_recall_task_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.recall} · {self.customer_id}"
