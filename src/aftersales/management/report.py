"""The monthly management report's content: the four dashboards for the month, compliance
(late refunds, refused 三包), and the month's improvement work (corrective actions,
self-inspections, service meetings and their open items)."""

from __future__ import annotations

import re
import zlib
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from . import figures
from .db import reporting
from .svg import bar_svg, line_svg


def _chart_svg(chart: figures.Chart) -> str:
    if chart.kind == "line":
        return line_svg(chart.labels, [(s["name"], s["data"]) for s in chart.series])
    first = chart.series[0] if chart.series else {"data": []}
    return bar_svg([str(x) for x in chart.labels], first["data"], unit=str(chart.unit or ""))


def _section(title: str, board: dict, chart_keys: tuple[str, ...]) -> dict:
    charts = [c for c in board["charts"] if c.key in chart_keys]
    return {
        "title": title,
        "cards": board["cards"],
        "charts": [{"chart": c, "svg": _chart_svg(c)} for c in charts],
    }


def compliance(month: figures.Period, today: date) -> dict:
    """Refunds paid after their due day (or still unpaid past it) and 三包 refused, in the
    month (the 三包 rules: R-numbers in warranty)."""
    from aftersales.warranty.models import Application

    since = timezone.make_aware(datetime.combine(month.start, time.min))
    until = timezone.make_aware(datetime.combine(month.end, time.min))
    due = Application.objects.filter(
        refund_due_on__gte=month.start, refund_due_on__lt=month.end
    ).select_related("customer")
    late = []
    for a in due.order_by("refund_due_on"):
        paid = timezone.localdate(a.refunded_at) if a.refunded_at else None
        if (paid and paid > a.refund_due_on) or (paid is None and a.refund_due_on < today):
            late.append(
                {
                    "number": a.number,
                    "due": a.refund_due_on,
                    "paid": paid,
                    "days": ((paid or today) - a.refund_due_on).days,
                }
            )
    refused = list(
        Application.objects.filter(status="rejected")
        .filter(reviewed_at__gte=since, reviewed_at__lt=until)
        .select_related("product")
        .order_by("reviewed_at")[:50]
    )
    return {"late_refunds": late[:50], "late_count": len(late), "refused": refused}


def improvement(month: figures.Period) -> dict:
    from aftersales.quality.models import CorrectiveAction

    since = timezone.make_aware(datetime.combine(month.start, time.min))
    until = timezone.make_aware(datetime.combine(month.end, time.min))
    actions = list(
        CorrectiveAction.objects.filter(created_at__gte=since, created_at__lt=until)
        .select_related("nonconformance", "owner")
        .order_by("due_on")[:60]
    )
    out = {"actions": actions, "inspections": [], "meetings": [], "open_items": []}
    try:
        from aftersales.feedback.selectors import (
            meetings_in_month,
            open_meeting_actions,
            self_inspections_in_month,
        )
    except ImportError:  # an installation without the self-inspection module
        return out
    out["inspections"] = self_inspections_in_month(month.start)
    out["meetings"] = meetings_in_month(month.start)
    out["open_items"] = open_meeting_actions(month.last)
    return out


def report_context(month_start: date, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    period = figures.period_of("month", month_start)
    filters = figures.Filters(period)
    # The figures as they stood at the month's end (the backlog's ages too).
    as_of = min(today, period.last)
    with reporting():
        sales = figures.sales_dashboard(filters, as_of)
        service = figures.service_dashboard(filters, as_of)
        quality = figures.quality_dashboard(filters, as_of)
        satisfaction = figures.satisfaction_dashboard(filters, as_of)
        context = {
            "period": period,
            "sections": [
                _section("销售", sales, ("amount_months", "amount_category", "deliveries")),
                _section(
                    "售后服务",
                    service,
                    ("intake_channel", "sla_targets", "durations", "sanbao"),
                ),
                _section("质量", quality, ("pass_rate", "failed_items", "complaints_product")),
                _section("顾客满意度与人员", satisfaction, ("satisfaction_months", "scorecards")),
            ],
            "nonconformances": quality["nonconformances"],
            "releases": quality["releases"],
            "compliance": compliance(period, today),
            "improvement": improvement(period),
        }
    return context


def report_pdf(month_start: date) -> tuple[bytes, int]:
    from django.conf import settings
    from django.utils import translation

    from aftersales.core.pdf import render_pdf

    with translation.override(settings.LANGUAGE_CODE):  # the report is in Chinese
        context = report_context(month_start)
    title = _("Management report %(month)s") % {"month": context["period"].label}
    pdf = render_pdf("management/print/monthly_report.html", context, title=title)
    return pdf, page_count(pdf)


def page_count(pdf: bytes) -> int:
    """The page tree's ``/Count`` (WeasyPrint may keep it in a compressed object stream)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        if end == -1:
            continue
        try:
            chunks.append(zlib.decompress(pdf[match.end() : end]))
        except zlib.error:
            continue
    counts = [int(n) for c in chunks for n in re.findall(rb"/Count\s+(\d+)", c)]
    return max(counts, default=0)
