"""The 三包 part of the global search (core.search): return applications, 三包 certificates
and dealer claims, found as their lists find them (a dealer's people: their own only)."""

from __future__ import annotations

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit

from .selectors import application_filter
from .services.cards import card_list_for_user
from .services.claims import claim_list_for_user


def applications(user, query, limit):
    found = (
        application_filter(user, status="all", q=query.text)
        .select_related("customer", "product")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    return [
        SearchHit(
            title=a.number,
            url=a.get_absolute_url(),
            subtitle=f"{a.customer.name} · {a.product.name} · {a.get_status_display()}",
            exact=a.number == query.upper,
        )
        for a in found
    ]


def applications_more(user, query) -> str:
    return list_url("warranty:application-list", status="all", q=query.text)


def cards(user, query, limit):
    found = card_list_for_user(user, q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=c.number,
            url=c.get_absolute_url(),
            subtitle=" · ".join(
                p
                for p in (
                    c.customer.name if c.customer_id else "",
                    str(c.product),
                    c.serial.serial if c.serial_id else "",
                )
                if p
            ),
            exact=c.number == query.upper,
        )
        for c in found
    ]


def cards_more(user, query) -> str:
    return list_url("warranty:card-list", q=query.text)


def claims(user, query, limit):
    found = claim_list_for_user(user).filter(number__istartswith=query.text)[: limit + 1]
    return [
        SearchHit(
            title=c.number,
            url=c.get_absolute_url(),
            subtitle=f"{c.dealer.name} · {c.case.number} · {c.get_status_display()}",
            exact=c.number == query.upper,
        )
        for c in found
    ]
