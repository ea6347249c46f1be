"""The after-sales registers (S18) as pages, Excel exports and PDF prints."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_roles
from aftersales.core.excel import export_response
from aftersales.core.models import ExportRecord
from aftersales.core.pdf import filters_text, table_pdf
from aftersales.customers.masking import phone_display

from . import registers
from .models import Case, Kind


def _date(raw):
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def _filters(request) -> registers.RegisterFilter:
    return registers.RegisterFilter(
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
        kind=request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else "",
        status=request.GET.get("status", "")
        if request.GET.get("status") in Case.Status.values
        else "",
        by=request.GET.get("by", "") if request.GET.get("by") in registers.DIMENSIONS else "",
        key=request.GET.get("key", "")[:80],
        topic=request.GET.get("topic", "")[:40],
    )


def _register(request, *, complaints: bool):
    if not user_roles(request.user):
        raise Http404
    filters = _filters(request)
    cases = registers.register_cases(request.user, filters, complaints=complaints)
    show = phone_display(request.user)
    if complaints:
        title, what = _("Customer complaint register"), "complaint_register"
        headers, rows = registers.COMPLAINT_HEADERS, registers.complaint_rows
    else:
        title, what = _("After-sales service register"), "service_register"
        headers, rows = registers.SERVICE_HEADERS, registers.service_rows
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "pdf"):
        if fmt == "xlsx":
            response, count = export_response(
                filename=f"{title}.xlsx", headers=headers, rows=rows(cases, show), sheet_title=title
            )
        else:
            printed = list(rows(cases, show))
            response = HttpResponse(
                table_pdf(
                    title=str(title),
                    subtitle=filters_text(request.GET),
                    headers=[str(h) for h in headers],
                    rows=printed,
                ),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = f'inline; filename="{what}.pdf"'
            count = len(printed)
        ExportRecord.objects.create(
            user=request.user,
            what=f"{what}.{fmt}",
            rows=count,
            filters=request.GET.urlencode()[:300],
        )
        return response
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "service/register.html",
        {
            "title": title,
            "headers": headers,
            "rows": list(rows(page.object_list, show)),
            "page": page,
            "filters": filters,
            "complaints": complaints,
            "kinds": Kind.choices,
            "statuses": Case.Status.choices,
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def service_register(request):
    return _register(request, complaints=False)


@login_required
def complaint_register(request):
    return _register(request, complaints=True)
