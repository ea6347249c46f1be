"""Cases follow their customer's file: a merge moves a duplicate's cases to the customer kept
(recorded on each case's timeline), a rename refreshes their search words."""

from __future__ import annotations

from django.db.models import F

from ..models import Case, CaseEvent
from .search import refresh_search_text


def cases_follow_merge(source, target) -> int:
    """The customer merge hook (runs in the merge's transaction)."""
    ids = list(Case.objects.filter(customer=source).values_list("pk", flat=True))
    if not ids:
        return 0
    Case.objects.filter(pk__in=ids).update(customer=target, version=F("version") + 1)
    note = f"{source.name} (#{source.pk}) → {target.name} (#{target.pk})"
    CaseEvent.objects.bulk_create(
        [CaseEvent(case_id=pk, action="customer_merged", note=note) for pk in ids]
    )
    refresh_search_text(customer=target)
    return len(ids)


def cases_follow_rename(*, customer) -> int:
    """The ``customer_renamed`` hook."""
    return refresh_search_text(customer=customer)
