"""China's working-day calendar with the company's overrides.

    from aftersales.workdays import is_workday, add_working_days, period_end

Each function uses the company calendar (the official schedule, overridden by the company's
table). ``aftersales.workdays.calendar`` is the pure core these wrap; it needs no database.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .calendar import (
    BusinessHours,
    Status,
    WorkCalendar,
    end_of_day,
    official_calendar,
    to_local_date,
)

__all__ = [
    "BusinessHours",
    "WorkCalendar",
    "add_working_days",
    "add_working_hours",
    "calendar_status",
    "current_calendar",
    "end_of_day",
    "is_workday",
    "official_calendar",
    "period_end",
    "to_local_date",
    "working_days_between",
    "working_time_between",
]


def current_calendar() -> WorkCalendar:
    from .store import company_calendar

    return company_calendar()


def is_workday(d: date | datetime) -> bool:
    return current_calendar().is_workday(d)


def add_working_days(start: date | datetime, n: int) -> date:
    return current_calendar().add_working_days(start, n)


def period_end(start: date | datetime, days: int) -> date:
    return current_calendar().period_end(start, days)


def working_days_between(a: date | datetime, b: date | datetime) -> int:
    return current_calendar().working_days_between(a, b)


def calendar_status(d: date | datetime) -> Status:
    return current_calendar().calendar_status(d)


def add_working_hours(start: datetime, hours: float, business: BusinessHours) -> datetime:
    return current_calendar().add_working_hours(start, hours, business)


def working_time_between(a: datetime, b: datetime, business: BusinessHours) -> timedelta:
    return current_calendar().working_time_between(a, b, business)
