"""Returns, exchanges and refunds under 三包 and the consumer law (WAR-1 … WAR-16).

The decision itself is the pure engine (``warranty.engine``); these records keep what it was
asked and what it answered, what the reviewer decided, and what happened to the goods and
the money afterwards.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel


class Remedy(models.TextChoices):
    RETURN = "return", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    FREE_REPAIR = "free_repair", _("Free repair")
    PAID_REPAIR = "paid_repair", _("Paid repair")


class Rulebook(VersionedModel):
    """A 三包 policy as data (WAR-1): one per preset in the source documents, copied into the
    database so an administrator can correct a figure without a release. ``data`` is what
    ``engine.Policy.from_dict`` reads; it is validated before it is saved."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    data = models.JSONField(_("rules"))
    active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(
        _("default policy"),
        default=False,
        help_text=_("Used for applications and certificates when nothing else is chosen."),
    )

    class Meta:
        verbose_name = _("Three Guarantees (三包) policy")
        verbose_name_plural = _("Three Guarantees (三包) policies")
        ordering = ["-is_default", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="warranty_one_default_rulebook",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (a shipped policy's English name)."""
        from .seeded import policy_label

        return policy_label(self.key, self.name)

    def get_absolute_url(self) -> str:
        return reverse("warranty:policy-detail", args=[self.key])


class Application(VersionedModel):
    """A return, exchange or repair application (WAR-11): from a case, the portal or the desk,
    with the engine's answer kept beside the facts it was given."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AWAITING_GOODS = "awaiting_goods", _("Awaiting the goods")
        GOODS_RECEIVED = "goods_received", _("Goods received")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Replacement shipped")
        REPAIRED = "repaired", _("Repaired")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        CASE = "case", _("After-sales case")
        PORTAL = "portal", _("Customer portal")
        DESK = "desk", _("Service desk")

    class ShippingPayer(models.TextChoices):
        BUSINESS = "business", _("We pay")
        CONSUMER = "consumer", _("The customer pays")

    class Disposition(models.TextChoices):
        STOCK = "stock", _("Back to stock")
        QUARANTINE = "quarantine", _("Quarantine")
        SCRAP = "scrap", _("Scrap")

    class Verdict(models.TextChoices):
        SERIOUS = "serious", _("Serious defect")
        NOT_SERIOUS = "not_serious", _("Not a serious defect")

    class PlanAnswer(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        REFUSED = "refused", _("Refused")

    class PlanVia(models.TextChoices):
        LINK = "link", _("On their case page")
        PHONE = "phone", _("By phone")
        WRITING = "writing", _("In writing or in person")

    number = models.CharField(_("application number"), max_length=30, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    case = models.ForeignKey(
        "service.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warranty_applications",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="warranty_applications",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="warranty_applications",
    )
    serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("serial number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warranty_applications",
    )
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warranty_applications",
    )
    requested = models.CharField(
        _("what the customer asks for"), max_length=20, choices=Remedy.choices
    )
    reason = models.TextField(_("reason"))
    price = models.DecimalField(
        _("price paid (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    policy_key = models.SlugField(_("Three Guarantees (三包) policy"), max_length=40)
    facts = models.JSONField(_("facts given to the engine"))
    answer = models.JSONField(_("the engine's answer"))
    evaluated_at = models.DateTimeField(_("evaluated at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    # The review
    remedy = models.CharField(
        _("remedy decided"), max_length=20, choices=Remedy.choices, blank=True
    )
    overridden = models.BooleanField(_("engine overridden"), default=False, db_index=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Sending the goods back
    return_address = models.CharField(_("return address"), max_length=200, blank=True)
    return_contact = models.CharField(_("return contact"), max_length=60, blank=True)
    return_phone = models.CharField(_("return phone"), max_length=24, blank=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_no = models.CharField(_("waybill number"), max_length=60, blank=True)
    shipping_payer = models.CharField(
        _("return shipping paid by"), max_length=20, choices=ShippingPayer.choices, blank=True
    )
    # Receiving them (R31)
    goods_received_at = models.DateTimeField(_("goods received at"), null=True, blank=True)
    goods_intact = models.BooleanField(_("goods intact"), null=True, blank=True)
    intact_note = models.CharField(_("condition on receipt"), max_length=300, blank=True)
    received_serial = models.CharField(_("serial on the returned goods"), max_length=60, blank=True)
    serial_matched = models.BooleanField(_("serial matches"), null=True, blank=True)
    disposition = models.CharField(
        _("returned goods go to"), max_length=20, choices=Disposition.choices, blank=True
    )
    nonconformance = models.ForeignKey(
        "quality.Nonconformance",
        verbose_name=_("nonconformance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The outcome
    refund_due_on = models.DateField(_("refund due on"), null=True, blank=True)
    refund_total = models.DecimalField(
        _("refund (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    replacement_serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("replacement serial number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # A claim under an extended warranty (S14 五、2): the plan the engine applied.
    extended_warranty = models.ForeignKey(
        "ExtendedWarranty",
        verbose_name=_("extended warranty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    # The quality department's judgement of the photos (WAR-6, S8 三、10).
    quality_verdict = models.CharField(
        _("quality department's verdict"), max_length=20, choices=Verdict.choices, blank=True
    )
    quality_verdict_note = models.CharField(_("verdict note"), max_length=300, blank=True)
    quality_verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quality_verdict_at = models.DateTimeField(_("judged at"), null=True, blank=True)
    # The handling plan the customer agrees to before work starts (S2): remedy, timetable,
    # fees; for an exchange to a higher specification (WAR-7, S11) the unit and its price
    # difference, and who pays it under the policy.
    replacement_product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("replacement product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    price_difference = models.DecimalField(
        _("price difference (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    difference_paid_by = models.CharField(
        _("difference paid by"), max_length=20, choices=ShippingPayer.choices, blank=True
    )
    plan_timetable = models.CharField(_("timetable"), max_length=300, blank=True)
    plan_customer_pays = models.DecimalField(
        _("the customer pays (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    plan_sent_at = models.DateTimeField(_("plan sent at"), null=True, blank=True)
    plan_answer = models.CharField(
        _("customer's answer"), max_length=20, choices=PlanAnswer.choices, blank=True
    )
    plan_answer_via = models.CharField(
        _("answered"), max_length=20, choices=PlanVia.choices, blank=True
    )
    plan_answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    plan_answer_note = models.CharField(_("customer's words"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("return / exchange application")
        verbose_name_plural = _("return / exchange applications")
        ordering = ["-created_at"]
        constraints = [
            # One open application per case, held by the database: twenty concurrent
            # applications on one case make one (the others are a 409).
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(case__isnull=False)
                & ~models.Q(status__in=["closed", "cancelled", "rejected"]),
                name="warranty_one_open_application_per_case",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("warranty:application-detail", args=[self.number])

    def sla_responsible_users(self) -> list:
        return [u for u in (self.reviewed_by, self.created_by) if u is not None]


class ApplicationEvent(models.Model):
    """One step of an application, with who and when (the audit trail of WAR-11)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def to_status_label(self) -> str:
        try:
            return str(Application.Status(self.to_status).label)
        except ValueError:
            return self.to_status


class Evidence(models.Model):
    """A photo or video: the customer's evidence of the fault, or the goods as received."""

    class Stage(models.TextChoices):
        APPLICATION = "application", _("With the application")
        RECEIPT = "receipt", _("On receipt of the goods")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    file = models.FileField(_("file"), upload_to="warranty/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Payment(models.Model):
    """How the customer paid (R34): the refund goes back the same ways, in proportion.
    Coupons and points are returned in kind; a gift that is not sent back is deducted at the
    value stated beforehand (R33)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        BANK_CARD = "bank_card", _("Bank card")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        TRANSFER = "transfer", _("Bank transfer")
        COUPON = "coupon", _("Coupon")
        POINTS = "points", _("Points")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="payments")
    method = models.CharField(_("payment method"), max_length=20, choices=Method.choices)
    amount = models.DecimalField(
        _("amount paid (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    refund_amount = models.DecimalField(
        _("refunded (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reference = models.CharField(_("transaction reference"), max_length=60, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount}"

    @property
    def in_kind(self) -> bool:
        return self.method in (self.Method.COUPON, self.Method.POINTS)


class WarrantyCard(BaseModel):
    """A 三包凭证 (R4, R10, WAR-10): issued at delivery, and again after an exchange, which
    restarts the period. The PDF is drawn from this row and the repair records."""

    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("serial number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warranty_cards",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="warranty_cards",
    )
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invoice_date = models.DateField(_("invoice date"))
    starts_on = models.DateField(_("period starts on"))
    policy_key = models.SlugField(_("Three Guarantees (三包) policy"), max_length=40)
    terms = models.JSONField(_("periods and promises"))
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void = models.BooleanField(_("replaced"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Three Guarantees (三包) certificate")
        verbose_name_plural = _("Three Guarantees (三包) certificates")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("warranty:card-detail", args=[self.number])


class RepairRecord(BaseModel):
    """One repair under a 三包 certificate (R7 needs the record; R2 counts its days)."""

    card = models.ForeignKey(WarrantyCard, on_delete=models.CASCADE, related_name="repairs")
    sent_on = models.DateField(_("handed in"))
    returned_on = models.DateField(_("returned"), null=True, blank=True)
    fault = models.CharField(_("fault"), max_length=200)
    part = models.CharField(_("part"), max_length=60, blank=True)
    work_done = models.CharField(_("work done"), max_length=300, blank=True)
    waiting_for_parts = models.BooleanField(_("waited for parts"), default=False)
    repairer = models.CharField(_("repaired by"), max_length=60)
    case = models.ForeignKey(
        "service.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("repair record")
        verbose_name_plural = _("repair records")
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.fault}"


class DealerClaim(VersionedModel):
    """A dealer's claim against the manufacturer after doing the 三包 work (WAR-10, S8):
    the case, the batch and packer evidence, the quality verdict, and the split."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Settled")

    number = models.CharField(_("claim number"), max_length=30, unique=True)
    dealer = models.ForeignKey(
        "customers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        related_name="warranty_claims",
    )
    case = models.ForeignKey(
        "service.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    packer_no = models.CharField(_("packer number"), max_length=40, blank=True)
    packing_list_ref = models.CharField(_("packing list"), max_length=60, blank=True)
    parts_cost = models.DecimalField(
        _("parts (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    labour_cost = models.DecimalField(
        _("labour (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    other_cost = models.DecimalField(
        _("other costs (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    description = models.TextField(_("what was done"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    manufacturer_share = models.DecimalField(
        _("manufacturer's share"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    approved_amount = models.DecimalField(
        _("approved (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("dealer claim")
        verbose_name_plural = _("dealer claims")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def claimed(self) -> Decimal:
        return self.parts_cost + self.labour_cost + self.other_cost

    def get_absolute_url(self) -> str:
        return reverse("warranty:claim-detail", args=[self.number])


class ExtendedWarrantyPlan(VersionedModel):
    """An extended warranty for sale (S14 五、2 延保, WAR-1): months added after the statutory
    period, what it covers, what it excludes, and until when after the sale it may be bought."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    price = models.DecimalField(
        _("price (CNY)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    months = models.PositiveSmallIntegerField(_("extra months"))
    covers_parts = models.BooleanField(_("covers parts"), default=True)
    covers_labour = models.BooleanField(_("covers labour"), default=True)
    exclusions = models.TextField(
        _("parts not covered"), blank=True, help_text=_("One part per line, e.g. 遥控器.")
    )
    transferable = models.BooleanField(_("transferable to a new owner"), default=False)
    sale_window_days = models.PositiveSmallIntegerField(
        _("on sale until (days after the purchase)"), default=30
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("for products of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Blank: every product."),
    )
    active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        verbose_name = _("extended warranty plan")
        verbose_name_plural = _("extended warranty plans")
        ordering = ["-active", "months", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def excluded_parts(self) -> list[str]:
        return [line.strip() for line in self.exclusions.splitlines() if line.strip()]


class ExtendedWarranty(BaseModel):
    """A plan sold on one unit: with its order, or within the plan's days after the purchase.
    ``terms`` keeps the plan as sold, so a later change of the plan changes no contract."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("contract number"), max_length=30, unique=True)
    plan = models.ForeignKey(
        ExtendedWarrantyPlan,
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("serial number"),
        on_delete=models.PROTECT,
        related_name="extended_warranties",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="extended_warranties",
    )
    order = models.ForeignKey(
        "sales.Order",
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    price = models.DecimalField(_("price paid (CNY)"), max_digits=10, decimal_places=2)
    sold_on = models.DateField(_("sold on"))
    terms = models.JSONField(_("terms as sold"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("extended warranty")
        verbose_name_plural = _("extended warranties")
        ordering = ["-sold_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["serial"],
                condition=models.Q(status="active"),
                name="warranty_one_extended_warranty_per_unit",
            )
        ]
        indexes = [models.Index(fields=["sold_on"], name="warranty_ew_sold_on_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("warranty:extended-detail", args=[self.number])

    @property
    def fact(self) -> dict:
        """The engine's ``extended_warranty`` fact."""
        t = self.terms
        return {
            "plan": t["name"],
            "number": self.number,
            "months": t["months"],
            "parts": t["parts"],
            "labour": t["labour"],
            "exclusions": t.get("exclusions", []),
        }
