"""Writes to the company calendar. Every change drops the cached calendar and tells listeners
(the SLA clocks recompute their provisional due moments)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied

from .calendar import FIRST_YEAR, LAST_SUPPORTED_YEAR, OFFICIAL_LAST_YEAR
from .models import AnnouncedYear, CalendarOverride
from .permissions import can_manage_calendar
from .schedule_csv import ScheduleError, parse_schedule
from .store import calendar_changed_in_transaction, forget_company_calendar

_listeners: list[Callable[[], object]] = []


def register_calendar_listener(listener: Callable[[], object]) -> None:
    """``listener()`` runs inside the transaction of every calendar change."""
    if listener not in _listeners:
        _listeners.append(listener)


def _changed() -> None:
    calendar_changed_in_transaction()
    for listener in _listeners:
        listener()
    # Other transactions must not keep a calendar built from rows that were rolled back.
    transaction.on_commit(forget_company_calendar)


def _check_day(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_SUPPORTED_YEAR:
        raise InvalidInput(
            fields={
                "day": [
                    _("Choose a day between %(a)s and %(b)s.")
                    % {"a": FIRST_YEAR, "b": LAST_SUPPORTED_YEAR}
                ]
            }
        )


@transaction.atomic
def override_set(*, actor, day: date, is_workday: bool, name: str) -> CalendarOverride:
    """Make ``day`` a company rest day or working day (replacing what was set before)."""
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    _check_day(day)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(fields={"name": [_("Say why, e.g. 公司年会 or 春节延长假期.")]})
    override = CalendarOverride.objects.select_for_update().filter(day=day).first()
    if override is None:
        override = CalendarOverride(day=day)
    override.is_workday, override.name = is_workday, name[:60]
    override.source = CalendarOverride.Source.COMPANY
    override._history_user = actor
    override.save()
    _changed()
    return override


@transaction.atomic
def override_delete(*, actor, day: date) -> None:
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    override = CalendarOverride.objects.filter(day=day).first()
    if override is None:
        raise NotFound()
    override._history_user = actor
    override.delete()
    _changed()


@transaction.atomic
def announcement_load(*, actor, year: int, csv_text: str, notice: str) -> AnnouncedYear:
    """Load a year's State Council schedule (R43): its holidays and make-up working days.

    Replaces any announcement loaded before for that year; company overrides on other days
    stay. Afterwards the year counts as official and provisional due moments are recomputed.
    """
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    if year <= OFFICIAL_LAST_YEAR:
        raise InvalidInput(
            fields={
                "year": [
                    _("The official schedule of %(year)s is already built in.") % {"year": year}
                ]
            }
        )
    if year > LAST_SUPPORTED_YEAR:
        raise InvalidInput(
            fields={"year": [_("Choose a year up to %(y)s.") % {"y": LAST_SUPPORTED_YEAR}]}
        )
    notice = (notice or "").strip()
    if not notice:
        raise InvalidInput(fields={"notice": [_("Name the notice, e.g. its title and date.")]})
    try:
        days = parse_schedule(csv_text, year=year)
    except ScheduleError as exc:
        raise InvalidInput(fields={"file": [_schedule_message(exc)]}) from None
    if not any(not d.is_workday for d in days):
        raise InvalidInput(fields={"file": [_("The file lists no holiday.")]})
    CalendarOverride.objects.filter(
        day__year=year, source=CalendarOverride.Source.ANNOUNCEMENT
    ).delete()
    company_days = set(
        CalendarOverride.objects.filter(day__year=year).values_list("day", flat=True)
    )
    bulk_create_with_history(
        [
            CalendarOverride(
                day=d.day,
                is_workday=d.is_workday,
                name=d.name[:60],
                source=CalendarOverride.Source.ANNOUNCEMENT,
            )
            for d in days
            if d.day not in company_days
        ],
        CalendarOverride,
        default_user=actor,
        default_change_reason=notice[:100],
    )
    announced, _created = AnnouncedYear.objects.update_or_create(
        year=year, defaults={"notice": notice[:200], "loaded_by": actor}
    )
    _changed()
    return announced


def _schedule_message(exc: ScheduleError) -> str:
    templates = {
        "empty": _("The file is empty."),
        "binary": _("This is not a readable CSV text file."),
        "header": _("Missing column(s): %(columns)s. Expected kind,start,end,name."),
        "kind": _("The kind must be holiday (放假) or workday (上班)."),
        "order": _("The end is before the start."),
        "year": _("Every date must be in %(year)s."),
        "too_long": _("A holiday block of more than 16 days is not plausible."),
        "name": _("The name is empty."),
        "conflict": _("%(day)s is listed both as a holiday and as a working day."),
        "date": _("%(text)s is not a date like 2027-01-01."),
    }
    template = templates.get(exc.code)
    detail = template % exc.params if template else exc.message
    return _("Line %(line)s, column %(field)s: %(message)s") % {
        "line": exc.line,
        "field": exc.field,
        "message": detail,
    }
