"""Contracts and orders from signature to acceptance (SAL-1 … SAL-9, QC-2, QC-3), and the
written promises of the public promises page (SAL-11)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import BaseModel, VersionedModel


class SalesPolicy(VersionedModel):
    """When an order needs the sales vice-president's approval (SAL-2). One active row."""

    name = models.CharField(_("name"), max_length=80)
    approval_amount = models.DecimalField(
        _("approval from amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("50000.00"),
        help_text=_("Orders of this total or more need the vice-president's approval."),
    )
    approve_special_terms = models.BooleanField(
        _("approve special terms"),
        default=True,
        help_text=_(
            "Orders whose warranty or return terms differ from the standard need "
            "approval whatever their amount."
        ),
    )
    max_discount_percent = models.DecimalField(
        _("largest discount without approval (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "A line priced further below the catalogue price than this needs the "
            "vice-president's approval, whatever the order's total (a price of 0.00 always does)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sales policy")
        verbose_name_plural = _("sales policies")

    def __str__(self) -> str:
        return self.name


class Order(VersionedModel):
    """A contract or order (合同/订单, SAL-1)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
        PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_WITH_ISSUES = "accepted_with_issues", _("Accepted with issues")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        OFFLINE = "offline", _("Offline")
        ONLINE_SHOP = "online_shop", _("Own online shop")
        PLATFORM = "platform", _("E-commerce platform")
        DEALER = "dealer", _("Through a dealer")

    class DeliveryMethod(models.TextChoices):
        OUR_DELIVERY = "our_delivery", _("Our delivery")
        CARRIER = "carrier", _("Carrier")
        PICKUP = "pickup", _("Customer pickup")

    number = models.CharField(_("number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    dealer = models.ForeignKey(
        "customers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.OFFLINE
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.DRAFT
    )
    contract_number = models.CharField(_("contract number"), max_length=40, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    delivery_date = models.DateField(_("delivery date"))
    delivery_place = models.CharField(_("delivery place"), max_length=200)
    delivery_method = models.CharField(
        _("delivery method"),
        max_length=20,
        choices=DeliveryMethod.choices,
        default=DeliveryMethod.OUR_DELIVERY,
    )
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=24, blank=True)
    quality_standard = models.CharField(
        _("agreed quality standard"), max_length=200, blank=True, help_text=_("e.g. GB/T 1234-2020")
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: the product category's warranty applies (S5)."),
    )
    return_terms = models.CharField(_("return terms"), max_length=200, blank=True)
    payment_terms = models.CharField(
        _("payment terms"),
        max_length=200,
        blank=True,
        help_text=_("e.g. deposit of 30%, balance on delivery"),
    )
    delivery_terms = models.CharField(
        _("delivery terms"),
        max_length=200,
        blank=True,
        help_text=_("e.g. delivered and installed, freight paid"),
    )
    notes = models.TextField(_("notes"), blank=True)
    total = models.DecimalField(
        _("total (CNY)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    signed_scan = models.FileField(
        _("signed contract scan"), upload_to="contracts/%Y/%m/", blank=True
    )

    # Shown by the order's transition events already.
    timeline_ignored_fields = (
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "needs_approval",
        "decision_reason",
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="sales_order_status_idx"),
            models.Index(fields=["customer", "-created_at"], name="sales_order_customer_idx"),
            models.Index(fields=["dealer", "-created_at"], name="sales_order_dealer_idx"),
            models.Index(fields=["-created_at"], name="sales_order_created_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(BaseModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    requested_batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("requested batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)
    accepted_quantity = models.PositiveIntegerField(_("accepted"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.shipped_quantity


class OrderEvent(models.Model):
    """One state change of an order: who, when, from, to, why (SEC-2). Shown on the timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order} {self.from_status}→{self.to_status}"


class Shipment(BaseModel):
    """Goods leaving the warehouse for one order, with the delivery note (送货单, SAL-7)."""

    class Status(models.TextChoices):
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_WITH_ISSUES = "accepted_with_issues", _("Accepted with issues")

    number = models.CharField(_("delivery note number"), max_length=30, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments")
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.SHIPPED
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by (warehouse)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    shipped_at = models.DateTimeField(_("shipped at"))
    documents = models.JSONField(_("documents with the goods"), default=list, blank=True)
    planned_at = models.DateTimeField(_("planned delivery"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    deliverer = models.CharField(_("deliverer"), max_length=60, blank=True)
    carrier = models.CharField(_("vehicle / carrier"), max_length=100, blank=True)
    handed_over = models.CharField(_("handed over"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    # A dealer receiving goods claims transport damage against the carrier (S8).
    carrier_claim_ref = models.CharField(_("carrier claim number"), max_length=60, blank=True)
    carrier_claim_amount = models.DecimalField(
        _("carrier claim (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-shipped_at", "-id"]

    def __str__(self) -> str:
        return self.number


# What can be wrong with goods at acceptance (SAL-8).
PROBLEM_CHOICES = [
    ("damage", _("Damaged")),
    ("shortage", _("Short")),
    ("wrong_specification", _("Wrong specification")),
]


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="shipped")
    batch = models.ForeignKey(
        "catalog.Batch",
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="shipment_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    serials = models.ManyToManyField("catalog.SerialNumber", blank=True, related_name="+")
    accepted_quantity = models.PositiveIntegerField(_("accepted"), null=True, blank=True)
    problem = models.CharField(_("problem"), max_length=30, blank=True, choices=PROBLEM_CHOICES)
    problem_note = models.CharField(_("problem details"), max_length=300, blank=True)
    # The after-sales case the problem opened (the service app's number; SAL-8).
    case_number = models.CharField(_("after-sales case"), max_length=30, blank=True)
    # Copied from the shipment and its order when the line is written, so traceability (who
    # received a batch, and when) reads one indexed table instead of joining a million lines
    # to their shipments and orders (QC-4, QC-5). Neither changes after shipping.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="received_lines",
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["shipment", "id"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        indexes = [
            models.Index(fields=["batch", "-shipped_at", "-id"], name="sales_line_batch_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.order_line.product} × {self.quantity}"

    def save(self, *args, **kwargs):
        if self.shipped_at is None:
            self.shipped_at = self.shipment.shipped_at
        if self.customer_id is None:
            self.customer_id = self.shipment.order.customer_id
        super().save(*args, **kwargs)

    @property
    def disputed_quantity(self) -> int:
        """Units not accepted because of the problem recorded at acceptance."""
        if not self.problem or self.accepted_quantity is None:
            return 0
        return self.quantity - self.accepted_quantity


class DisputeResolution(BaseModel):
    """What became of goods not accepted at delivery (SAL-8): sent again (a new delivery of the
    same line) or returned and credited. A disputed line is settled when these add up to the
    units not accepted."""

    class Kind(models.TextChoices):
        RESHIP = "reship", _("Reshipped")
        CREDIT = "credit", _("Returned and credited")

    shipment_line = models.ForeignKey(
        ShipmentLine, on_delete=models.PROTECT, related_name="resolutions"
    )
    kind = models.CharField(_("resolution"), max_length=10, choices=Kind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        _("credit (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reship = models.ForeignKey(
        Shipment,
        verbose_name=_("replacement delivery"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("dispute resolution")
        verbose_name_plural = _("dispute resolutions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_line} {self.kind} {self.quantity}"


class AcceptancePhoto(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="acceptance/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("acceptance photo")
        verbose_name_plural = _("acceptance photos")

    def __str__(self) -> str:
        return self.image.name

    def get_absolute_url(self) -> str:
        """Served through a permission check, never from /media/."""
        return reverse("sales:acceptance-photo", args=[self.pk])


class WrittenPromise(VersionedModel):
    """A written promise beyond the 三包 remedies (书面承诺, SAL-11, S2): the authenticity
    guarantee, lifetime repair, price protection … shown on the public promises page of the
    products it covers.

    The company's promises (``dealer`` empty) are written and published by its sales staff; a
    dealer's are written by its people and published only after the company's review."""

    class Kind(models.TextChoices):
        AUTHENTICITY = "authenticity", _("Authenticity guarantee")
        LIFETIME_REPAIR = "lifetime_repair", _("Lifetime repair")
        PRICE_PROTECTION = "price_protection", _("Price protection")
        DELIVERY_INSTALLATION = "delivery_installation", _("Delivery and installation")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(
        _("promise"),
        validators=[MaxLengthValidator(2000)],
        help_text=_("As the customer reads it."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    # Neither: every product; one of them: that category (and the categories under it), or
    # that product.
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="written_promises",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="written_promises",
    )
    # Empty: the company's own promise.
    dealer = models.ForeignKey(
        "customers.Dealer",
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="written_promises",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"),
        default=0,
        validators=[MaxValueValidator(9999)],
        help_text=_("Smaller numbers come first."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("review reason"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("written promise")
        verbose_name_plural = _("written promises")
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(product__isnull=True),
                name="sales_promise_one_scope",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "dealer"], name="sales_promise_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> str:
        """``all``, ``category`` or ``product``."""
        if self.product_id:
            return "product"
        if self.category_id:
            return "category"
        return "all"
