"""The compliance register (WAR-14, S14 六) as a page, an Excel export and a PDF print from
the one queryset of ``warranty.compliance``, with the totals and the monthly summary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.excel import export_response
from aftersales.core.models import ExportRecord
from aftersales.core.pdf import filters_text, table_pdf

from .. import compliance as register
from ..permissions import can_view_compliance

PER_PAGE = 50


def _filters(request) -> tuple[register.ComplianceFilter, str, bool]:
    raw_month = request.GET.get("month", "")
    try:
        month = register.month_parse(raw_month)
        bad_month = False
    except register.MonthInvalid:
        month, bad_month = None, True
    kind = request.GET.get("kind", "")
    return (
        register.ComplianceFilter(month=month, kind=kind if kind in register.KINDS else ""),
        raw_month if month else "",
        bad_month,
    )


@login_required
def compliance_register(request):
    if not can_view_compliance(request.user):
        raise Http404
    filters, month_text, bad_month = _filters(request)
    today = timezone.localdate()
    rows = register.compliance_rows(request.user, filters, today=today)
    title = _("Compliance register")
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        what = "compliance_register"
        if fmt == "xlsx":
            response, count = export_response(
                filename=f"{title}.xlsx",
                headers=register.HEADERS,
                rows=register.export_rows(rows, today=today),
                sheet_title=title,
            )
        else:
            printed = list(register.export_rows(rows, today=today))
            totals = register.compliance_totals(request.user, filters, today=today)
            printed.append([_("Total"), "", "", "", "", "", totals["exposure"], "", "", "", ""])
            response = HttpResponse(
                table_pdf(
                    title=str(title),
                    subtitle=filters_text(request.GET),
                    headers=[str(h) for h in register.HEADERS],
                    rows=printed,
                ),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = f'inline; filename="{what}.pdf"'
            count = len(printed) - 1
        ExportRecord.objects.create(
            user=request.user,
            what=f"{what}.{fmt}",
            rows=count,
            filters=request.GET.urlencode()[:300],
        )
        return response
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "warranty/compliance.html",
        {
            "title": title,
            "page": page,
            "rows": list(register.rows_of(page.object_list, today=today)),
            "totals": register.compliance_totals(request.user, filters, today=today),
            "summary": register.compliance_summary(request.user, months=12, today=today),
            "kinds": list(register.KINDS.items()),
            "kind": filters.kind,
            "month": month_text,
            "bad_month": bad_month,
            "filtered": bool(filters.kind or filters.month),
            "querystring": query.urlencode(),
        },
    )
