"""The service app's part of the global search (core.search): cases, found as the desk's
queue finds them (``selectors.case_search``: number, phone and its last four digits, serial,
names and the words of the description and the solution)."""

from __future__ import annotations

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit
from aftersales.customers.masking import phone_for, sees_full_phones

from .selectors import case_search


def cases(user, query, limit):
    if query.is_phone_tail and not sees_full_phones(user):
        return []  # searching by a phone's last digits is for those who see phones
    found = case_search(user, query.text).order_by("-created_at", "-id")[: limit + 1]
    hits = []
    for case in found:
        parts = [case.customer.name, case.get_kind_display(), case.get_status_display()]
        if query.digits and case.contact_phone:
            parts.insert(1, phone_for(user, case.contact_phone))
        hits.append(
            SearchHit(
                title=case.number,
                url=case.get_absolute_url(),
                subtitle=" · ".join(p for p in parts if p),
                exact=case.number == query.upper,
            )
        )
    return hits


def cases_more(user, query) -> str:
    return list_url("service:case-list", q=query.text)
