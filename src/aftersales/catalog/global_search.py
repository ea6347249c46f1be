"""The catalogue's part of the global search (core.search): serial numbers and batches, found
as their lists find them (a dealer's people: the serials of their own customers only)."""

from __future__ import annotations

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit

from .selectors import batch_list_for_user, serial_list_for_user


def serials(user, query, limit):
    found = serial_list_for_user(user, q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=s.serial,
            url=list_url("catalog:serial-list", q=s.serial),
            subtitle=" · ".join(
                str(p) for p in (s.product, s.batch.batch_no if s.batch_id else "", s.owner) if p
            ),
        )
        for s in found
    ]


def serials_more(user, query) -> str:
    return list_url("catalog:serial-list", q=query.text)


def batches(user, query, limit):
    found = batch_list_for_user(user, q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=b.batch_no,
            url=list_url("catalog:batch-list", q=b.batch_no),
            subtitle=f"{b.product} · {b.get_quality_status_display()}",
        )
        for b in found
    ]


def batches_more(user, query) -> str:
    return list_url("catalog:batch-list", q=query.text)
