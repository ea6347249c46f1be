"""Reads of customers, always scoped to the reader: a dealer sees its own customers only.

Pages, the API and exports all start from ``customer_list_for_user``, so none can leak
another dealer's customers.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aftersales.core.errors import NotFound
from aftersales.core.selectors import clean_query

from .masking import sees_full_phones
from .models import Customer, Dealer
from .permissions import can_view_customers, dealer_of, is_dealer_user


def dealer_visible(own) -> Q:
    """The customers a dealer's people may open: those it serves now, and those whose cases or
    orders it handles (a customer who moved to another dealer stays reachable from the old
    dealer's own open cases; the link on its case page must not lead to a 404)."""
    handled = Customer.objects.filter(Q(cases__dealer=own) | Q(orders__dealer=own)).values("pk")
    return Q(dealer=own) | Q(pk__in=handled)


def customer_list_for_user(
    user,
    *,
    q: str = "",
    level: str = "",
    dealer: str = "",
    kind: str = "",
    include_merged: bool = False,
) -> QuerySet[Customer]:
    if not can_view_customers(user):
        return Customer.objects.none()
    customers = Customer.objects.select_related("dealer")
    if is_dealer_user(user):
        own = dealer_of(user)
        if own is None:
            return Customer.objects.none()
        customers = customers.filter(dealer_visible(own))
    if not include_merged:
        customers = customers.filter(merged_into__isnull=True)
    q, level, dealer, kind = (clean_query(v) for v in (q, level, dealer, kind))
    if q:
        customers = customers.filter(_search(q, full_phone=sees_full_phones(user)))
    if level:
        customers = customers.filter(level=level)
    if dealer:
        customers = customers.filter(dealer__code=dealer)
    if kind:
        customers = customers.filter(kind=kind)
    if q:
        # A masked reader who finds a customer by the full number has confirmed it: recorded.
        from .services import customer_phone_search_record

        customer_phone_search_record(
            actor=user, query=q, found=customers, phone_fields=["mobile"], customer_field="pk"
        )
    return customers.order_by("-created_at", "-id")


def _search(q: str, *, full_phone: bool) -> Q:
    """Name prefix, mobile prefix or last digits, exact credit code: each an index range scan
    (bench/master_data.py shows the plans), so the search stays fast at a million customers."""
    digits = q.replace(" ", "").replace("-", "")
    condition = Q(name__startswith=q)
    if digits.isdigit() and full_phone:
        condition |= Q(mobile__startswith=digits) | Q(mobile_reversed__startswith=digits[::-1])
    elif digits.isdigit():
        # Masked roles see the last four digits already; partial matches on other digits
        # would let them rebuild a number digit by digit without a recorded reveal. The full
        # number finds its customer, and the find is recorded (customer_list_for_user).
        if len(digits) == 11:
            condition |= Q(mobile=digits)
        elif len(digits) == 4:
            condition |= Q(mobile_reversed__startswith=digits[::-1])
    if len(q) == 18:
        condition |= Q(credit_code=q.upper())
    return condition


def customer_get_for_user(user, *, customer_id: int) -> Customer:
    customer = customer_list_for_user(user, include_merged=True).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


def customer_duplicates(*, mobile: str = "", credit_code: str = "", exclude_id=None, user=None):
    """Customers that share the mobile (either field) or the credit code."""
    condition = Q()
    if mobile:
        condition |= Q(mobile=mobile) | Q(mobile_alt=mobile)
    if credit_code:
        condition |= Q(credit_code=credit_code.upper())
    if not condition:
        return Customer.objects.none()
    base = Customer.objects if user is None else customer_list_for_user(user)
    found = base.filter(condition, merged_into__isnull=True)
    if exclude_id:
        found = found.exclude(pk=exclude_id)
    return found.select_related("dealer").order_by("id")


def dealer_list() -> QuerySet[Dealer]:
    return Dealer.objects.filter(active=True).order_by("code")


PHONE_FIELDS = ("mobile", "mobile_alt", "landline")


def with_phone(customers: QuerySet[Customer], field: str, phone: str) -> QuerySet[Customer]:
    """Customers whose ``field`` (mobile, mobile_alt or landline) is ``phone``. The second
    mobile and the landline have partial indexes (blanks left out); the query repeats their
    condition as a literal, the only form SQLite matches against a partial index."""
    if field not in PHONE_FIELDS:
        raise ValueError(field)
    customers = customers.filter(**{field: phone})
    if field == "mobile":
        return customers
    return customers.extra(where=[f'NOT ("customers_customer"."{field}" = \'\')'])
