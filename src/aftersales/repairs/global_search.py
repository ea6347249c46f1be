"""The field-service part of the global search (core.search): work orders (found as their
list finds them: a technician their own visits, a dealer's people their own dealer's) and
counter sales of parts (for those who sell parts)."""

from __future__ import annotations

from django.urls import reverse

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit
from aftersales.customers.masking import phone_for

from .models import CounterSale
from .permissions import is_field_technician
from .selectors import work_order_filter
from .services.parts import can_sell_parts


def work_orders(user, query, limit):
    if query.is_phone_tail:
        return []  # a work order is found by the contact's whole number
    found = (
        work_order_filter(user, q=query.digits or query.text)
        .select_related("customer")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    technician = is_field_technician(user)
    hits = []
    for wo in found:
        # A technician's own visit opens on the phone page; a colleague's work order on a
        # case the technician handles opens on the work order's page.
        own = technician and wo.technician_id == user.pk
        page = "repairs:my-visit" if own else "repairs:work-order-detail"
        parts = [wo.customer.name, wo.get_kind_display(), wo.get_status_display()]
        if query.digits and wo.contact_phone:
            parts.insert(1, phone_for(user, wo.contact_phone))
        hits.append(
            SearchHit(
                title=wo.number,
                url=reverse(page, args=[wo.number]),
                subtitle=" · ".join(p for p in parts if p),
                exact=wo.number == query.upper,
            )
        )
    return hits


def work_orders_more(user, query) -> str:
    if is_field_technician(user):
        return ""  # a technician has their day, not the list
    return list_url("repairs:work-order-list", q=query.digits or query.text)


def counter_sales(user, query, limit):
    if not can_sell_parts(user):
        return []
    found = (
        CounterSale.objects.filter(number__istartswith=query.text)
        .select_related("customer")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    return [
        SearchHit(
            title=s.number,
            url=reverse("repairs:counter-sale-detail", args=[s.number]),
            subtitle=s.customer.name if s.customer_id else s.buyer,
            exact=s.number == query.upper,
        )
        for s in found
    ]
