from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aftersales.core.models import BaseModel

phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("Enter a mainland mobile number (11 digits starting 13–19) or a landline like 010-12345678."),
    code="invalid_phone",
)


class Department(BaseModel):
    """A department of the company (销售部, 质检部, 售后服务部 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    active = models.BooleanField(_("active"), default=True)
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head of department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
        help_text=_("Hears about dissatisfied customers of the department's cases."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (a seeded department's English name)."""
        from aftersales.core.seeded import seeded_name

        from .seeded import DEPARTMENTS

        return seeded_name(self.name, DEPARTMENTS.get(self.code))


class User(AbstractUser):
    """A person who signs in. Roles are the Django groups of ``accounts.roles.Role``."""

    full_name = models.CharField(
        _("full name"), max_length=60, blank=True, help_text=_("As written in Chinese, e.g. 张伟.")
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=24, blank=True, validators=[phone_validator])
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are written family name first with no space; one field holds it.
        return self.full_name or super().get_full_name()

    def get_short_name(self) -> str:
        return self.full_name or self.first_name or self.username


class LoginFailure(BaseModel):
    """Failed sign-ins of one account from one address (``username`` empty: of every account
    from that address), and the lock they led to. Its history keeps every failure, lock and
    unlock for the administrators. Written by ``services.login_failure_record``."""

    username = models.CharField(
        _("username"), max_length=150, blank=True, help_text=_("Empty: any account.")
    )
    address = models.CharField(_("IP address"), max_length=45, blank=True)
    failures = models.PositiveIntegerField(_("failures in the window"), default=0)
    failures_total = models.PositiveIntegerField(_("failures in all"), default=0)
    window_started_at = models.DateTimeField(_("window started at"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failure at"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, db_index=True)
    lockouts = models.PositiveIntegerField(
        _("lock-outs in a row"),
        default=0,
        help_text=_("Each further lock lasts twice as long; a successful sign-in starts again."),
    )

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["username", "address"], name="accounts_loginfailure_username_address_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username or '*'} @ {self.address or '?'}"

    def is_locked(self, now=None) -> bool:
        from django.utils import timezone

        return self.locked_until is not None and self.locked_until > (now or timezone.now())
