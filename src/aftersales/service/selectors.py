"""Reads of cases, scoped to what the reader may see: a dealer's people see their dealer's
cases only (SEC-1)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from aftersales.accounts.permissions import user_roles
from aftersales.core.hooks import call_hook
from aftersales.customers.permissions import dealer_of, is_dealer_user

from .models import Case, CaseAttachment, CaseCall, CaseNote


def case_list_for_user(user) -> QuerySet[Case]:
    cases = Case.objects.select_related(
        "customer",
        "product",
        "serial",
        "batch",
        "order",
        "shipment",
        "assignee",
        "department",
        "fault_code",
    )
    # A reader that is not a person (a partner's API key) is scoped by the app that knows it.
    for scoped in call_hook("case_scope", user=user, cases=cases):
        if scoped is not None:
            return scoped
    if not user_roles(user):
        return Case.objects.none()
    if is_dealer_user(user):
        own = dealer_of(user)
        return cases.filter(dealer=own) if own is not None else Case.objects.none()
    return cases


def case_get_for_user(user, *, number: str) -> Case | None:
    return case_list_for_user(user).filter(number=number).first()


def case_attachments(case: Case) -> QuerySet[CaseAttachment]:
    """The case's photos, videos and PDFs, oldest first, with who uploaded each."""
    return CaseAttachment.objects.filter(case=case).select_related("uploaded_by", "case")


def case_notes(case: Case) -> QuerySet[CaseNote]:
    """The case's internal notes, oldest first, with their authors (read it through
    ``case_get_for_user``: whoever may see the case reads them)."""
    return CaseNote.objects.filter(case=case).select_related("author")


def case_calls(case: Case) -> QuerySet[CaseCall]:
    """The case's call log, in the order the calls took place."""
    return CaseCall.objects.filter(case=case).select_related("recorded_by")


def attachment_get_for_user(user, *, number: str, attachment_id: int) -> CaseAttachment | None:
    """One attachment, only if the reader may see its case (out of scope looks like missing)."""
    case = case_get_for_user(user, number=number)
    if case is None:
        return None
    return CaseAttachment.objects.filter(case=case, pk=attachment_id).first()


def case_search(user, query: str) -> QuerySet[Case]:
    """Cases matching a number, a phone, a serial, a customer's name or words of the text.

    Chinese has no spaces: the query is segmented like the stored ``search_text`` (jieba), and
    every word must occur. The number, the contact's phone, the serial and the names are in
    that text too, so one full-text index answers: PostgreSQL's (``simple`` configuration,
    whole words) or SQLite's FTS5 table (words and word prefixes). Other databases match the
    words as substrings. A case number typed in full is found by its own index.
    """
    from aftersales.core.selectors import clean_query
    from aftersales.customers.validators import normalise_phone

    from .services.search import segment

    query = clean_query(query)
    cases = case_list_for_user(user)
    if not query:
        return cases
    phone = normalise_phone(query)
    if phone.isdigit():
        query = phone  # 139-1234-5678 is stored as 13912345678
    # A case number typed in full is that case (its unique index); anything else, the serial
    # included, is found in the search text.
    number = cases.filter(number=query.upper())
    if number.exists():
        return number
    terms = [t for t in segment(query).split() if t]
    if not terms:
        return cases.none()
    if connection.vendor == "postgresql":
        # On the outer query itself, not as ``id IN (subquery)``: the GIN index's bitmap
        # then feeds the count and the sort directly, without a probe back per match.
        # plainto_tsquery parses the words itself (AND of them): no operator in the query
        # can break it.
        found = cases.extra(
            where=['"service_case"."search_vector" @@ plainto_tsquery(\'simple\'::regconfig, %s)'],
            params=[" ".join(terms)],
        )
    else:
        found = cases.filter(pk__in=_text_matches(terms))
    # Someone who sees phones masked and finds cases by digits the mask hides has confirmed
    # the contact's number: recorded as a reveal of each such case's customer (SEC-1).
    from aftersales.customers.services import customer_phone_search_record

    customer_phone_search_record(
        actor=user, query=query, found=found, phone_fields=["contact_phone"]
    )
    return found


def _text_matches(terms: list[str]):
    """The ids of cases whose search text has every term, on SQLite (its FTS5 table) and
    other databases (substrings); a subquery of its own, so the outer query's table never
    leaks into it."""
    if connection.vendor == "sqlite" and fts5_ready():
        # Every term a quoted FTS5 string (quotes doubled) with a prefix star: no operator a
        # user types can change the query's meaning.
        match = " ".join('"' + t.replace('"', '""') + '"*' for t in terms)
        return RawSQL("SELECT rowid FROM service_case_fts WHERE service_case_fts MATCH %s", [match])
    text = Q()
    for term in terms:
        text &= Q(search_text__contains=term)
    return Case.objects.filter(text).values("pk")


def fts5_ready() -> bool:
    """Whether this SQLite database has the case search table (migration 0007 makes it)."""
    if getattr(connection, "_case_fts5", False):
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='service_case_fts'")
        # Remembered only once found: a process started before the migration finds it later.
        connection._case_fts5 = cursor.fetchone() is not None
    return connection._case_fts5


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


CLOSED_STATUSES = ("closed", "cancelled")


def only_open(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases not closed or cancelled, written with the statuses as literals: SQLite uses the
    open-case partial indexes (the queue's order, the overview's counts) only when the query's
    condition is the index's own text, which a bound parameter never is."""
    return cases.extra(where=["NOT (\"service_case\".\"status\" IN ('closed', 'cancelled'))"])


OPEN_STATUS = "open"


def case_filter(
    user,
    *,
    q: str = "",
    status: str = OPEN_STATUS,
    kind: str = "",
    department: str = "",
    assignee: str = "",
    overdue: bool = False,
    due: str = "",
    now=None,
) -> QuerySet[Case]:
    """The cases a list shows, for the desk's queue and the API alike: searched (``q``), by
    ``status`` — ``open`` (not closed or cancelled), ``all``/empty, or one status — kind,
    department (an id, or ``none``), assignee (``me``, ``none`` or an id), ``overdue``
    (a running deadline already passed) and ``due`` (``today``: the next deadline is later
    today). Unknown values match nothing rather than everything."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    cases = case_search(user, q)
    if status == OPEN_STATUS:
        cases = only_open(cases)
    elif status and status != "all":
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    if department == "none":
        cases = cases.filter(department__isnull=True)
    elif department:
        cases = cases.filter(department_id=_typed_id(department))
    if assignee == "me":
        cases = cases.filter(assignee_id=user.pk or 0)
    elif assignee == "none":
        cases = cases.filter(assignee__isnull=True)
    elif assignee:
        cases = cases.filter(assignee_id=_typed_id(assignee))
    now = now or timezone.now()
    if overdue:
        cases = cases.filter(next_due_at__lt=now)
    if due == "today":
        tomorrow = timezone.localdate(now) + timedelta(days=1)
        midnight = datetime.combine(tomorrow, time.min, timezone.get_current_timezone())
        cases = cases.filter(next_due_at__gte=now, next_due_at__lt=midnight)
    elif due:
        cases = cases.none()
    return cases


def _typed_id(text: str) -> int:
    """A record id typed into a filter, or 0 (no record's) for anything else: "²" and a
    5,000-digit number are digits too, but no id (int() refuses them, a database overflows)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def with_next_due(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The desk's order: the soonest next SLA deadline first, cases without one last, then the
    newest. ``next_due_at`` is kept by ``services.sla``; the queue index serves this order."""
    from django.db.models import F

    return cases.order_by(F("next_due_at").asc(nulls_last=True), "-created_at", "-id")


def desk_overview(user, *, now=None) -> dict:
    """The desk's overview (W4): open cases by status, department and kind, with the overdue,
    due-soon, unassigned and own counts. Four aggregate queries over the open-case indexes,
    whatever the number of cases; dealers see their own dealer's cases only (SEC-1)."""
    from datetime import timedelta

    from django.db.models import Count
    from django.utils import timezone

    from aftersales.accounts.models import Department

    from .models import Kind

    now = now or timezone.now()
    open_cases = only_open(case_list_for_user(user).select_related(None))
    grid = list(
        open_cases.order_by().values_list("status", "department_id", "kind").annotate(n=Count("*"))
    )
    by_status: dict[str, int] = {}
    by_department: dict[int | None, dict[str, int]] = {}
    by_kind: dict[str, int] = {}
    for status, department_id, kind, n in grid:
        by_status[status] = by_status.get(status, 0) + n
        row = by_department.setdefault(department_id, {})
        row[status] = row.get(status, 0) + n
        by_kind[kind] = by_kind.get(kind, 0) + n
    due = open_cases.order_by().filter(next_due_at__isnull=False)
    counts = due.aggregate(
        overdue=Count("next_due_at", filter=Q(next_due_at__lt=now)),
        due_soon=Count(
            "next_due_at", filter=Q(next_due_at__gte=now, next_due_at__lt=now + timedelta(days=1))
        ),
    )
    unassigned = open_cases.order_by().filter(assignee__isnull=True).count()
    mine = open_cases.order_by().filter(assignee=user).count() if user.is_authenticated else 0
    names = {
        d.pk: d.label
        for d in Department.objects.filter(pk__in=[d for d in by_department if d]).only(
            "pk", "code", "name"
        )
    }
    statuses = [(code, label) for code, label in Case.Status.choices if code not in CLOSED_STATUSES]
    departments = sorted(
        (
            {
                "id": department_id,
                "name": names.get(department_id, ""),
                "cells": [row.get(code, 0) for code, _label in statuses],
                "total": sum(row.values()),
            }
            for department_id, row in by_department.items()
        ),
        key=lambda d: (-d["total"], d["name"]),
    )
    kind_labels = dict(Kind.choices)
    return {
        "total": sum(by_status.values()),
        "statuses": [
            {"code": code, "label": label, "count": by_status.get(code, 0)}
            for code, label in statuses
        ],
        "departments": departments,
        "kinds": sorted(
            ({"code": k, "label": kind_labels.get(k, k), "count": n} for k, n in by_kind.items()),
            key=lambda k: -k["count"],
        ),
        "overdue": counts["overdue"],
        "due_soon": counts["due_soon"],
        "unassigned": unassigned,
        "mine": mine,
    }
