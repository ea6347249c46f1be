"""Products and where they came from: categories, suppliers, batches, serial numbers."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel


class WarrantyPolicy(BaseModel):
    """The 三包 terms a category falls under (WAR-1). The decision engine that applies them,
    and their remaining fields, arrive with the 三包 issue; the periods live here already."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"))
    exchange_days = models.PositiveSmallIntegerField(_("exchange window (days)"), default=15)
    return_days = models.PositiveSmallIntegerField(_("return window (days)"), default=7)
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")
        ordering = ["name"]

    def __str__(self) -> str:
        from aftersales.core.seeded import seeded_text

        from .seeded import WARRANTY_POLICIES

        return seeded_text(self.name, WARRANTY_POLICIES)


class Supplier(BaseModel):
    """A manufacturer or supplier: who a dealer claims against when it recovers 三包 costs."""

    class Kind(models.TextChoices):
        MANUFACTURER = "manufacturer", _("Manufacturer")
        SUPPLIER = "supplier", _("Supplier")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.MANUFACTURER
    )
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=24, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier / manufacturer")
        verbose_name_plural = _("suppliers / manufacturers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Category(BaseModel):
    """A node of the category tree (家用电器 › 电视)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    warranty_policy = models.ForeignKey(
        WarrantyPolicy,
        verbose_name=_("warranty policy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        help_text=_("Empty: the parent category's policy applies."),
    )
    sanbao_category = models.CharField(
        _("Three Guarantees (三包) catalogue category"),
        max_length=40,
        blank=True,
        help_text=_(
            "The name the Three Guarantees (三包) rules use for these goods, e.g. 彩色电视机, "
            "移动电话机, 微型计算机. Empty: the parent's; none at all: the general consumer-law "
            "rules."
        ),
    )
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owner department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_categories",
        help_text=_(
            "Answers for these products' technical knowledge: its head reviews the support "
            "articles. Empty: the parent category's."
        ),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (a seeded category's English name)."""
        from aftersales.core.seeded import seeded_name

        from .seeded import CATEGORIES

        return seeded_name(self.name, CATEGORIES.get(self.code))

    def path(self) -> list[Category]:
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def effective_owner_department(self):
        for node in reversed(self.path()):
            if node.owner_department_id:
                return node.owner_department
        return None

    def effective_warranty_policy(self) -> WarrantyPolicy | None:
        for node in reversed(self.path()):
            if node.warranty_policy_id:
                return node.warranty_policy
        return None


class Product(VersionedModel):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    model = models.CharField(_("model"), max_length=60, blank=True)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="台")
    list_price = models.DecimalField(
        _("list price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    shelf_life_days = models.PositiveIntegerField(
        _("shelf life (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("For food and other goods that expire."),
    )
    serial_tracked = models.BooleanField(_("serial numbers tracked"), default=False)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    manufacturer = models.ForeignKey(
        Supplier,
        verbose_name=_("manufacturer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        indexes = [models.Index(fields=["name"], name="catalog_product_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()


class FaultCode(BaseModel):
    """A kind of fault (故障代码): the common name of what goes wrong, so cases and support
    articles told in different words (屏幕有横线, 显示屏出现条纹) meet under one code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fault_codes",
        help_text=_("Empty: any product."),
    )
    keywords = models.CharField(
        _("words for it"),
        max_length=300,
        blank=True,
        help_text=_(
            "Words customers use for this fault, separated by spaces: a "
            "description with one of them is matched to this code."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from aftersales.core.seeded import seeded_name

        from .seeded import FAULT_CODES

        return seeded_name(self.name, FAULT_CODES.get(self.code))

    def words(self) -> list[str]:
        return [w for w in self.keywords.lower().split() if w]


class ProductPart(BaseModel):
    """A main part with its own warranty, e.g. glass and mirror 6 months (WAR-1, S8)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="parts")
    name = models.CharField(_("part"), max_length=60)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"))

    class Meta:
        verbose_name = _("main part")
        verbose_name_plural = _("main parts")
        ordering = ["product", "name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="catalog_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.warranty_months})"


class Batch(BaseModel):
    """A production lot (SAL-4, SVC-9): dates, packer and packing list, quality status."""

    class QualityStatus(models.TextChoices):
        PENDING = "pending", _("Pending inspection")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")
        RELEASED_BY_EXCEPTION = "released_by_exception", _("Released by exception")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="batches"
    )
    batch_no = models.CharField(_("batch number"), max_length=40)
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    packer_no = models.CharField(_("packer number"), max_length=40, blank=True)
    packing_list_ref = models.CharField(_("packing list"), max_length=60, blank=True)
    quality_status = models.CharField(
        _("quality status"),
        max_length=30,
        choices=QualityStatus.choices,
        default=QualityStatus.PENDING,
    )

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["-production_date", "batch_no"]
        constraints = [
            models.UniqueConstraint(fields=["product", "batch_no"], name="catalog_batch_unique"),
            # tv2026… and TV2026… are one batch (numbers are stored NFKC-normalised).
            models.UniqueConstraint(
                Lower("batch_no"), "product", name="catalog_batch_unique_nocase"
            ),
        ]
        indexes = [models.Index(fields=["batch_no"], name="catalog_batch_no_idx")]

    def __str__(self) -> str:
        return self.batch_no


class SerialNumber(BaseModel):
    serial = models.CharField(_("serial number"), max_length=60, unique=True)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="serials"
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="serials",
    )
    owner = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="serials",
    )
    sale_ref = models.CharField(_("sale reference"), max_length=40, blank=True)
    delivery_ref = models.CharField(_("delivery reference"), max_length=40, blank=True)
    warranty_start = models.DateField(_("warranty start"), null=True, blank=True)

    class Meta:
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        ordering = ["serial"]

    def __str__(self) -> str:
        return self.serial


class EmergencyRelease(BaseModel):
    """A request to release uninspected goods (QC-3): asked for by sales or logistics with a
    reason, decided by the vice-president. The register of these is what management reviews."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the vice-president")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Settled by inspection")

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="emergency_releases"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("emergency release")
        verbose_name_plural = _("emergency releases")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch"],
                condition=models.Q(status="requested"),
                name="catalog_release_one_open_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.reason[:30]}"
