"""Reads of cases, scoped to what the reader may see: a dealer's people see their dealer's
cases only (SEC-1)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from aftersales.accounts.permissions import user_roles
from aftersales.customers.permissions import dealer_of, is_dealer_user

from .models import Case, CaseAttachment


def case_list_for_user(user) -> QuerySet[Case]:
    if not user_roles(user):
        return Case.objects.none()
    cases = Case.objects.select_related(
        "customer", "product", "serial", "batch", "order", "shipment", "assignee", "department"
    )
    if is_dealer_user(user):
        own = dealer_of(user)
        return cases.filter(dealer=own) if own is not None else Case.objects.none()
    return cases


def case_get_for_user(user, *, number: str) -> Case | None:
    return case_list_for_user(user).filter(number=number).first()


def case_attachments(case: Case) -> QuerySet[CaseAttachment]:
    """The case's photos, videos and PDFs, oldest first, with who uploaded each."""
    return CaseAttachment.objects.filter(case=case).select_related("uploaded_by", "case")


def attachment_get_for_user(user, *, number: str, attachment_id: int) -> CaseAttachment | None:
    """One attachment, only if the reader may see its case (out of scope looks like missing)."""
    case = case_get_for_user(user, number=number)
    if case is None:
        return None
    return CaseAttachment.objects.filter(case=case, pk=attachment_id).first()


def case_search(user, query: str) -> QuerySet[Case]:
    """Cases matching a number, a phone, a serial, a customer's name or words of the text.

    Chinese has no spaces: the query is segmented like the stored ``search_text`` (jieba), and
    every word must occur. PostgreSQL answers from a full-text index (``simple``
    configuration) on the segmented column; other databases match the words as substrings.
    """
    from aftersales.core.selectors import clean_query

    from .services.search import segment

    query = clean_query(query)
    cases = case_list_for_user(user)
    if not query:
        return cases
    from aftersales.customers.validators import normalise_phone

    phone = normalise_phone(query)
    exact = Q(number__iexact=query) | Q(serial__serial__iexact=query)
    if phone:
        exact |= Q(contact_phone=phone)
    terms = [t for t in segment(query).split() if t]
    if not terms:
        return cases.filter(exact)
    if connection.vendor == "postgresql":
        # plainto_tsquery parses the words itself (AND of them): no operator in the query
        # can break it.
        text = Q(
            pk__in=Case.objects.extra(
                where=[
                    "to_tsvector('simple'::regconfig, COALESCE(search_text, '')) "
                    "@@ plainto_tsquery('simple'::regconfig, %s)"
                ],
                params=[" ".join(terms)],
            ).values("pk")
        )
    else:
        text = Q()
        for term in terms:
            text &= Q(search_text__contains=term)
    return cases.filter(exact | text)


def clocks_by_case(cases) -> dict[int, list]:
    """The SLA clocks of a page of cases in one query, for their ``sla`` summaries."""
    from django.contrib.contenttypes.models import ContentType

    from aftersales.sla.models import SlaClock

    by_case: dict[int, list] = {}
    ids = [c.pk for c in cases]
    for clock in SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(Case), owner_id__in=ids
    ).order_by("started_at", "id"):
        by_case.setdefault(clock.owner_id, []).append(clock)
    return by_case


OPEN_STATUS = "open"


def case_filter(user, *, q: str = "", status: str = OPEN_STATUS, kind: str = "") -> QuerySet[Case]:
    """The cases a list shows, for the desk's queue and the API alike: searched (``q``), by
    ``status`` — ``open`` (not closed or cancelled), ``all``/empty, or one status — and kind."""
    cases = case_search(user, q)
    if status == OPEN_STATUS:
        cases = cases.exclude(status__in=[Case.Status.CLOSED, Case.Status.CANCELLED])
    elif status and status != "all":
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    return cases


def with_next_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The desk's order: the soonest next SLA deadline first, cases without one last, then the
    newest. ``next_due_at`` is kept by ``services.sla``; the queue index serves this order."""
    from django.db.models import F

    return cases.order_by(F("next_due_at").asc(nulls_last=True), "-created_at", "-id")
