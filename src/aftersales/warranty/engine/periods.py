"""Counting 三包 and return periods (R2, R3, R38): the starting day is not counted, a year or
month period ends on the corresponding day (or the month's last day), and a last day that is a
statutory rest day moves to the next working day. Built on the pure working-day calendar."""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from aftersales.workdays.calendar import WorkCalendar, official_calendar


@lru_cache(maxsize=65536)
def add_months(start: date, months: int) -> date:
    """Civil Code art. 202: the corresponding day of the final month, else its last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, _calendar.monthrange(year, month)[1])
    return date(year, month, day)


class Periods:
    """Period arithmetic on one calendar. ``official_calendar()`` unless a company's is given:
    only statutory rest days move a last day (art. 203), so company overrides never matter."""

    def __init__(self, cal: WorkCalendar | None = None) -> None:
        self.cal = cal or official_calendar()
        self._end_cache: dict[tuple[date, int], date] = {}
        self._months_cache: dict[tuple[date, int, int], date] = {}
        self._provisional: dict[int, bool] = {}

    def provisional_year(self, year: int) -> bool:
        """R43: is ``year``'s holiday schedule unpublished (dates in it may still move)?"""
        flag = self._provisional.get(year)
        if flag is None:
            flag = self._provisional[year] = self.cal.year_status(year) == "provisional"
        return flag

    def days_end(self, start: date, days: int) -> date:
        """Last day of a ``days``-day period from ``start`` (R38; e.g. R5, R6, R32)."""
        key = (start, days)
        end = self._end_cache.get(key)
        if end is None:
            end = self.cal.period_end(start, days) if days > 0 else start
            if len(self._end_cache) < 200_000:
                self._end_cache[key] = end
        return end

    def months_end(self, start: date, months: int, extra_days: int = 0) -> date:
        """Last day of a period of ``months`` from ``start``, pushed back by ``extra_days``
        spent in repair or waiting for parts (R2), then moved off a rest day (R3)."""
        key = (start, months, extra_days)
        end = self._months_cache.get(key)
        if end is None:
            nominal = add_months(start, months) + timedelta(days=extra_days)
            end = self.days_end(start, (nominal - start).days)
            if len(self._months_cache) < 200_000:
                self._months_cache[key] = end
        return end

    def working_days_end(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (R41), for company working-day windows."""
        return self.cal.add_working_days(start, days) if days > 0 else start


def days_in_repair(intervals: Iterable[tuple[date, date]], since: date) -> int:
    """Days the goods were with the repairer after ``since`` (R2: "扣除因修理占用和无零配件待修
    的时间"), each stay counted as returned − handed in: the hand-in day is not counted, the
    return day is (R38, Civil Code art. 201: "按照日…计算期间的，开始的当日不计入，自下一日开始
    计算"). Handed in 05-10 and back 05-30 is 20 days; back the same day is 0. Overlapping stays
    count once; a stay that began before ``since`` counts from ``since``. [OUR CONVENTION, by
    analogy: the 三包 texts do not say how the days are counted; docs/decisions.md.]"""
    if not intervals:
        return 0
    spans = sorted((max(a, since), b) for a, b in intervals if b > since)
    total, cur_a, cur_b = 0, None, None
    for a, b in spans:
        if cur_b is not None and a <= cur_b:
            if b > cur_b:
                cur_b = b
            continue
        if cur_a is not None:
            total += (cur_b - cur_a).days
        cur_a, cur_b = a, b
    if cur_a is not None:
        total += (cur_b - cur_a).days
    return total
