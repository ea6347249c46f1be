"""The cockpit's pages: one dashboard per area, the records behind a figure, the monthly
reports."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, InvalidInput
from aftersales.core.excel import export_response
from aftersales.core.models import ExportRecord

from . import facts, figures
from .db import reporting
from .drill import Links, drill_from_query, drill_records, rows_for
from .models import ManagementReport
from .permissions import can_make_report, can_open_cockpit

PER_PAGE = 50


def _guard(request) -> None:
    if not can_open_cockpit(request.user):
        raise PermissionDenied


def _bad(request, exc: InvalidInput, area: str = ""):
    return render(
        request,
        "management/bad_filter.html",
        {"error": exc, "area": area},
        status=400,
    )


def _filter_choices():
    from aftersales.accounts.models import Department
    from aftersales.catalog.models import Category, Product
    from aftersales.customers.models import Dealer

    return {
        "departments": [(d.pk, d.label) for d in Department.objects.filter(active=True)],
        "categories": [
            (c.pk, c.label if hasattr(c, "label") else str(c)) for c in Category.objects.all()
        ],
        "products": list(
            Product.objects.filter(active=True).order_by("name").values_list("pk", "name")
        ),
        "dealers": list(
            Dealer.objects.filter(active=True).order_by("name").values_list("pk", "name")
        ),
    }


@login_required
def home(request):
    """The cockpit opens on the service dashboard."""
    return dashboard(request, "service")


@login_required
def dashboard(request, area: str):
    _guard(request)
    if area not in figures.DASHBOARDS:
        raise Http404
    today = timezone.localdate()
    try:
        filters = figures.Filters.from_query(request.GET, today)
    except InvalidInput as exc:
        return _bad(request, exc, area)
    title, build = figures.DASHBOARDS[area]
    with reporting():
        board = build(filters, today)
        refreshed = facts.last_refreshed()
        choices = _filter_choices()
    if request.GET.get("format") == "xlsx":
        return _export_chart(request, board, request.GET.get("table", ""), filters)
    return render(
        request,
        "management/dashboard.html",
        {
            "area": area,
            "title": title,
            "areas": [(k, v[0]) for k, v in figures.DASHBOARDS.items()],
            "board": board,
            "filters": filters,
            "previous": filters.period.previous(),
            "last_year": filters.period.year_before(),
            "refreshed": refreshed,
            "periods": _period_choices(today),
            **choices,
        },
    )


def _period_choices(today: date) -> list[str]:
    month = figures.period_of("month", today)
    out = []
    for i in range(13):
        out.append(month.shift(-i).label)
    quarter = figures.period_of("quarter", today)
    out += [quarter.label, quarter.previous().label, str(today.year), str(today.year - 1)]
    return out


def _export_chart(request, board, key: str, filters):
    chart = next((c for c in board["charts"] if c.key == key), None)
    if chart is None:
        return HttpResponseBadRequest(_("No such table."))
    title = f"{chart.title} {filters.period.label}"
    response, count = export_response(
        filename=f"{title}.xlsx",
        headers=[str(h) for h in chart.headers],
        rows=chart.rows,
        sheet_title=chart.title,
    )
    ExportRecord.objects.create(
        user=request.user,
        what=f"cockpit.{key}.xlsx",
        rows=count,
        filters=request.GET.urlencode()[:300],
    )
    return response


@login_required
def records(request):
    """The records behind a figure: the same definition asked of the records."""
    _guard(request)
    try:
        drill = drill_from_query(request.GET)
    except InvalidInput as exc:
        return _bad(request, exc)
    links = Links(request.user)
    with reporting():
        lens, rows = drill_records(drill)
        if request.GET.get("format") == "xlsx":
            response, count = export_response(
                filename=f"{lens.title} {drill.start}–{drill.end}.xlsx",
                headers=[str(h) for h in lens.headers],
                rows=(
                    [c[0] if isinstance(c, tuple) else c for c in row]
                    for chunk in _chunked(rows)
                    for row in rows_for(drill, chunk, links)
                ),
                sheet_title=lens.title,
            )
            ExportRecord.objects.create(
                user=request.user,
                what=f"cockpit.{drill.measure}.xlsx",
                rows=count,
                filters=request.GET.urlencode()[:300],
            )
            return response
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        table = rows_for(drill, list(page.object_list), links)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "management/records.html",
        {
            "lens": lens,
            "drill": drill,
            "page": page,
            "table": table,
            "query": query.urlencode(),
        },
    )


def _chunked(rows, size: int = 2000):
    last = None
    ordered = rows.order_by("-pk") if hasattr(rows, "order_by") else rows
    while True:
        chunk = list(ordered.filter(pk__lt=last)[:size] if last else ordered[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


@login_required
def reports(request):
    _guard(request)
    return render(
        request,
        "management/reports.html",
        {
            "reports": ManagementReport.objects.all()[:36],
            "can_make": can_make_report(request.user),
            "last_month": figures.period_of("month", timezone.localdate()).previous().label,
        },
    )


@login_required
@require_POST
def report_make(request):
    from .services import management_report_make

    if not can_make_report(request.user):
        raise PermissionDenied
    try:
        period = figures.parse_period(request.POST.get("month", ""), timezone.localdate())
        if period.kind != "month":
            raise InvalidInput(
                _("Choose a month / 请选择月份."), fields={"month": [_("Not a month.")]}
            )
        report = management_report_make(period.start, actor=request.user, force=True)
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return redirect("management:reports")
    messages.success(request, _("The report for %(month)s is ready.") % {"month": report})
    return redirect("management:reports")


@login_required
def report_pdf(request, month: str):
    _guard(request)
    try:
        period = figures.parse_period(month, timezone.localdate())
    except InvalidInput as exc:
        raise Http404 from exc
    report = get_object_or_404(ManagementReport, month=period.start)
    response = FileResponse(report.pdf.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="management-{month}.pdf"'
    return response
