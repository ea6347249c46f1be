"""Due moments for every unit of time, pauses included. Pure: takes a ``WorkCalendar``.

- clock hours: plain elapsed time (DESIGN "Hour periods are clock hours");
- working hours: business hours of working days only;
- working days: the n-th working day strictly after the start's date (R41), due at the end of
  that day or at close of business;
- calendar days: Civil Code arts. 201/203 (R38): start day not counted, a last day on a
  statutory rest day moves to the next working day.

A pause gives back the time it took, measured in the target's own unit: elapsed time for
clock hours and calendar days, business time for working hours and working days (a pause
overnight or over a weekend gives back nothing). Whole days are rounded to the nearest day.
The due moment is always rebuilt from the start and *all* pauses, so the order in which
pauses are applied and earlier rest-day roll-overs cannot add up to extra days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aftersales.workdays.calendar import SHANGHAI, BusinessHours, WorkCalendar, end_of_day

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Target:
    amount: int
    unit: str  # clock_hours | working_hours | calendar_days | working_days
    end_of_business: bool = False
    opens: time = time(9, 0)
    closes: time = time(18, 0)

    @property
    def business(self) -> BusinessHours:
        return BusinessHours(self.opens, self.closes)


def _day_end(day: date, target: Target) -> datetime:
    if target.end_of_business:
        return datetime.combine(day, target.closes, tzinfo=SHANGHAI)
    return end_of_day(day)


def paused_allowance(calendar: WorkCalendar, target: Target, pauses: Iterable[Interval]):
    """The time the pauses give back: a timedelta for hour units, whole days for day units."""
    pauses = [(a, b) for a, b in pauses if b > a]
    if target.unit == "clock_hours":
        return sum((b - a for a, b in pauses), timedelta(0))
    if target.unit == "calendar_days":
        elapsed = sum((b - a for a, b in pauses), timedelta(0))
        return round(elapsed / timedelta(days=1))
    business = target.business
    worked = sum((calendar.working_time_between(a, b, business) for a, b in pauses), timedelta(0))
    if target.unit == "working_hours":
        return worked
    return round(worked / business.length)


def due_moment(
    calendar: WorkCalendar,
    started_at: datetime,
    target: Target,
    pauses: Iterable[Interval] = (),
) -> tuple[datetime, bool]:
    """``(due_at, provisional)``: provisional when any day the period spans is provisional."""
    extra = paused_allowance(calendar, target, pauses)
    if target.unit == "clock_hours":
        due = started_at + timedelta(hours=target.amount) + extra
    elif target.unit == "working_hours":
        hours = timedelta(hours=target.amount) + extra
        due = calendar.add_working_hours(started_at, hours / timedelta(hours=1), target.business)
    elif target.unit == "working_days":
        due = _day_end(calendar.add_working_days(started_at, target.amount + extra), target)
    elif target.unit == "calendar_days":
        due = _day_end(calendar.period_end(started_at, target.amount + extra), target)
    else:
        raise ValueError(f"unit: unknown unit {target.unit!r}")
    start_day = calendar.to_date(started_at)
    return due, calendar.any_provisional(start_day, calendar.to_date(due))
