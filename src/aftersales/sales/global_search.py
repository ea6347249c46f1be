"""The sales app's part of the global search (core.search): orders and delivery notes, found
as the order list and the delivery-note register find them."""

from __future__ import annotations

from django.urls import reverse

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit

from .registers import delivery_notes_for_user
from .selectors import order_list_for_user


def orders(user, query, limit):
    found = order_list_for_user(user, q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=o.number,
            url=reverse("sales:order-detail", args=[o.pk]),
            subtitle=f"{o.customer.name} · {o.get_status_display()} · ¥{o.total}",
            exact=o.number == query.upper,
        )
        for o in found
    ]


def orders_more(user, query) -> str:
    return list_url("sales:order-list", q=query.text)


def delivery_notes(user, query, limit):
    found = delivery_notes_for_user(user, q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=s.number,
            url=reverse("sales:order-detail", args=[s.order_id]),
            subtitle=f"{s.order.number} · {s.order.customer.name} · {s.get_status_display()}",
            exact=s.number == query.upper,
        )
        for s in found
    ]


def delivery_notes_more(user, query) -> str:
    return list_url("sales:register-delivery", q=query.text)
