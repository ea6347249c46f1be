"""Reads of the calendar for pages, the API and the health check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from . import current_calendar
from .calendar import OFFICIAL_LAST_YEAR, DayInfo
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
    """Years between today and the horizon whose schedule is still provisional (R43)."""
    today = today or timezone.localdate()
    last = today + timedelta(days=horizon_days)
    calendar = current_calendar()
    return [y for y in range(today.year, last.year + 1) if calendar.year_status(y) == "provisional"]


def calendar_warnings(*, today: date | None = None) -> list[str]:
    return [
        _(
            "The official holiday schedule of %(year)s is not loaded: its dates are computed "
            "provisionally from the statutory holidays, without make-up working days. Load the "
            "State Council announcement in Calendar & SLA."
        )
        % {"year": year}
        for year in provisional_years_ahead(today=today)
    ]


def calendar_health() -> tuple[str, str]:
    years = provisional_years_ahead()
    if years:
        listed = ", ".join(str(y) for y in years)
        return "warning", f"provisional schedule for {listed}: load the State Council announcement"
    return "ok", f"official schedule through {max(OFFICIAL_LAST_YEAR, *_announced())}"


def _announced() -> list[int]:
    return list(AnnouncedYear.objects.values_list("year", flat=True)) or [OFFICIAL_LAST_YEAR]
