"""Customers, the dealers who serve them, and the customer file (SAL-10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel

from .validators import validate_credit_code, validate_landline, validate_mobile


class Dealer(BaseModel):
    """A company that sells our products and carries out 三包 for its customers (WAR-10)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    contact_name = models.CharField(_("contact"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=24, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DealerMember(BaseModel):
    """A person who signs in for a dealer: sees only that dealer's customers and cases."""

    dealer = models.ForeignKey(Dealer, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dealer_member"
    )

    class Meta:
        verbose_name = _("dealer member")
        verbose_name_plural = _("dealer members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.dealer}"


class Customer(VersionedModel):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ORGANISATION = "organisation", _("Organisation")

    class Level(models.TextChoices):
        NORMAL = "normal", _("Normal")
        VIP = "vip", _("VIP")
        KEY = "key", _("Key account")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=120)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    mobile_alt = models.CharField(
        _("second mobile"), max_length=11, blank=True, validators=[validate_mobile]
    )
    landline = models.CharField(
        _("landline"), max_length=24, blank=True, validators=[validate_landline]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    tags = models.CharField(
        _("tags"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. 老客户, 团购.")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.NORMAL)
    dealer = models.ForeignKey(
        Dealer,
        verbose_name=_("dealer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customers",
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    notes = models.TextField(_("notes"), blank=True)
    # The mobile reversed, so "ends with 5678" is an indexed prefix search.
    mobile_reversed = models.CharField(max_length=11, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    active = models.BooleanField(_("active"), default=True)

    # Derived from the mobile (and the number in full): never on the timeline.
    timeline_ignored_fields = ("mobile_reversed",)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["name"], name="cust_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["mobile"], name="cust_mobile_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["mobile_reversed"],
                name="cust_mobile_rev_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            # Intake matches a caller on any of the three numbers (SVC-1). Most customers have
            # no second mobile or landline: the blanks stay out of the index, so the planner
            # sees how selective it is (queries repeat the condition: ``selectors.with_phone``).
            models.Index(
                fields=["mobile_alt"], name="cust_mobile_alt_idx", condition=~Q(mobile_alt="")
            ),
            models.Index(fields=["landline"], name="cust_landline_idx", condition=~Q(landline="")),
            models.Index(fields=["credit_code"], name="cust_credit_code_idx"),
            models.Index(fields=["dealer", "active"], name="cust_dealer_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        from .addresses import format_address

        return format_address(self.province, self.city, self.district, self.street)

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]


class CustomerFileEntry(BaseModel):
    """The customer file (客户档案, SAL-10): needs, feedback and contacts, in order."""

    class Kind(models.TextChoices):
        NEED = "need", _("Need")
        FEEDBACK = "feedback", _("Feedback")
        CONTACT = "contact", _("Contact")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="file")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    content = models.TextField(_("content"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("customer file entry")
        verbose_name_plural = _("customer file entries")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.content[:30]}"


class PhoneReveal(models.Model):
    """Someone without need-to-know asked to see a customer's full number (SEC-1)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phone reveal")
        verbose_name_plural = _("phone reveals")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.customer} {self.field}"
