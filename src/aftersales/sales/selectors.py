"""Reads of orders and shipments, scoped: a dealer's people see their dealer's orders only."""

from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.accounts.permissions import user_roles
from aftersales.core.errors import NotFound
from aftersales.core.selectors import clean_query
from aftersales.customers.permissions import dealer_of, is_dealer_user

from .models import FollowUp, Order, OrderLine, Shipment, ShipmentLine


def order_list_for_user(
    user, *, q: str = "", status: str = "", customer_id=None, date_from=None, date_to=None
) -> QuerySet[Order]:
    if not user_roles(user):
        return Order.objects.none()
    orders = Order.objects.select_related("customer", "dealer", "salesperson")
    if is_dealer_user(user):
        own = dealer_of(user)
        if own is None:
            return Order.objects.none()
        # Its own sales, and the company's direct orders of the customers it serves (it
        # carries out their 三包) — never another dealer's sales, even to a customer who has
        # since moved to it (the same rule as the cases': a record belongs to its dealer).
        orders = orders.filter(Q(dealer=own) | Q(dealer__isnull=True, customer__dealer=own))
    q, status = clean_query(q), clean_query(status)
    if q:
        orders = orders.filter(Q(number__istartswith=q) | Q(customer__name__startswith=q))
    if status:
        orders = orders.filter(status=status)
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    if date_from:
        orders = orders.filter(created_at__date__gte=date_from)
    if date_to:
        orders = orders.filter(created_at__date__lte=date_to)
    return orders.order_by("-created_at", "-id")


def order_get_for_user(user, *, order_id: int) -> Order:
    order = (
        order_list_for_user(user)
        .prefetch_related(
            Prefetch(
                "lines", queryset=OrderLine.objects.select_related("product", "requested_batch")
            ),
            Prefetch(
                "shipments",
                queryset=Shipment.objects.prefetch_related(
                    "lines__batch",
                    "lines__order_line__product",
                    "lines__serials",
                    "replaces__shipment_line__shipment",
                ),
            ),
        )
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def shipment_get_for_user(user, *, shipment_id: int) -> Shipment:
    orders = order_list_for_user(user)
    shipment = (
        Shipment.objects.select_related("order__customer", "verified_by")
        .filter(pk=shipment_id, order__in=orders)
        .first()
    )
    if shipment is None:
        raise NotFound()
    return shipment


def approval_queue(user) -> QuerySet[Order]:
    return order_list_for_user(user, status=Order.Status.SUBMITTED).exclude(salesperson=user)


def shipping_queue(user) -> QuerySet[Order]:
    return order_list_for_user(user).filter(
        status__in=[
            Order.Status.APPROVED,
            Order.Status.IN_FULFILMENT,
            Order.Status.PARTIALLY_SHIPPED,
        ]
    )


def follow_up_queue(user, *, today=None) -> QuerySet[Order]:
    """The orders whose satisfaction follow-up (SAL-9) is the reader's, due by ``today`` and
    not done yet."""
    due = FollowUp.objects.filter(
        order=OuterRef("pk"),
        assignee_id=user.pk or 0,
        done_at__isnull=True,
        due_on__lte=today or timezone.localdate(),
    )
    return order_list_for_user(user).filter(Exists(due))


def order_track(*, number: str, phone_tail: str) -> Order | None:
    """Public tracking: the number plus the last four digits of the customer's phone."""
    number, phone_tail = clean_query(number).upper(), clean_query(phone_tail)
    if len(phone_tail) != 4 or not phone_tail.isdigit() or not number:
        return None
    order = (
        Order.objects.select_related("customer")
        .prefetch_related("events", "shipments")
        .filter(number=number)
        .first()
    )
    if order is None:
        return None
    phones = [order.customer.mobile, order.customer.mobile_alt, order.contact_phone]
    if not any(p and p.endswith(phone_tail) for p in phones):
        return None
    return order


DELIVERED_STATUSES = (
    Order.Status.DELIVERED,
    Order.Status.ACCEPTED,
    Order.Status.ACCEPTED_WITH_ISSUES,
    Order.Status.CLOSED,  # closed only after acceptance
)


def order_delivered_on(order: Order):
    """The day the order's goods were all delivered: the last delivery's day once the order is
    delivered (SAL-7), None while anything is still to come."""
    if order.status not in DELIVERED_STATUSES:
        return None
    last = order.shipments.aggregate(last=Max("delivered_at"))["last"]
    return timezone.localdate(last) if last else None


def dispute_lines(order: Order) -> list[ShipmentLine]:
    """The order's delivery lines with a problem recorded at acceptance (SAL-8), oldest
    first, each with ``settled`` (units sent again or credited) and ``open_units`` (units not
    accepted and not settled yet). A line accepted in full despite a remark has none open."""
    rows = list(
        ShipmentLine.objects.filter(shipment__order=order)
        .exclude(problem="")
        .exclude(accepted_quantity__isnull=True)
        .select_related("shipment", "order_line__product", "batch")
        .prefetch_related("resolutions__reship")
        .annotate(settled=Coalesce(Sum("resolutions__quantity"), 0))
        .order_by("shipment__shipped_at", "id")
    )
    for row in rows:
        row.open_units = max(row.disputed_quantity - row.settled, 0)
    return rows


def open_dispute_units(order: Order) -> int:
    """Units of the order not accepted at delivery and neither sent again nor credited."""
    return sum(row.open_units for row in dispute_lines(order))


def serials_shipped(serial_ids) -> set[int]:
    """Which of these serial numbers have left on a delivery (a unit ships once)."""
    return set(
        ShipmentLine.serials.through.objects.filter(serialnumber_id__in=list(serial_ids))
        .values_list("serialnumber_id", flat=True)
        .distinct()
    )
