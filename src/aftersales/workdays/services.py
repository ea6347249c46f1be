"""Writes to the company calendar. Every change drops the cached calendar and tells listeners
(the SLA clocks recompute their provisional due moments)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied

from . import current_calendar
from .calendar import FIRST_YEAR, LAST_SUPPORTED_YEAR, OFFICIAL_LAST_YEAR
from .models import AnnouncedYear, CalendarOverride
from .notice import NoticeFormatError, read_notice
from .permissions import can_manage_calendar
from .schedule_csv import ScheduleDay, ScheduleError, parse_schedule
from .store import calendar_changed_in_transaction, forget_company_calendar

_listeners: list[tuple[str, Callable[[], int | None]]] = []


def register_calendar_listener(listener: Callable[[], int | None], *, key: str = "") -> None:
    """``listener()`` runs inside the transaction of every calendar change and returns how
    many stored deadlines it moved; ``key`` names them in the import's report."""
    key = key or getattr(listener, "__name__", "listener")
    if all(existing is not listener for _key, existing in _listeners):
        _listeners.append((key, listener))


def _changed(before) -> dict[str, int]:
    """Tell the listeners; ``before`` is the calendar as it was before the change."""
    calendar_changed_in_transaction()
    moved = {}
    for key, listener in _listeners:
        moved[key] = int(listener(before=before) or 0)
    # Other transactions must not keep a calendar built from rows that were rolled back.
    transaction.on_commit(forget_company_calendar)
    return moved


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
        raise InvalidInput(
            fields={
                "name": [
                    _("Say why, e.g. company annual meeting or longer Spring Festival holiday.")
                ]
            }
        )
    before = current_calendar()
    override = CalendarOverride.objects.select_for_update().filter(day=day).first()
    if override is None:
        override = CalendarOverride(day=day)
    override.is_workday, override.name = is_workday, name[:60]
    override.source = CalendarOverride.Source.COMPANY
    override._history_user = actor
    override.save()
    _changed(before)
    return override


@transaction.atomic
def override_delete(*, actor, day: date) -> None:
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    override = CalendarOverride.objects.filter(day=day).first()
    if override is None:
        raise NotFound()
    before = current_calendar()
    override._history_user = actor
    override.delete()
    _changed(before)


@dataclass
class ScheduleImport:
    """What loading a year's schedule did (or, in a dry run, would do)."""

    year: int
    days: list[ScheduleDay]
    title: str
    published_on: date | None
    # Days whose kind differs from the calendar before the import: (day, was, now).
    differences: list[tuple[date, bool, bool]] = field(default_factory=list)
    # Stored deadlines moved, per kind (SLA clocks, refund due dates, …); empty in a dry run.
    recomputed: dict[str, int] = field(default_factory=dict)
    announced: AnnouncedYear | None = None

    @property
    def recomputed_total(self) -> int:
        return sum(self.recomputed.values())

    @property
    def changed_days(self) -> set[date]:
        return {d for d, _was, _now in self.differences}


def _check_year_loadable(year) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput(fields={"year": [_("Enter a year like 2027.")]})
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


def _differences(days: list[ScheduleDay], year: int) -> list[tuple[date, bool, bool]]:
    """Days of ``year`` whose kind the schedule changes, against the calendar in force (for a
    year not loaded yet: the provisional one of the statutory holidays)."""
    calendar = current_calendar()
    named = {d.day: d.is_workday for d in days}
    out = []
    day = date(year, 1, 1)
    while day.year == year:
        was = calendar.is_workday(day)
        now = named.get(day, day.weekday() < 5)
        if was != now:
            out.append((day, was, now))
        day += timedelta(days=1)
    return out


def _load(
    *, actor, year: int, days: list[ScheduleDay], title: str, source: str, published_on, text: str
) -> ScheduleImport:
    if not any(not d.is_workday for d in days):
        raise InvalidInput(fields={"text": [_("The schedule names no holiday.")]})
    before = current_calendar()
    result = ScheduleImport(
        year=year,
        days=days,
        title=title,
        published_on=published_on,
        differences=_differences(days, year),
    )
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
        default_change_reason=title[:100],
    )
    result.announced, _created = AnnouncedYear.objects.update_or_create(
        year=year,
        defaults={
            "notice": title[:200],
            "loaded_by": actor,
            "source": source,
            "published_on": published_on,
            "text": text,
        },
    )
    result.recomputed = _changed(before)
    return result


@transaction.atomic
def announcement_load(*, actor, year: int, csv_text: str, notice: str) -> AnnouncedYear:
    """Load a year's State Council schedule (R43) from a CSV: its holidays and make-up
    working days. Replaces any announcement loaded before for that year; company overrides
    on other days stay. Afterwards the year counts as official and provisional due moments
    are recomputed."""
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    _check_year_loadable(year)
    notice = (notice or "").strip()
    if not notice:
        raise InvalidInput(fields={"notice": [_("Name the notice, e.g. its title and date.")]})
    try:
        days = parse_schedule(csv_text, year=year)
    except ScheduleError as exc:
        raise InvalidInput(fields={"file": [_schedule_message(exc)]}) from None
    if not any(not d.is_workday for d in days):
        raise InvalidInput(fields={"file": [_("The file lists no holiday.")]})
    result = _load(
        actor=actor,
        year=year,
        days=days,
        title=notice,
        source=AnnouncedYear.Source.CSV,
        published_on=None,
        text=csv_text[:20_000],
    )
    return result.announced


MAX_NOTICE_CHARS = 20_000  # a notice is about 1,000 characters


def _read_notice_text(*, year, text: str) -> tuple[list[ScheduleDay], str, date | None]:
    _check_year_loadable(year)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(fields={"text": [_("Paste the notice's text or upload it.")]})
    if len(text) > MAX_NOTICE_CHARS:
        raise InvalidInput(
            fields={
                "text": [
                    _("A notice is at most %(n)s characters; this text is longer.")
                    % {"n": MAX_NOTICE_CHARS}
                ]
            }
        )
    try:
        notice = read_notice(text, year)
    except NoticeFormatError as exc:
        raise InvalidInput(fields={"text": [notice_error_message(exc)]}) from None
    # The days of the year itself; a block that starts in December of the year before (R43)
    # also names days of that year, which are kept when that year is not built in.
    days = [
        ScheduleDay(d.day, d.is_workday, d.name)
        for d in notice.days.values()
        if d.day.year == year or (d.day.year < year and d.day.year > OFFICIAL_LAST_YEAR)
    ]
    days.sort(key=lambda d: d.day)
    title = notice.title or _("State Council holiday notice for %(year)s") % {"year": year}
    return days, title, notice.published_on


def notice_preview(*, actor, year, text: str) -> ScheduleImport:
    """What importing the notice would do: its days and how they differ from the calendar in
    force. Writes nothing."""
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    days, title, published_on = _read_notice_text(year=year, text=text)
    if not any(not d.is_workday for d in days):
        raise InvalidInput(fields={"text": [_("The notice names no holiday in this year.")]})
    return ScheduleImport(
        year=year,
        days=days,
        title=title,
        published_on=published_on,
        differences=_differences([d for d in days if d.day.year == year], year),
    )


@transaction.atomic
def notice_import(*, actor, year, text: str) -> ScheduleImport:
    """Import the State Council's notice for ``year`` (R43): the year becomes official, with
    the notice's title, publication date and text kept; every open time limit counted on the
    provisional schedule is recomputed, and the result says how many moved."""
    if not can_manage_calendar(actor):
        raise PermissionDenied()
    days, title, published_on = _read_notice_text(year=year, text=text)
    return _load(
        actor=actor,
        year=year,
        days=days,
        title=title,
        source=AnnouncedYear.Source.NOTICE,
        published_on=published_on,
        text=text.strip(),
    )


def notice_error_message(exc: NoticeFormatError) -> str:
    templates = {
        "binary": _("This is not readable text."),
        "empty": _("No arrangement such as 「一、元旦：1月1日放假」 was found."),
        "other_year": _("This is the notice for %(found)s, not for the year being imported."),
        "conflict": _("%(day)s is named both a rest day and a working day."),
        "far_year": _("%(day)s is not in or next to the notice's year."),
        "moved_not_worked": _(
            "The weekend days moved away (%(days)s) are not said to be working days."
        ),
        "count": _("The notice says %(said)s days, but the dates give %(counted)s."),
        "order": _("A range ends before it starts."),
        "too_long": _("A holiday block of more than 40 days is not plausible."),
        "no_month": _("A date names no month."),
        "not_a_date": _("A date does not exist."),
        "weekday": _("%(day)s does not fall on the weekday written beside it."),
        "lunar": _("%(day)s is not the lunar day written beside it."),
        "unreadable": _("This wording is not one the reader knows; nothing was guessed."),
    }
    template = templates.get(exc.code, templates["unreadable"])
    try:
        reason = template % exc.params
    except (KeyError, TypeError, ValueError):
        reason = exc.reason
    return _("%(reason)s Line: 「%(line)s」") % {"reason": reason, "line": exc.line[:200]}


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
