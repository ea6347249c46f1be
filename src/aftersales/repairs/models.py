"""Field service and the repair centre (SVC-7, WAR-7, WAR-9, WAR-15, WAR-16): work orders
from cases, dispatch and appointments, the technician's visit, mail-in repairs on the repair
limit's clock, spare parts and their stock, charges and quotations, loaners and maintenance
plans."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel
from aftersales.core.times import local_text

MONEY = {"max_digits": 12, "decimal_places": 2}


class TechnicianProfile(BaseModel):
    """Where a technician works and how many visits fit in a day (their skills are on the
    service app's agent profile)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="technician_profile",
    )
    regions = models.CharField(
        _("service regions"),
        max_length=300,
        blank=True,
        help_text=_("Districts or cities, separated by commas, e.g. 浦东新区, 徐汇区."),
    )
    visits_per_day = models.PositiveSmallIntegerField(_("visits per day"), default=6)
    dispatcher = models.BooleanField(
        _("also dispatches"),
        default=False,
        help_text=_("A senior technician who plans and assigns everyone's work."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("technician profile")
        verbose_name_plural = _("technician profiles")

    def __str__(self) -> str:
        return str(self.user)

    def region_list(self) -> list[str]:
        return [r.strip() for r in self.regions.replace("，", ",").split(",") if r.strip()]


class TechnicianAbsence(BaseModel):
    """Days a technician is not available (leave, training): their working calendar on top of
    the company's working days."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("technician absence")
        verbose_name_plural = _("technician absences")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="repairs_absence_days_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.first_day}–{self.last_day}"


class WorkOrder(VersionedModel):
    """Work for a technician on site or in the repair centre, from a case."""

    class Kind(models.TextChoices):
        ONSITE_REPAIR = "onsite_repair", _("On-site repair")
        INSTALLATION = "installation", _("Installation")
        MAINTENANCE = "maintenance", _("Maintenance / upkeep")
        INSPECTION = "inspection", _("Inspection")
        REMOTE = "remote", _("Remote support")
        MAIL_IN = "mail_in", _("Mail-in repair")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SCHEDULED = "scheduled", _("Scheduled")
        RECEIVED = "received", _("Received at the repair centre")
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_PARTS = "awaiting_parts", _("Awaiting parts")
        AWAITING_QUOTE = "awaiting_quote", _("Awaiting the customer's acceptance")
        COMPLETED = "completed", _("Completed")
        RETURNED = "returned", _("Returned to the customer")
        CANCELLED = "cancelled", _("Cancelled")

    class Result(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        NOT_FIXED = "not_fixed", _("Not fixed")
        TO_REPAIR_CENTRE = "to_repair_centre", _("Taken to the repair centre")
        NO_FAULT = "no_fault", _("No fault found")
        DONE = "done", _("Done (installation, upkeep)")

    number = models.CharField(_("work order number"), max_length=30, unique=True)
    case = models.ForeignKey(
        "service.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("serial number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    skills = models.ManyToManyField(
        "service.ServiceSkill", verbose_name=_("skills needed"), blank=True, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True, db_index=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=24, blank=True)
    problem = models.TextField(_("problem"))
    # The 三包 decision in force (from the engine; a person may set it by hand).
    in_warranty = models.BooleanField(
        _("under the Three Guarantees (三包) / warranty"), null=True, blank=True
    )
    warranty_basis = models.CharField(_("on what basis"), max_length=300, blank=True)
    warranty_answer = models.JSONField(
        _("the Three Guarantees (三包) answer"), null=True, blank=True
    )
    # Dispatch and the appointment (SVC-7)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )
    window_start = models.DateTimeField(_("appointment from"), null=True, blank=True)
    window_end = models.DateTimeField(_("appointment until"), null=True, blank=True)
    onsite_due_at = models.DateTimeField(_("on site by (SLA)"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed with the customer"), null=True, blank=True)
    # The visit
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    signed_name = models.CharField(_("signed by"), max_length=60, blank=True)
    signature = models.ImageField(
        _("signature"), upload_to="signatures/%Y/%m/", max_length=200, blank=True
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # The repair centre (mail-in)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    condition_on_receipt = models.CharField(_("condition on receipt"), max_length=300, blank=True)
    accessories = models.CharField(_("accessories received"), max_length=300, blank=True)
    repair_due_on = models.DateField(_("repair due on"), null=True, blank=True)
    tested_at = models.DateTimeField(_("tested at"), null=True, blank=True)
    test_result = models.CharField(_("test result"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_waybill = models.CharField(_("return waybill"), max_length=60, blank=True)
    remedy_proposed = models.CharField(_("remedy proposed"), max_length=300, blank=True)
    # Charges (WAR-9)
    quote_total = models.DecimalField(_("quotation (CNY)"), **MONEY, null=True, blank=True)
    quote_sent_at = models.DateTimeField(_("quotation sent"), null=True, blank=True)
    quote_accepted_at = models.DateTimeField(_("quotation accepted"), null=True, blank=True)
    quote_declined_at = models.DateTimeField(_("quotation declined"), null=True, blank=True)
    charge_total = models.DecimalField(_("charged (CNY)"), **MONEY, default=Decimal("0"))
    manufacturer_share = models.DecimalField(
        _("manufacturer's share of the cost"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    maintenance_plan = models.ForeignKey(
        "MaintenancePlan",
        verbose_name=_("maintenance plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_orders",
    )

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["technician", "window_start"], name="repairs_wo_tech_day"),
            # The scorecards' visits completed in a month.
            models.Index(fields=["completed_at"], name="repairs_wo_completed"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("repairs:work-order-detail", args=[self.number])

    def sla_responsible_users(self) -> list:
        return [u for u in (self.technician, self.created_by) if u is not None]


class WorkOrderEvent(models.Model):
    """One step of a work order, with who and when."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {local_text(self.at)}"


class AppointmentChange(models.Model):
    """A rescheduled appointment: the old and the new window and why (SVC-7 keeps history)."""

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="appointment_changes"
    )
    old_start = models.DateTimeField(null=True, blank=True)
    old_end = models.DateTimeField(null=True, blank=True)
    new_start = models.DateTimeField()
    new_end = models.DateTimeField()
    old_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id}: {local_text(self.new_start)}"


class WorkOrderPhoto(models.Model):
    """A photo from the visit or the repair bench; served only through a checked view."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="work-orders/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Location(BaseModel):
    """Where parts are kept: a warehouse, the repair centre, a technician's van."""

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        REPAIR_CENTRE = "repair_centre", _("Repair centre")
        VAN = "van", _("Technician's van")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    technician = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technician"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="van",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class SparePart(VersionedModel):
    """A spare part (WAR-15): standard quality, sold to customers too."""

    part_no = models.CharField(_("part number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("fits"), blank=True, related_name="spare_parts"
    )
    price = models.DecimalField(_("price (CNY)"), **MONEY, validators=[MinValueValidator(0)])
    cost = models.DecimalField(
        _("cost (CNY)"), **MONEY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    warranty_months = models.PositiveSmallIntegerField(_("part warranty (months)"), default=3)
    reorder_point = models.PositiveIntegerField(_("re-order point"), default=0)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["part_no"]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"


class Stock(models.Model):
    """How many of a part are at a location. Changed only through stock moves."""

    part = models.ForeignKey(SparePart, on_delete=models.CASCADE, related_name="stock")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="stock")
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="repairs_stock_part_loc"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="repairs_stock_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.location_id}: {self.quantity}"


class StockMove(models.Model):
    """Every change of stock, append-only: receipts, transfers, use on a work order, sales."""

    class Reason(models.TextChoices):
        RECEIPT = "receipt", _("Received from the supplier")
        TRANSFER = "transfer", _("Transfer")
        CONSUMPTION = "consumption", _("Used on a work order")
        SALE = "sale", _("Sold over the counter")
        RETURN = "return", _("Returned unused")
        ADJUSTMENT = "adjustment", _("Stock-take adjustment")

    part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="moves")
    from_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    reason = models.CharField(max_length=20, choices=Reason.choices)
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="stock_moves"
    )
    reference = models.CharField(max_length=60, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.part_id} ×{self.quantity}"


class ChargeLine(models.Model):
    """One line of a work order's charges (WAR-9): labour, a part, travel. ``free`` when the
    三包 decision says the customer does not pay it."""

    class Kind(models.TextChoices):
        LABOUR = "labour", _("Labour")
        PART = "part", _("Part")
        TRAVEL = "travel", _("Travel")
        OTHER = "other", _("Other")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="charges")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=120)
    part = models.ForeignKey(
        SparePart, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        _("unit price (CNY)"), **MONEY, validators=[MinValueValidator(0)]
    )
    free = models.BooleanField(_("free of charge"), default=False)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    stock_move = models.OneToOneField(
        StockMove, on_delete=models.PROTECT, null=True, blank=True, related_name="charge"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class ServiceRate(BaseModel):
    """The price list for paid work (WAR-9): labour per hour, travel per visit, inspection."""

    class Kind(models.TextChoices):
        LABOUR_HOUR = "labour_hour", _("Labour, per hour")
        TRAVEL = "travel", _("Travel, per visit")
        INSPECTION = "inspection", _("Inspection")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, unique=True)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("service rate")
        verbose_name_plural = _("service rates")

    def __str__(self) -> str:
        return self.get_kind_display()


class CounterSale(BaseModel):
    """Parts sold to a customer over the counter (WAR-15)."""

    number = models.CharField(_("sale number"), max_length=30, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    buyer = models.CharField(_("buyer"), max_length=60, blank=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total (CNY)"), **MONEY, default=Decimal("0"))
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("counter sale")
        verbose_name_plural = _("counter sales")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class CounterSaleLine(models.Model):
    sale = models.ForeignKey(CounterSale, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(**MONEY)
    stock_move = models.OneToOneField(StockMove, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.part_id} ×{self.quantity}"


class LoanerUnit(BaseModel):
    """A unit lent while the customer's is being repaired (备用机, R15)."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        OUT = "out", _("Lent out")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("loaner number"), max_length=40, unique=True)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(_("serial number"), max_length=60, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE
    )
    condition = models.CharField(_("condition"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("loaner unit")
        verbose_name_plural = _("loaner units")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.product}"


class LoanerIssue(BaseModel):
    """One loan: to whom, for which work order, until when, in what condition out and back."""

    unit = models.ForeignKey(LoanerUnit, on_delete=models.PROTECT, related_name="issues")
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="loans"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("lent at"))
    due_back_on = models.DateField(_("due back on"))
    condition_out = models.CharField(_("condition when lent"), max_length=200)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    condition_in = models.CharField(_("condition when returned"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(returned_at__isnull=True),
                name="repairs_one_open_loan_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.customer}"


class MaintenancePlan(BaseModel):
    """Periodic upkeep for a customer's product (WAR-16): visits generated ahead of time."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="maintenance_plans",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.ForeignKey(
        "catalog.SerialNumber",
        verbose_name=_("serial number"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200)
    interval_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MinValueValidator(1)]
    )
    next_due_on = models.DateField(_("next visit due"))
    lead_days = models.PositiveSmallIntegerField(
        _("create the visit this many days ahead"), default=14
    )
    work = models.CharField(_("what is done"), max_length=200)
    covered = models.BooleanField(
        _("included in the contract"),
        default=False,
        help_text=_("The upkeep is part of what the customer bought: the visits are free."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["next_due_on"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.product} · {self.interval_months}"
