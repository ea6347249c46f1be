"""The customers' part of the global search (core.search): customers by name or phone, found
as the customer list finds them (``selectors.customer_list_for_user``: a dealer's own
customers only; a masked reader who finds one by the full number has it recorded), with the
number shown as the list shows it (``masking.phone_for``)."""

from __future__ import annotations

from django.urls import reverse

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit

from .masking import phone_for, sees_full_phones
from .selectors import customer_list_for_user


def customers(user, query, limit):
    if query.is_phone_tail and not sees_full_phones(user):
        return []  # searching by a phone's last digits is for those who see phones
    text = query.digits or query.text  # 139-1234-5678 is the mobile it spells
    found = customer_list_for_user(user, q=text)[: limit + 1]
    return [
        SearchHit(
            title=c.name,
            url=reverse("customers:customer-detail", args=[c.pk]),
            subtitle=" · ".join(
                p
                for p in (
                    phone_for(user, c.mobile or c.landline, customer=c),
                    c.city if c.city.startswith(c.province) else f"{c.province}{c.city}",
                    c.dealer.name if c.dealer_id else "",
                )
                if p
            ),
        )
        for c in found
    ]


def customers_more(user, query) -> str:
    return list_url("customers:customer-list", q=query.digits or query.text)
