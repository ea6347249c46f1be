"""Reads of the calendar for pages, the API and the health check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import current_calendar
from .calendar import LAST_SUPPORTED_YEAR, OFFICIAL_LAST_YEAR, DayInfo, Override, WorkCalendar
from .models import AnnouncedYear, CalendarOverride

# How far ahead a missing schedule matters: clocks started today end within this many days.
WARNING_HORIZON_DAYS = 60


@dataclass(frozen=True)
class YearView:
    year: int
    status: str
    months: list[list[DayInfo]]
    working_days: int
    rest_days: int
    makeup_days: int
    overrides: list[CalendarOverride]
    announcement: AnnouncedYear | None


def calendar_year(year: int) -> YearView:
    calendar = current_calendar()
    months = [calendar.month(year, m) for m in range(1, 13)]
    days = [d for month in months for d in month]
    return YearView(
        year=year,
        status=calendar.year_status(year),
        months=months,
        working_days=sum(d.is_workday for d in days),
        rest_days=sum(not d.is_workday for d in days),
        makeup_days=sum(d.kind == "makeup_workday" for d in days),
        overrides=list(CalendarOverride.objects.filter(day__year=year).order_by("day")),
        announcement=AnnouncedYear.objects.filter(year=year).first(),
    )


def provisional_years_ahead(*, today: date | None = None, horizon_days: int = WARNING_HORIZON_DAYS):
    """Years that time limits started today reach and whose schedule is still provisional
    (R43): today's year up to the year of today + ``horizon_days``."""
    today = today or timezone.localdate()
    last = today + timedelta(days=horizon_days)
    calendar = current_calendar()
    return [y for y in range(today.year, last.year + 1) if calendar.year_status(y) == "provisional"]


def provisional_from(*, today: date | None = None, calendar=None) -> date:
    """The first day from today on whose year has no published schedule (R43)."""
    today = today or timezone.localdate()
    calendar = calendar or current_calendar()
    year = today.year
    while year < LAST_SUPPORTED_YEAR and calendar.year_status(year) == "official":
        year += 1
    return max(date(year, 1, 1), today)


def calendar_warning_text(year: int) -> str:
    return _(
        "Time limits started today reach %(year)s, which has no published holiday schedule: "
        "deadlines in %(year)s are provisional. Import the State Council's notice for "
        "%(year)s as soon as it is published."
    ) % {"year": year}


def calendar_warnings(*, today: date | None = None) -> list[str]:
    return [calendar_warning_text(year) for year in provisional_years_ahead(today=today)]


def calendar_health() -> tuple[str, str]:
    years = provisional_years_ahead()
    if years:
        listed = ", ".join(str(y) for y in years)
        return (
            "warning",
            f"time limits started today reach {listed}, which has no published schedule: "
            "import the State Council notice",
        )
    return "ok", f"official schedule through {max(OFFICIAL_LAST_YEAR, *_announced())}"


def calendar_health_summary() -> dict:
    """The calendar part of /healthz: where provisional dates begin."""
    return {"provisional_from": provisional_from().isoformat()}


def _announced() -> list[int]:
    return list(AnnouncedYear.objects.values_list("year", flat=True)) or [OFFICIAL_LAST_YEAR]


@dataclass(frozen=True)
class PreviewDay:
    """A day of the year as the notice would make it, and whether that differs from now."""

    day: date
    is_workday: bool
    kind: str
    name: str
    changed: bool
    was_workday: bool


def notice_preview_months(preview) -> list[list[PreviewDay]]:
    """The year's months as they would be after importing ``preview`` (a ``ScheduleImport``),
    each day marked where it differs from the calendar in force."""
    now = current_calendar()
    company = [
        Override(o.day, o.is_workday, o.name)
        for o in CalendarOverride.objects.filter(source=CalendarOverride.Source.COMPANY)
    ]
    after = WorkCalendar(
        company,
        announced=[Override(d.day, d.is_workday, d.name) for d in preview.days],
        announced_years=[preview.year],
    )
    changed = preview.changed_days
    months = []
    for m in range(1, 13):
        months.append(
            [
                PreviewDay(
                    info.day,
                    info.is_workday,
                    info.kind,
                    info.name,
                    info.day in changed,
                    now.is_workday(info.day),
                )
                for info in after.month(preview.year, m)
            ]
        )
    return months


def calendar_year_announcement(year: int) -> AnnouncedYear | None:
    return AnnouncedYear.objects.filter(year=year).select_related("loaded_by").first()


def recount_labels() -> dict[str, str]:
    """Names of what a calendar change recounts, for the import's report."""
    return {
        "sla_clocks": _("SLA clocks"),
        "return_applications": _("return applications"),
        "repair_limits": _("repair limits"),
    }
