"""Reads of orders, shipments and written promises, scoped: a dealer's people see their
dealer's orders and promises only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales.accounts.permissions import user_roles
from aftersales.core.errors import NotFound
from aftersales.core.hooks import call_hook
from aftersales.core.selectors import clean_query
from aftersales.customers.permissions import dealer_of, is_dealer_user

from .models import Order, OrderLine, Shipment, ShipmentLine, WrittenPromise
from .permissions import can_view_promises, promise_dealer


def order_list_for_user(
    user, *, q: str = "", status: str = "", customer_id=None, date_from=None, date_to=None
) -> QuerySet[Order]:
    orders = Order.objects.select_related("customer", "dealer", "salesperson")
    # A reader that is not a person (a partner's API key) is scoped by the app that knows it.
    outside = [s for s in call_hook("order_scope", user=user, orders=orders) if s is not None]
    if outside:
        orders = outside[0]
    elif not user_roles(user):
        return Order.objects.none()
    elif is_dealer_user(user):
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


# -- written promises (SAL-11) ------------------------------------------------------------------

# The company's promises first, then each dealer's, in their own order.
PROMISE_ORDER = (F("dealer__code").asc(nulls_first=True), "sort_order", "id")


def promise_list_for_user(user, *, status: str = "", q: str = "") -> QuerySet[WrittenPromise]:
    """The written promises the reader works with: a dealer's people their dealer's own; the
    company's staff the company's and every dealer's once submitted (a dealer's draft is its
    own until then)."""
    if not can_view_promises(user):
        return WrittenPromise.objects.none()
    promises = WrittenPromise.objects.select_related("dealer", "category", "product")
    scoped, dealer = promise_dealer(user)
    if scoped:
        if dealer is None:
            return WrittenPromise.objects.none()
        promises = promises.filter(dealer=dealer)
    else:
        promises = promises.exclude(dealer__isnull=False, status=WrittenPromise.Status.DRAFT)
    status, q = clean_query(status), clean_query(q)
    if status:
        promises = promises.filter(status=status)
    if q:
        promises = promises.filter(title__icontains=q)
    return promises.order_by(*PROMISE_ORDER)


def promise_get_for_user(user, *, promise_id: int) -> WrittenPromise:
    promise = (
        promise_list_for_user(user)
        .select_related("author", "submitted_by", "reviewed_by")
        .filter(pk=promise_id)
        .first()
    )
    if promise is None:
        raise NotFound()
    return promise


@dataclass(frozen=True)
class PromiseGroup:
    """One publisher's promises on the public page: the company's (``dealer`` None) or one
    dealer's."""

    dealer: object
    promises: list[WrittenPromise]


def promises_for_product(
    *, product, dealer_code: str = "", every_dealer: bool = False, today=None
) -> list[PromiseGroup]:
    """What the public promises page shows of a product (SAL-11, S2): the promises that are
    published, active and in force today and cover it (every product, its category or a
    category above it, or the product itself). The company's come first, then, for
    ``dealer_code`` (or ``every_dealer``), each active dealer's, grouped by dealer. Nothing
    unpublished, ever. Publishers without such promises have no group."""
    today = today or timezone.localdate()
    categories = [c.pk for c in product.category.path()] if product.category_id else []
    covers = (
        Q(category__isnull=True, product__isnull=True)
        | Q(category_id__in=categories)
        | Q(product_id=product.pk)
    )
    publishers = Q(dealer__isnull=True)
    code = clean_query(dealer_code)
    if every_dealer:
        publishers |= Q(dealer__active=True)
    elif code:
        publishers |= Q(dealer__code=code, dealer__active=True)
    rows = (
        WrittenPromise.objects.filter(
            covers, publishers, status=WrittenPromise.Status.PUBLISHED, active=True
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("dealer")
        .order_by(*PROMISE_ORDER)
    )
    groups: list[PromiseGroup] = []
    for row in rows:
        if not groups or groups[-1].dealer != row.dealer:
            groups.append(PromiseGroup(row.dealer, []))
        groups[-1].promises.append(row)
    return groups
