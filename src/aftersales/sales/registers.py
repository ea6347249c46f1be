"""The registers of S18 kept by sales: 合同/订单登记表, 产品销售台账, 送货单 register.

Each is a filtered, scoped queryset shared by the page, the Excel export and the PDF print.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum, Window
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from aftersales.core.selectors import clean_query
from aftersales.core.times import local_day, local_text

from .models import Order, Shipment, ShipmentLine
from .selectors import order_list_for_user

ORDER_HEADERS = [
    _("Number"),
    _("Signed / created"),
    _("Customer"),
    _("Dealer"),
    _("Status"),
    _("Total (CNY)"),
    _("Delivery date"),
    _("Delivery place"),
    _("Salesperson"),
]


def order_rows(orders: QuerySet[Order]):
    for o in orders.iterator(chunk_size=2000):
        yield [
            o.number,
            # The day in China: created_at comes back from the database in UTC.
            (o.signed_on or local_day(o.created_at)).isoformat(),
            o.customer.name,
            o.dealer.name if o.dealer_id else "",
            str(o.get_status_display()),
            o.total,
            o.delivery_date.isoformat(),
            o.delivery_place,
            str(o.salesperson),
        ]


@dataclass(frozen=True)
class LedgerFilter:
    customer_id: int | None = None
    product_sku: str = ""
    month: date | None = None  # the first day of the month


def ledger_for_user(user, filters: LedgerFilter) -> QuerySet[ShipmentLine]:
    """产品销售台账 (S18, SAL-5): one row per shipped line, with the running total of the
    amount in date order within the filter (a window sum, computed by the database)."""
    orders = order_list_for_user(user)
    lines = ShipmentLine.objects.filter(shipment__order__in=orders).select_related(
        "shipment__order__customer", "order_line__product", "batch"
    )
    if filters.customer_id:
        lines = lines.filter(shipment__order__customer_id=filters.customer_id)
    sku = clean_query(filters.product_sku)
    if sku:
        lines = lines.filter(order_line__product__sku=sku.upper())
    if filters.month:
        month = filters.month
        end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        lines = lines.filter(
            shipment__shipped_at__date__gte=month, shipment__shipped_at__date__lt=end
        )
    amount = ExpressionWrapper(
        F("quantity") * F("order_line__unit_price"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    return lines.annotate(
        line_amount=amount,
        running_total=Window(
            Sum(amount), order_by=[F("shipment__shipped_at").asc(), F("id").asc()]
        ),
    ).order_by("shipment__shipped_at", "id")


def ledger_totals(lines: QuerySet[ShipmentLine]) -> dict[str, list]:
    """Totals of the filtered ledger by customer, by product and by month."""
    base = lines.order_by().annotate(value=F("quantity") * F("order_line__unit_price"))
    by_customer = (
        base.values("shipment__order__customer__name")
        .annotate(quantity=Sum("quantity"), amount=Sum("value"))
        .order_by("-amount")[:20]
    )
    by_product = (
        base.values("order_line__product__sku", "order_line__product__name")
        .annotate(quantity=Sum("quantity"), amount=Sum("value"))
        .order_by("-amount")[:20]
    )
    by_month = (
        base.annotate(month=TruncMonth("shipment__shipped_at"))
        .values("month")
        .annotate(quantity=Sum("quantity"), amount=Sum("value"))
        .order_by("month")
    )
    return {"customer": list(by_customer), "product": list(by_product), "month": list(by_month)}


LEDGER_HEADERS = [
    _("Shipped at"),
    _("Order"),
    _("Delivery note"),
    _("Customer"),
    _("SKU"),
    _("Product"),
    _("Batch"),
    _("Quantity"),
    _("Unit price (CNY)"),
    _("Amount (CNY)"),
    _("Running total (CNY)"),
]


def ledger_rows(lines: QuerySet[ShipmentLine]):
    """Plain tuples, not model instances: an export of 100,000 rows stays fast and small."""
    columns = (
        "shipment__shipped_at",
        "shipment__order__number",
        "shipment__number",
        "shipment__order__customer__name",
        "order_line__product__sku",
        "order_line__product__name",
        "batch__batch_no",
        "quantity",
        "order_line__unit_price",
        "line_amount",
        "running_total",
    )
    for row in lines.values_list(*columns).iterator(chunk_size=5000):
        yield [local_text(row[0], "%Y-%m-%d"), *row[1:]]


def delivery_notes_for_user(user, *, q: str = "", status: str = "") -> QuerySet[Shipment]:
    shipments = Shipment.objects.filter(order__in=order_list_for_user(user)).select_related(
        "order__customer", "verified_by"
    )
    q, status = clean_query(q), clean_query(status)
    if q:
        shipments = shipments.filter(number__istartswith=q) | shipments.filter(
            order__number__istartswith=q
        )
    if status:
        shipments = shipments.filter(status=status)
    return shipments.order_by("-shipped_at", "-id")


DELIVERY_HEADERS = [
    _("Delivery note"),
    _("Order"),
    _("Customer"),
    _("Shipped at"),
    _("Delivered at"),
    _("Deliverer"),
    _("Vehicle / carrier"),
    _("Status"),
    _("Verified by (warehouse)"),
]


def delivery_rows(shipments: QuerySet[Shipment]):
    for s in shipments.iterator(chunk_size=2000):
        yield [
            s.number,
            s.order.number,
            s.order.customer.name,
            local_text(s.shipped_at),
            local_text(s.delivered_at),
            s.deliverer,
            s.carrier,
            str(s.get_status_display()),
            str(s.verified_by),
        ]
