"""The company calendar: the pure ``WorkCalendar`` plus the overrides stored in the database.

Building it takes ~50 ms, so each process keeps one and checks at most every few seconds
whether the overrides changed (a count and the latest change time: one cheap query). A
service that changes overrides drops this process's copy at once; other processes see the
change within ``RECHECK_SECONDS``.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Max

from .calendar import Override, WorkCalendar

RECHECK_SECONDS = 5.0

_lock = threading.Lock()
_state: dict = {
    "calendar": None,
    "fingerprint": None,
    "checked": 0.0,
    "changed_in_transaction": False,
}


def _fingerprint():
    from .models import AnnouncedYear, CalendarOverride

    o = CalendarOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    a = AnnouncedYear.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (o["n"], o["last"], a["n"], a["last"])


def _build() -> WorkCalendar:
    from .models import AnnouncedYear, CalendarOverride

    company, announced = [], []
    rows = CalendarOverride.objects.values_list("day", "is_workday", "name", "source")
    for day, is_workday, name, source in rows:
        target = announced if source == CalendarOverride.Source.ANNOUNCEMENT else company
        target.append(Override(day, is_workday, name))
    years = AnnouncedYear.objects.values_list("year", flat=True)
    return WorkCalendar(company, announced=announced, announced_years=years)


def company_calendar() -> WorkCalendar:
    from django.db import connection

    now = time.monotonic()
    with _lock:
        if _state["changed_in_transaction"]:
            if connection.in_atomic_block:
                # The change may still roll back: use it here, but cache nothing built on it.
                return _build()
            _state["changed_in_transaction"] = False
            _state["calendar"] = None
        cached = _state["calendar"]
        if cached is not None and now - _state["checked"] < RECHECK_SECONDS:
            return cached
        fingerprint = _fingerprint()
        if cached is None or fingerprint != _state["fingerprint"]:
            _state["calendar"] = _build()
            _state["fingerprint"] = fingerprint
        _state["checked"] = now
        return _state["calendar"]


def forget_company_calendar() -> None:
    with _lock:
        _state["calendar"] = None
        _state["fingerprint"] = None
        _state["changed_in_transaction"] = False


def calendar_changed_in_transaction() -> None:
    """Called by a service that changed overrides: until the transaction ends, calendars are
    built fresh and not cached (a rollback must not leave a calendar with rolled-back days)."""
    with _lock:
        _state["calendar"] = None
        _state["fingerprint"] = None
        _state["changed_in_transaction"] = True
