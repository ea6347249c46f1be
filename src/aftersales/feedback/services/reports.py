"""The monthly complaint analysis for management (FB-3): made on the first working day of the
month for the month before, kept, and sent to the roles the policy names."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.notifications import notify
from aftersales.workdays import is_workday

from ..analysis import PARETO_DIMENSIONS, analysis, monthly_counts, period_of
from ..models import ComplaintReport
from .policy import active_policy


def first_working_day(day: date) -> bool:
    """Whether ``day`` is the month's first working day (after New Year's or National Day
    holidays it can be the 4th or the 8th)."""
    if not is_workday(day):
        return False
    first = date(day.year, day.month, 1)
    return not any(is_workday(first + timedelta(days=i)) for i in range((day - first).days))


def report_pdf(month: date) -> tuple[bytes, int]:
    from aftersales.core.pdf import render_pdf

    reader = None  # the report reads every complaint (a system read, not a person's)
    period = period_of("month", month)
    first = analysis(reader, period, "category")
    context = {
        "period": period,
        "main": first,
        "paretos": [(d, analysis(reader, period, d)["pareto"]) for d in PARETO_DIMENSIONS],
        "months": monthly_counts(reader, months=12, until=period.start),
    }
    title = _("Complaint analysis %(period)s") % {"period": period.label}
    return render_pdf("feedback/print/complaint_analysis.html", context, title=title), first[
        "total"
    ]


@transaction.atomic
def complaint_report_make(month: date, *, force: bool = False) -> ComplaintReport | None:
    """Make (once) the report of ``month`` and tell the policy's roles."""
    month = date(month.year, month.month, 1)
    existing = ComplaintReport.objects.filter(month=month).first()
    if existing is not None and not force:
        return None
    pdf, count = report_pdf(month)
    report = existing or ComplaintReport(month=month, complaints=count)
    report.complaints = count
    report.pdf.save(f"complaints-{month:%Y-%m}.pdf", ContentFile(pdf), save=False)
    roles = [r for r in active_policy().report_roles if r in Role.values]
    from ..permissions import can_analyse_complaints

    people = [
        person
        for person in get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .distinct()
        .prefetch_related("groups")
        if can_analyse_complaints(person)  # only those who may open the report
    ]
    report.sent_to = len(people)
    report.save()
    notify(
        recipients=people,
        title=_("Complaint analysis for %(month)s: %(n)s complaints")
        % {"month": f"{month:%Y-%m}", "n": count},
        link=reverse("feedback:report", args=[f"{month:%Y-%m}"]),
    )
    return report


def monthly_report_due(today: date | None = None) -> ComplaintReport | None:
    """The Celery beat task's check, daily: on the first working day, last month's report."""
    today = today or timezone.localdate()
    if not first_working_day(today):
        return None
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    return complaint_report_make(last_month)
