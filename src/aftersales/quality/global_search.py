"""The quality app's part of the global search (core.search): inspection records,
certificates, nonconformances, liaison forms and recalls, for the company's staff (the quality
pages' readers); a dealer's people find none of them."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from aftersales.core.navigation import list_url
from aftersales.core.search import SearchHit

from . import selectors
from .models import Certificate
from .permissions import can_view_quality, can_work_recall


def inspections(user, query, limit):
    if not can_view_quality(user):
        return []
    found = selectors.inspection_list(q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=i.number,
            url=reverse("quality:inspection-detail", args=[i.pk]),
            subtitle=f"{i.batch.batch_no} · {i.batch.product} · {i.get_verdict_display()}",
            exact=i.number == query.upper,
        )
        for i in found
    ]


def inspections_more(user, query) -> str:
    return list_url("quality:inspection-list", q=query.text)


def certificates(user, query, limit):
    if not can_view_quality(user):
        return []
    found = (
        Certificate.objects.filter(number__istartswith=query.text)
        .select_related("batch", "batch__product")
        .order_by("-issued_at", "-id")[: limit + 1]
    )
    return [
        SearchHit(
            title=c.number,
            url=reverse("quality:inspection-detail", args=[c.inspection_id]),
            subtitle=f"{c.batch.batch_no} · {c.batch.product}",
            exact=c.number == query.upper,
        )
        for c in found
    ]


def nonconformances(user, query, limit):
    if not can_view_quality(user):
        return []
    found = selectors.nonconformance_list(q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=nc.number,
            url=reverse("quality:nc-detail", args=[nc.pk]),
            subtitle=f"{nc.title} · {nc.get_status_display()}",
            exact=nc.number == query.upper,
        )
        for nc in found
    ]


def nonconformances_more(user, query) -> str:
    # An empty status is the list's "all" (without it the list shows those not closed).
    return reverse("quality:nc-list") + "?" + urlencode({"status": "", "q": query.text})


def liaison_forms(user, query, limit):
    if not can_view_quality(user):
        return []
    found = selectors.liaison_list(user=user, q=query.text)[: limit + 1]
    return [
        SearchHit(
            title=f.number,
            url=reverse("quality:liaison-detail", args=[f.pk]),
            subtitle=" · ".join(
                p for p in (f.customer.name if f.customer_id else "", f.get_status_display()) if p
            ),
            exact=f.number == query.upper,
        )
        for f in found
    ]


def liaison_forms_more(user, query) -> str:
    return list_url("quality:liaison-list", box="active", q=query.text)


def recalls(user, query, limit):
    if not can_work_recall(user):
        return []
    found = selectors.recall_list().filter(number__istartswith=query.text)[: limit + 1]
    return [
        SearchHit(
            title=r.number,
            url=reverse("quality:recall-detail", args=[r.pk]),
            subtitle=f"{r.reason} · {r.get_status_display()}",
            exact=r.number == query.upper,
        )
        for r in found
    ]
