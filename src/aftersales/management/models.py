"""The cockpit's summary tables (RPT-1, RPT-2), its policy and the monthly management report.

``Fact`` holds the day-by-day aggregates the dashboards read: one row per measure, day and
combination of the filter dimensions, with a count, an amount and a total (hours). The rows
are sums of what each source record contributes; ``FactLedger`` remembers each record's
contribution, so a changed record moves its numbers from the old row to the new one
(``facts.refresh``), and a rebuild from scratch gives the same table (``facts.rebuild``).
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel


class Fact(models.Model):
    """A day's aggregate of one measure for one combination of the cockpit's filters. The
    dimensions are plain ids (0 = none), not foreign keys: the table is derived data, written
    in bulk, and must not hold up a delete elsewhere."""

    measure = models.CharField(max_length=40)
    day = models.DateField()
    department = models.PositiveIntegerField(default=0)
    product = models.PositiveIntegerField(default=0)
    category = models.PositiveIntegerField(default=0)
    dealer = models.PositiveIntegerField(default=0)
    region = models.CharField(max_length=40, default="", blank=True)
    key = models.CharField(max_length=80, default="", blank=True)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=18, decimal_places=4, default=0)  # hours

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "measure",
                    "day",
                    "department",
                    "product",
                    "category",
                    "dealer",
                    "region",
                    "key",
                ],
                name="management_fact_one_row",
            )
        ]
        indexes = [models.Index(fields=["measure", "day"], name="management_fact_measure_day")]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.key}: {self.count}"


class FactLedger(models.Model):
    """What one source record adds to ``Fact`` now (a list of rows)."""

    source = models.CharField(max_length=30)
    record_id = models.PositiveBigIntegerField()
    rows = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="management_ledger_one")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.record_id}"


class SummaryState(models.Model):
    """Per source: how far the incremental refresh has read (by the records' change time)."""

    source = models.CharField(max_length=30, unique=True)
    seen_until = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source} until {self.seen_until}"


def default_report_roles() -> list[str]:
    return ["sales_vp", "admin"]


class ManagementPolicy(VersionedModel):
    """Who receives the monthly management report, and how its figures are counted."""

    name = models.CharField(_("name"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    report_roles = models.JSONField(
        _("roles that receive the monthly report"),
        default=default_report_roles,
        blank=True,
        help_text=_("Role codes, e.g. sales_vp, quality, admin."),
    )
    repeat_repair_days = models.PositiveSmallIntegerField(
        _("a repair reported again within (days) is a repeat repair"), default=30
    )
    business_opens = models.TimeField(_("working hours begin"), default=time(9, 0))
    business_closes = models.TimeField(_("working hours end"), default=time(18, 0))

    class Meta:
        verbose_name = _("management report policy")
        verbose_name_plural = _("management report policies")

    def __str__(self) -> str:
        return self.name


class ManagementReport(BaseModel):
    """The monthly management report (RPT-3), made on the month's first working day for the
    month before and kept for download."""

    month = models.DateField(_("month"), unique=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/management/", max_length=200)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_to = models.PositiveIntegerField(_("people told"), default=0)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)

    class Meta:
        verbose_name = _("monthly management report")
        verbose_name_plural = _("monthly management reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
