from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class CalendarOverride(BaseModel):
    """The company's word on one day, which wins over the official schedule.

    Company rest days (a shutdown, a local holiday) and extra working days, and — with source
    ``announcement`` — the days of a State Council schedule that the package does not cover yet.
    """

    class Source(models.TextChoices):
        COMPANY = "company", _("Company decision")
        ANNOUNCEMENT = "announcement", _("State Council announcement")

    day = models.DateField(_("day"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=60)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.COMPANY
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        kind = _("working day") if self.is_workday else _("rest day")
        return f"{self.day:%Y-%m-%d} {kind} {self.name}"


class AnnouncedYear(BaseModel):
    """A year whose official schedule an administrator loaded: no longer provisional."""

    class Source(models.TextChoices):
        NOTICE = "notice", _("Notice text")
        CSV = "csv", _("Schedule file (CSV)")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("notice"), max_length=200, help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知")
    )
    source = models.CharField(
        _("loaded from"), max_length=10, choices=Source.choices, default=Source.CSV
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    text = models.TextField(_("text as loaded"), blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("announced year")
        verbose_name_plural = _("announced years")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.notice}"
