"""The monthly management report (RPT-3, FB-5): made on the first working day of the month
for the month before by Celery beat, kept for download, and sent to the policy's roles."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.notifications import notify
from aftersales.feedback.services.reports import first_working_day  # one rule, both reports

from . import figures
from .facts import active_policy
from .models import ManagementReport
from .permissions import can_open_cockpit


@transaction.atomic
def management_report_make(month: date, *, actor=None, force: bool = False):
    """Make (once, or again with ``force``) the report of ``month`` and tell the policy's
    roles. Returns the report, or None when it exists and ``force`` is not given."""
    from .report import report_pdf

    month = date(month.year, month.month, 1)
    existing = ManagementReport.objects.filter(month=month).first()
    if existing is not None and not force:
        return None
    pdf, pages = report_pdf(month)
    report = existing or ManagementReport(month=month)
    report.pages = pages
    report.made_by = actor
    report.pdf.save(f"management-{month:%Y-%m}.pdf", ContentFile(pdf), save=False)
    roles = [r for r in active_policy().report_roles if r in Role.values]
    people = [
        person
        for person in get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .distinct()
        .prefetch_related("groups")
        if can_open_cockpit(person)
    ]
    report.sent_to = len(people)
    report.save()
    notify(
        recipients=people,
        title=_("Management report for %(month)s") % {"month": f"{month:%Y-%m}"},
        link=reverse("management:report-pdf", args=[f"{month:%Y-%m}"]),
    )
    return report


def monthly_report_due(today: date | None = None):
    """The daily task's check: on the first working day, last month's report (once)."""
    today = today or timezone.localdate()
    if not first_working_day(today):
        return None
    last_month = figures.period_of("month", today).previous().start
    return management_report_make(last_month)
