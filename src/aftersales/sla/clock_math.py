"""Due moments and pause shifts for every unit of time. Pure: takes a ``WorkCalendar``.

- clock hours: plain elapsed time (DESIGN "Hour periods are clock hours");
- working hours: business hours of working days only;
- working days: the n-th working day strictly after the start's date (R41), due at the end of
  that day or at close of business;
- calendar days: Civil Code arts. 201/203 (R38): start day not counted, a last day on a rest
  day moves to the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aftersales.workdays.calendar import SHANGHAI, BusinessHours, WorkCalendar, end_of_day


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


def due_moment(
    calendar: WorkCalendar, started_at: datetime, target: Target
) -> tuple[datetime, bool]:
    """``(due_at, provisional)``: provisional when any day the period spans is provisional."""
    start_day = calendar.to_date(started_at)
    if target.unit == "clock_hours":
        due = started_at + timedelta(hours=target.amount)
    elif target.unit == "working_hours":
        due = calendar.add_working_hours(started_at, target.amount, target.business)
    elif target.unit == "working_days":
        due = _day_end(calendar.add_working_days(started_at, target.amount), target)
    elif target.unit == "calendar_days":
        due = _day_end(calendar.period_end(started_at, target.amount), target)
    else:
        raise ValueError(f"unit: unknown unit {target.unit!r}")
    return due, calendar.any_provisional(start_day, calendar.to_date(due))


def shifted_due(
    calendar: WorkCalendar,
    due_at: datetime,
    paused_at: datetime,
    resumed_at: datetime,
    target: Target,
) -> datetime:
    """Move ``due_at`` later by the working time that passed while the clock was paused."""
    if resumed_at <= paused_at:
        return due_at
    if target.unit == "clock_hours":
        return due_at + (resumed_at - paused_at)
    if target.unit == "working_hours":
        lost = calendar.working_time_between(paused_at, resumed_at, target.business)
        if lost <= timedelta(0):
            return due_at
        return calendar.add_working_hours(due_at, lost / timedelta(hours=1), target.business)
    due_day = calendar.to_date(due_at)
    if target.unit == "working_days":
        lost_days = calendar.working_days_between(paused_at, resumed_at)
        if lost_days <= 0:
            return due_at
        return _day_end(calendar.add_working_days(due_day, lost_days), target)
    lost_days = (calendar.to_date(resumed_at) - calendar.to_date(paused_at)).days
    if lost_days <= 0:
        return due_at
    new_day = due_day + timedelta(days=lost_days)
    if not calendar.is_workday(new_day):
        new_day = calendar.next_workday_after(new_day)
    return _day_end(new_day, target)
