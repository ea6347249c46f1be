"""The sales registers as pages, Excel exports and PDF prints (S18), all from one queryset."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_roles
from aftersales.core.excel import export_response
from aftersales.core.models import ExportRecord
from aftersales.core.pdf import filters_text, table_pdf

from . import registers
from .models import Order, Shipment


def _safe_date(raw: str | None) -> date | None:
    try:
        return parse_date(raw or "")
    except ValueError:
        return None


def _deliver(request, *, what: str, title: str, headers, rows, filename: str):
    """Excel (``?format=xlsx``) or PDF (``?format=pdf``); both recorded (SEC-1)."""
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        response, count = export_response(
            filename=f"{filename}.xlsx", headers=headers, rows=rows, sheet_title=title
        )
    else:
        materialised = list(rows)
        pdf = table_pdf(
            title=title,
            subtitle=filters_text(request.GET),
            headers=[str(h) for h in headers],
            rows=materialised,
        )
        response, count = HttpResponse(pdf, content_type="application/pdf"), len(materialised)
        response["Content-Disposition"] = f'inline; filename="{what}.pdf"'
    ExportRecord.objects.create(
        user=request.user, what=f"{what}.{fmt}", rows=count, filters=request.GET.urlencode()[:300]
    )
    return response


@login_required
def order_register(request):
    from .selectors import order_list_for_user

    if not user_roles(request.user):
        return HttpResponse(status=404)
    filters = {
        "q": request.GET.get("q", ""),
        "status": request.GET.get("status", ""),
        "date_from": _safe_date(request.GET.get("date_from")),
        "date_to": _safe_date(request.GET.get("date_to")),
    }
    orders = order_list_for_user(request.user, **filters)
    title = _("Contract / order register")
    if request.GET.get("format") in {"xlsx", "pdf"}:
        return _deliver(
            request,
            what="order-register",
            title=str(title),
            headers=registers.ORDER_HEADERS,
            rows=registers.order_rows(orders),
            filename="合同订单登记表",
        )
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sales/register_orders.html",
        {
            "title": title,
            "page": page,
            "filters": filters,
            "statuses": Order.Status.choices,
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def sales_ledger(request):
    if not user_roles(request.user):
        return HttpResponse(status=404)
    raw_customer = request.GET.get("customer", "")
    month = _safe_date(f"{request.GET.get('month', '')}-01") if request.GET.get("month") else None
    if month is not None and not 2004 <= month.year <= 2099:
        month = None
    filters = registers.LedgerFilter(
        customer_id=int(raw_customer)
        if raw_customer.isascii() and raw_customer.isdigit()
        else None,
        product_sku=request.GET.get("sku", ""),
        month=month,
    )
    lines = registers.ledger_for_user(request.user, filters)
    title = _("Sales ledger")
    if request.GET.get("format") in {"xlsx", "pdf"}:
        return _deliver(
            request,
            what="sales-ledger",
            title=str(title),
            headers=registers.LEDGER_HEADERS,
            rows=registers.ledger_rows(lines),
            filename="产品销售台账",
        )
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sales/register_ledger.html",
        {
            "title": title,
            "page": page,
            "filters": request.GET,
            "totals": registers.ledger_totals(lines),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def delivery_note_register(request):
    if not user_roles(request.user):
        return HttpResponse(status=404)
    shipments = registers.delivery_notes_for_user(
        request.user, q=request.GET.get("q", ""), status=request.GET.get("status", "")
    )
    title = _("Delivery note register")
    if request.GET.get("format") in {"xlsx", "pdf"}:
        return _deliver(
            request,
            what="delivery-notes",
            title=str(title),
            headers=registers.DELIVERY_HEADERS,
            rows=registers.delivery_rows(shipments),
            filename="送货单登记表",
        )
    page = Paginator(shipments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "sales/register_delivery.html",
        {
            "title": title,
            "page": page,
            "filters": request.GET,
            "statuses": Shipment.Status.choices,
            "querystring": request.GET.urlencode(),
        },
    )
