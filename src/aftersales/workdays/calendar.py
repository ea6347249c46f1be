"""China's working-day calendar and period arithmetic. Pure Python: no Django here.

Sources, in the order they win:
1. The company's overrides (extra rest days or working days, each with a name), including a
   year's State Council announcement typed or imported by an administrator.
2. The official schedule of the ``chinese_calendar`` package (2004 up to its last year; R42):
   statutory holidays are rest days, make-up workdays (调休上班) are working days, other
   weekends are rest days.
3. For a year neither covers, a *provisional* schedule (R43) built from the statutory holidays
   of 《全国年节及纪念日放假办法》 as revised in 2024, plus weekends, with no make-up days.

Period rules:
- Working days (R41): the n-th working day strictly after the start's date in Asia/Shanghai;
  the starting day never counts, whatever its time or kind.
- Calendar days (R38, Civil Code arts. 201 and 203): the starting day is not counted; the
  period ends ``days`` days later, or on the next working day when that day is a rest day.

The whole span is kept as a sorted array of working-day ordinals, so every question is a
``bisect`` instead of a day-by-day walk (bench/workdays.py measures the difference).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as cc_constants

from .schedule_csv import SCHEDULE_DIR, shipped_schedule

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_YEAR = 2004  # the first year of the official data (R42)
LAST_SUPPORTED_YEAR = 2099  # the lunar tables used for provisional years end here
PACKAGE_LAST_YEAR = max(d.year for d in cc_constants.holidays)


def _shipped_years() -> dict[int, dict[date, tuple[bool, str]]]:
    """Official schedules we ship (``schedules/<year>.csv``) for years the package lacks."""
    years = {}
    for path in sorted(SCHEDULE_DIR.glob("*.csv")):
        year = int(path.stem)
        if year > PACKAGE_LAST_YEAR:
            years[year] = {d.day: (d.is_workday, d.name) for d in shipped_schedule(year)}
    return years


SHIPPED = _shipped_years()
# The last year of the official schedule built into the product (package or shipped table).
OFFICIAL_LAST_YEAR = max([PACKAGE_LAST_YEAR, *SHIPPED])

Status = Literal["official", "provisional"]


@dataclass(frozen=True)
class Override:
    """A company decision about one day: a rest day or a working day, and why."""

    day: date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_workday: bool
    kind: str  # workday | weekend | holiday | makeup_workday | company_rest | company_workday
    name: str
    status: Status


# ---------------------------------------------------------------------------------------------
# Input checks: every public entry point turns its input into a Shanghai date the same way.


class CalendarInputError(ValueError):
    """Bad input to the calendar. ``field`` names the argument, ``code`` the kind of problem
    (for translated messages in the web layer), ``params`` the values the message needs."""

    def __init__(self, field: str, code: str, message: str, **params) -> None:
        self.field, self.code, self.params = field, code, params
        super().__init__(f"{field}: {message}")


def to_local_date(value: date | datetime, *, field: str = "start") -> date:
    """A date as given, or a datetime's date in Asia/Shanghai. Naive datetimes are refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise CalendarInputError(
                field,
                "naive_datetime",
                "a naive datetime is ambiguous; give a timezone-aware datetime "
                "(it is read in Asia/Shanghai)",
            )
        try:
            day = value.astimezone(SHANGHAI).date()
        except OverflowError:
            code = "too_late" if value.year > 2000 else "too_early"
            year = LAST_SUPPORTED_YEAR if code == "too_late" else FIRST_YEAR
            raise CalendarInputError(field, code, f"{value} is out of range", year=year) from None
    elif isinstance(value, date):
        day = value
    else:
        raise CalendarInputError(
            field, "not_a_date", f"expected a date or datetime, got {type(value).__name__}"
        )
    if day.year < FIRST_YEAR:
        raise CalendarInputError(
            field,
            "too_early",
            f"{day.isoformat()} is before {FIRST_YEAR}, the first year of China's official "
            "holiday data",
            year=FIRST_YEAR,
        )
    if day.year > LAST_SUPPORTED_YEAR:
        raise CalendarInputError(
            field,
            "too_late",
            f"{day.isoformat()} is after {LAST_SUPPORTED_YEAR}",
            year=LAST_SUPPORTED_YEAR,
        )
    return day


def _check_count(n: int, *, field: str, minimum: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalendarInputError(field, "not_an_integer", f"expected a whole number, got {n!r}")
    if n < minimum:
        raise CalendarInputError(
            field, "too_small", f"must be at least {minimum}, got {n}", minimum=minimum
        )
    return n


# ---------------------------------------------------------------------------------------------
# Provisional years (R43): the statutory holidays alone.


@cache
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision, art. 2) in ``year``.

    元旦 1 Jan; 春节 除夕 to 正月初三 (4 days); 清明 on the solar term; 劳动节 1–2 May;
    端午 5th of the 5th lunar month; 中秋 15th of the 8th; 国庆 1–3 Oct. When one falls on a
    Saturday or Sunday, the next weekday is given off instead (art. 6, 补假); so is a day
    on which two holidays coincide (as 中秋 did with 国庆 in 2020, giving an 8-day block).
    """
    from lunardate import LunarDate

    new_year = LunarDate(year, 1, 1).to_solar_date()
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    qingming = next((d for d, name in terms if name == "清明"), date(year, 4, 5))
    statutory = [(date(year, 1, 1), "元旦")]
    statutory += [(new_year + timedelta(days=offset), "春节") for offset in range(-1, 3)]
    statutory += [(qingming, "清明节"), (date(year, 5, 1), "劳动节"), (date(year, 5, 2), "劳动节")]
    statutory += [(LunarDate(year, 5, 5).to_solar_date(), "端午节")]
    statutory += [(LunarDate(year, 8, 15).to_solar_date(), "中秋节")]
    statutory += [(date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    days: dict[date, str] = {}
    owed: list[tuple[date, str]] = []
    for day, name in statutory:
        if day in days:  # two holidays on one day (e.g. 中秋 on 国庆): one day is owed
            owed.append((day, name))
        else:
            days[day] = name
            if day.weekday() >= 5:
                owed.append((day, name))
    # 补假: each owed day is given on the next weekday that is not already a holiday.
    for day, name in sorted(owed):
        sub = day + timedelta(days=1)
        while sub.weekday() >= 5 or sub in days:
            sub += timedelta(days=1)
        days[sub] = f"{name}（补假）"
    return {d: n for d, n in days.items() if d.year == year}


# ---------------------------------------------------------------------------------------------


class WorkCalendar:
    """The working-day calendar for 2004–2099 with the company's overrides applied.

    Immutable once built: the Django layer builds a new one when overrides change.
    ``announced_years`` are years whose State Council schedule an administrator loaded into
    the overrides; they count as official although the package does not cover them.
    """

    def __init__(
        self,
        overrides: Iterable[Override] = (),
        *,
        announced: Iterable[Override] = (),
        announced_years: Iterable[int] = (),
        official_last_year: int = OFFICIAL_LAST_YEAR,
    ) -> None:
        self.overrides: Mapping[date, Override] = {o.day: o for o in overrides}
        self.announced: Mapping[date, Override] = {o.day: o for o in announced}
        self.official_last_year = official_last_year
        self.announced_years = frozenset(announced_years)
        self._start = date(FIRST_YEAR, 1, 1).toordinal()
        self._end = date(LAST_SUPPORTED_YEAR, 12, 31).toordinal()
        flags = bytearray(self._end - self._start + 1)
        for ordinal in range(self._start, self._end + 1):
            flags[ordinal - self._start] = self._base_is_workday(date.fromordinal(ordinal))
        for day, override in self.announced.items():
            if FIRST_YEAR <= day.year <= LAST_SUPPORTED_YEAR:
                flags[day.toordinal() - self._start] = override.is_workday
        # The statutory calendar alone (Civil Code art. 203 speaks of statutory rest days).
        self._official_flags = bytes(flags)
        self._official_workdays = [self._start + i for i, f in enumerate(self._official_flags) if f]
        for day, override in self.overrides.items():
            if FIRST_YEAR <= day.year <= LAST_SUPPORTED_YEAR:
                flags[day.toordinal() - self._start] = override.is_workday
        self._flags = bytes(flags)
        self._workdays = [self._start + i for i, f in enumerate(self._flags) if f]

    # -- what a day is -------------------------------------------------------------------------

    @staticmethod
    def to_date(value: date | datetime) -> date:
        return to_local_date(value)

    def _base_is_workday(self, day: date) -> bool:
        if day.year in SHIPPED:
            entry = SHIPPED[day.year].get(day)
            return entry[0] if entry else day.weekday() < 5
        if day.year <= PACKAGE_LAST_YEAR:
            if day in cc_constants.workdays:
                return True
            if day in cc_constants.holidays:
                return False
            return day.weekday() < 5
        if day.year in self.announced_years:
            return day.weekday() < 5  # the loaded announcement (overrides) says the rest
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def is_workday(self, value: date | datetime) -> bool:
        day = to_local_date(value, field="day")
        return bool(self._flags[day.toordinal() - self._start])

    def calendar_status(self, value: date | datetime) -> Status:
        day = to_local_date(value, field="day")
        return self.year_status(day.year)

    def year_status(self, year: int) -> Status:
        if year <= self.official_last_year or year in self.announced_years:
            return "official"
        return "provisional"

    def day_info(self, value: date | datetime) -> DayInfo:
        day = to_local_date(value, field="day")
        status = self.calendar_status(day)
        override = self.overrides.get(day)
        if override is not None:
            kind = "company_workday" if override.is_workday else "company_rest"
            return DayInfo(day, override.is_workday, kind, override.name, status)
        announced = self.announced.get(day)
        if announced is not None:
            kind = "makeup_workday" if announced.is_workday else "holiday"
            return DayInfo(day, announced.is_workday, kind, announced.name, status)
        if day.year in SHIPPED:
            shipped = SHIPPED[day.year].get(day)
            if shipped is not None:
                kind = "makeup_workday" if shipped[0] else "holiday"
                return DayInfo(day, shipped[0], kind, shipped[1], status)
        elif day.year <= PACKAGE_LAST_YEAR:
            _on_holiday, name = chinese_calendar.get_holiday_detail(day)
            name = _HOLIDAY_NAMES.get(name, name or "")
            if day in cc_constants.workdays:
                return DayInfo(day, True, "makeup_workday", name, status)
            if day in cc_constants.holidays:
                return DayInfo(day, False, "holiday", name, status)
        elif day.year not in self.announced_years:
            name = statutory_holidays(day.year).get(day)
            if name:
                return DayInfo(day, False, "holiday", name, status)
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend", "", status)
        return DayInfo(day, True, "workday", "", status)

    def month(self, year: int, month: int) -> list[DayInfo]:
        first = date(year, month, 1)
        days = []
        while first.month == month:
            days.append(self.day_info(first))
            first += timedelta(days=1)
        return days

    # -- periods -------------------------------------------------------------------------------

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The n-th working day strictly after the day of ``start`` (R41), n >= 1."""
        day = to_local_date(start)
        _check_count(n, field="n", minimum=1)
        index = bisect.bisect_right(self._workdays, day.toordinal()) + n - 1
        if index >= len(self._workdays):
            raise CalendarInputError(
                "n",
                "too_late",
                f"{n} working days after {day} is past {LAST_SUPPORTED_YEAR}",
                year=LAST_SUPPORTED_YEAR,
            )
        return date.fromordinal(self._workdays[index])

    def next_workday_after(self, day: date) -> date:
        return self.add_working_days(day, 1)

    def period_end(self, start: date | datetime, days: int) -> date:
        """Last day of a ``days``-day period from ``start`` (R38, Civil Code arts. 201, 203).

        Only *statutory* rest days move the last day (art. 203): a company's own shutdown does
        not lengthen a period the law or a contract sets, so company overrides are ignored.
        """
        day = to_local_date(start)
        _check_count(days, field="days", minimum=1)
        if days > self._end - day.toordinal():
            raise CalendarInputError(
                "days",
                "too_late",
                f"the period from {day} ends after {LAST_SUPPORTED_YEAR}",
                year=LAST_SUPPORTED_YEAR,
            )
        end = day + timedelta(days=days)
        if self._official_flags[end.toordinal() - self._start]:
            return end
        index = bisect.bisect_right(self._official_workdays, end.toordinal())
        if index >= len(self._official_workdays):
            raise CalendarInputError(
                "days",
                "too_late",
                f"the period from {day} ends after {LAST_SUPPORTED_YEAR}",
                year=LAST_SUPPORTED_YEAR,
            )
        return date.fromordinal(self._official_workdays[index])

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days in (a, b]: after ``a``'s day, up to and including ``b``'s day.

        So ``working_days_between(d, add_working_days(d, n)) == n``; negative when b < a.
        """
        first, last = to_local_date(a, field="a"), to_local_date(b, field="b")
        if last < first:
            return -self.working_days_between(last, first)
        return bisect.bisect_right(self._workdays, last.toordinal()) - bisect.bisect_right(
            self._workdays, first.toordinal()
        )

    def working_days_in(self, first: date, last: date) -> int:
        """Working days in [first, last], both included."""
        if last < first:
            return 0
        return bisect.bisect_right(self._workdays, last.toordinal()) - bisect.bisect_left(
            self._workdays, first.toordinal()
        )

    def any_provisional(self, first: date, last: date) -> bool:
        """Whether any day in [first, last] lies in a provisional year."""
        return any(self.year_status(y) == "provisional" for y in range(first.year, last.year + 1))

    # -- business hours ------------------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float, business: BusinessHours) -> datetime:
        """The moment ``hours`` of business time after ``start`` (only working days' hours)."""
        day = to_local_date(start)
        if hours <= 0:
            raise CalendarInputError(
                "hours", "too_small", f"must be positive, got {hours}", minimum=0
            )
        remaining = timedelta(hours=hours)
        local = start.astimezone(SHANGHAI)
        if self.is_workday(day):
            open_at, close_at = business.window(day)
            cursor = min(max(local, open_at), close_at)
            available = close_at - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
        # Whole business days after the start day.
        per_day = business.length
        full_days = int(remaining // per_day)
        rest = remaining - per_day * full_days
        if rest == timedelta(0):
            last = self.add_working_days(day, full_days)
            return business.window(last)[1]
        target = self.add_working_days(day, full_days + 1)
        return business.window(target)[0] + rest

    def working_time_between(self, a: datetime, b: datetime, business: BusinessHours) -> timedelta:
        """Business time between two moments (zero or more; only working days' hours count)."""
        if b <= a:
            return timedelta(0)
        first, last = to_local_date(a, field="a"), to_local_date(b, field="b")
        a_local, b_local = a.astimezone(SHANGHAI), b.astimezone(SHANGHAI)

        def clipped(day: date, lo: datetime, hi: datetime) -> timedelta:
            if not self.is_workday(day):
                return timedelta(0)
            open_at, close_at = business.window(day)
            lo, hi = max(lo, open_at), min(hi, close_at)
            return max(hi - lo, timedelta(0))

        if first == last:
            return clipped(first, a_local, b_local)
        total = clipped(first, a_local, business.window(first)[1])
        total += clipped(last, business.window(last)[0], b_local)
        inner = self.working_days_in(first + timedelta(days=1), last - timedelta(days=1))
        return total + business.length * inner


@dataclass(frozen=True)
class BusinessHours:
    """One opening window per working day, e.g. 09:00–18:00 (a policy field, not a literal)."""

    opens: time = time(9, 0)
    closes: time = time(18, 0)

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("business hours: closing time must be after opening time")

    @property
    def length(self) -> timedelta:
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, tzinfo=SHANGHAI),
            datetime.combine(day, self.closes, tzinfo=SHANGHAI),
        )


def end_of_day(day: date) -> datetime:
    """A due date as a due moment: the last instant of that day in Asia/Shanghai (art. 203)."""
    return datetime.combine(day, time.max, tzinfo=SHANGHAI)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@cache
def official_calendar() -> WorkCalendar:
    """The calendar with no company overrides (tests, benchmarks, and the default)."""
    return WorkCalendar()
