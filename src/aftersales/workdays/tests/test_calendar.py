"""The pure calendar core on the 2025 and 2026 official schedules (R38–R43)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from aftersales.workdays.calendar import (
    OFFICIAL_LAST_YEAR,
    BusinessHours,
    CalendarInputError,
    Override,
    WorkCalendar,
    end_of_day,
    official_calendar,
    statutory_holidays,
)
from aftersales.workdays.schedule_csv import shipped_schedule

CAL = official_calendar()
SH = ZoneInfo("Asia/Shanghai")
D = date


# -- what a day is (R39, R40) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (D(2025, 1, 28), False),  # 除夕, Spring Festival 2025 starts
        (D(2025, 2, 4), False),  # last day of the 8-day block
        (D(2025, 1, 26), True),  # make-up Sunday
        (D(2025, 2, 8), True),  # make-up Saturday
        (D(2025, 10, 8), False),  # National Day + Mid-Autumn, 8 days
        (D(2025, 10, 11), True),  # make-up Saturday
        (D(2026, 2, 15), False),  # Spring Festival 2026, 9 days
        (D(2026, 2, 23), False),
        (D(2026, 2, 14), True),  # make-up Saturday before
        (D(2026, 2, 28), True),  # make-up Saturday after
        (D(2026, 1, 4), True),  # New Year make-up Sunday
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),
        (D(2026, 11, 27), True),  # an ordinary Friday
        (D(2026, 11, 28), False),  # an ordinary Saturday
    ],
)
def test_official_schedule(day, workday):
    assert CAL.is_workday(day) is workday


@pytest.mark.parametrize("year", [2025, 2026])
def test_both_years_have_248_working_days(year):
    first, last = D(year, 1, 1), D(year, 12, 31)
    assert CAL.working_days_in(first, last) == 248


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_tables_agree_with_the_package_on_every_day(year):
    """R43: the library is a convenience, not the authority — cross-check our R39/R40 tables."""
    listed = {d.day: d.is_workday for d in shipped_schedule(year)}
    day = D(year, 1, 1)
    mismatches = []
    while day.year == year:
        ours = listed.get(day, day.weekday() < 5)
        if ours != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []


def test_day_info_names_the_holiday_and_the_make_up_day():
    assert CAL.day_info(D(2026, 2, 17)).name == "春节"
    info = CAL.day_info(D(2026, 2, 14))
    assert (info.kind, info.is_workday, info.name) == ("makeup_workday", True, "春节")
    assert CAL.day_info(D(2026, 11, 28)).kind == "weekend"


# -- add_working_days (R41) -------------------------------------------------------------------


def test_start_day_is_never_counted():
    # Friday 2026-11-27: the first working day after it is Monday 11-30.
    assert CAL.add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)
    # Late on the Friday evening makes no difference: the time of day is ignored.
    late = datetime(2026, 11, 27, 23, 59, tzinfo=SH)
    assert CAL.add_working_days(late, 1) == D(2026, 11, 30)


def test_a_start_on_a_holiday_counts_from_the_next_working_day():
    # R42: chinese_calendar.find_workday(1, 2025-10-04) gives 10-10; R41 gives 10-09.
    assert CAL.add_working_days(D(2025, 10, 4), 1) == D(2025, 10, 9)
    assert chinese_calendar.find_workday(1, D(2025, 10, 4)) == D(2025, 10, 10)


def test_a_make_up_saturday_counts_as_a_working_day():
    # Friday 2026-02-13 → 1st working day is the make-up Saturday 02-14.
    assert CAL.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # ...and the next one is after the 9-day Spring Festival.
    assert CAL.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # Starting on the make-up Saturday itself: it is not counted.
    assert CAL.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_three_working_days_across_national_day_2026():
    # Complaint received Wednesday 2026-09-30: verify within 3 working days (S9).
    assert CAL.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_fifteen_working_days_across_spring_festival_2026():
    # 02-11..13, the make-up 02-14, 02-24..27, the make-up 02-28, 03-02..06, then 03-09.
    assert CAL.add_working_days(D(2026, 2, 10), 15) == D(2026, 3, 9)


def test_year_end_crosses_into_the_next_year():
    # 2025-12-31 (Wed) + 1: 2026-01-01..03 are holidays, Sunday 01-04 is a make-up day.
    assert CAL.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 4)
    assert CAL.add_working_days(D(2025, 12, 31), 2) == D(2026, 1, 5)


def test_a_datetime_start_is_read_in_shanghai():
    # 2026-11-27 17:30 UTC is already Saturday 11-28 01:30 in Shanghai.
    utc = datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert CAL.add_working_days(utc, 1) == D(2026, 11, 30)
    assert CAL.add_working_days(utc, 2) == D(2026, 12, 1)


# -- period_end (R38) -------------------------------------------------------------------------


def test_calendar_day_period_does_not_count_the_start_day():
    # 15 days from Monday 2026-11-02 ends Tuesday 11-17.
    assert CAL.period_end(D(2026, 11, 2), 15) == D(2026, 11, 17)


def test_calendar_day_period_ending_on_a_weekend_moves_to_the_next_working_day():
    # 7 days from Saturday 2026-11-21 is Saturday 11-28 → Monday 11-30.
    assert CAL.period_end(D(2026, 11, 21), 7) == D(2026, 11, 30)


def test_calendar_day_period_ending_in_a_holiday_block_moves_past_it():
    # 15 days from 2026-09-20 is 10-05, inside National Day → Thursday 10-08.
    assert CAL.period_end(D(2026, 9, 20), 15) == D(2026, 10, 8)


def test_calendar_day_period_ending_on_a_make_up_day_stays():
    # 2026-10-03 + 7 = Saturday 10-10, a make-up working day: the period ends then.
    assert CAL.period_end(D(2026, 10, 3), 7) == D(2026, 10, 10)


# -- working_days_between ---------------------------------------------------------------------


def test_working_days_between_counts_after_a_up_to_b():
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert CAL.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert CAL.working_days_between(D(2026, 11, 27), D(2026, 11, 27)) == 0


# -- business hours ---------------------------------------------------------------------------

HOURS = BusinessHours(time(9), time(18))


def test_working_hours_skip_nights_weekends_and_holidays():
    # Friday 2026-09-30? No: Wednesday 2026-09-30 16:00 + 4 working hours → 2 h that day,
    # then 10-01..07 are holidays, 10-08 (Thu) 09:00 + 2 h = 11:00.
    start = datetime(2026, 9, 30, 16, 0, tzinfo=SH)
    assert CAL.add_working_hours(start, 4, HOURS) == datetime(2026, 10, 8, 11, 0, tzinfo=SH)


def test_working_hours_from_a_weekend_start_at_opening():
    start = datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # Saturday
    assert CAL.add_working_hours(start, 9, HOURS) == datetime(2026, 11, 30, 18, 0, tzinfo=SH)
    assert CAL.add_working_hours(start, 10, HOURS) == datetime(2026, 12, 1, 10, 0, tzinfo=SH)


def test_working_time_between_is_the_inverse_of_add_working_hours():
    start = datetime(2026, 2, 12, 15, 30, tzinfo=SH)
    due = CAL.add_working_hours(start, 20, HOURS)
    assert CAL.working_time_between(start, due, HOURS) == timedelta(hours=20)


def test_a_due_date_becomes_the_end_of_that_day_in_shanghai():
    assert end_of_day(D(2026, 12, 1)) == datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=SH)


# -- company overrides ------------------------------------------------------------------------


def test_company_overrides_win():
    cal = WorkCalendar(
        [Override(D(2026, 12, 31), False, "公司年会"), Override(D(2026, 12, 5), True, "盘点")]
    )
    assert not cal.is_workday(D(2026, 12, 31))
    assert cal.is_workday(D(2026, 12, 5))
    assert cal.day_info(D(2026, 12, 31)).kind == "company_rest"
    assert cal.add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 5)


# -- years without official data (R43) --------------------------------------------------------


def test_a_year_the_package_does_not_cover_is_provisional_not_weekdays_only():
    assert OFFICIAL_LAST_YEAR == 2026
    assert CAL.calendar_status(D(2026, 12, 31)) == "official"
    assert CAL.calendar_status(D(2027, 1, 4)) == "provisional"
    # Spring Festival 2027: 除夕 is 02-05; 02-06 (初一, Saturday) and 02-07 (Sunday) get
    # 补假 on Tuesday 02-09 and Wednesday 02-10.
    assert not CAL.is_workday(D(2027, 2, 5))
    assert not CAL.is_workday(D(2027, 2, 8))
    assert not CAL.is_workday(D(2027, 2, 10))
    assert CAL.is_workday(D(2027, 2, 11))
    assert not CAL.is_workday(D(2027, 1, 1))
    assert not CAL.is_workday(D(2027, 10, 1))


def test_provisional_holidays_follow_the_2024_rules():
    days = statutory_holidays(2027)
    names = sorted(set(n.split("（")[0] for n in days.values()))
    assert names == sorted({"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"})
    # 13 statutory days (2024 revision), plus one weekday for each that falls on a weekend.
    assert sum("补假" not in n for n in days.values()) == 13
    weekend = sum(d.weekday() >= 5 for d, n in days.items() if "补假" not in n)
    assert sum("补假" in n for n in days.values()) == weekend


def test_two_holidays_on_one_day_owe_a_day():
    # 2028: 中秋 falls on 10-03, the third day of 国庆; one more day is given (10-04 at
    # the earliest, later if it is a weekend or already a substitute).
    days = statutory_holidays(2028)
    assert days[D(2028, 10, 3)] in {"国庆节", "中秋节"}
    after = sorted(d for d, n in days.items() if d.month == 10 and "补假" in n)
    assert len(after) == 1 + sum(D(2028, 10, x).weekday() >= 5 for x in (1, 2, 3))


def test_an_announced_year_is_official_and_uses_only_the_announcement():
    cal = WorkCalendar(
        [Override(D(2027, 2, 14), True, "春节调休上班"), Override(D(2027, 2, 5), False, "春节")],
        announced_years=[2027],
    )
    assert cal.calendar_status(D(2027, 3, 1)) == "official"
    assert cal.is_workday(D(2027, 2, 14))
    # The provisional 补假 of 02-10 is gone: the announcement alone decides.
    assert cal.is_workday(D(2027, 2, 10))


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        (lambda: CAL.add_working_days(D(2026, 1, 5), 0), "n", "too_small"),
        (lambda: CAL.add_working_days(D(2026, 1, 5), -3), "n", "too_small"),
        (lambda: CAL.add_working_days(datetime(2026, 1, 5, 9), 1), "start", "naive_datetime"),
        (lambda: CAL.add_working_days(D(2003, 12, 31), 1), "start", "too_early"),
        (lambda: CAL.period_end(D(2026, 1, 5), 0), "days", "too_small"),
        (lambda: CAL.period_end("2026-01-05", 3), "start", "not_a_date"),
        (lambda: CAL.is_workday(D(1999, 1, 1)), "day", "too_early"),
        (lambda: CAL.add_working_days(D(2026, 1, 5), 2.5), "n", "not_an_integer"),
    ],
)
def test_bad_input_is_a_clear_value_error(call, field, code):
    with pytest.raises(ValueError) as err:
        call()
    assert isinstance(err.value, CalendarInputError)
    assert (err.value.field, err.value.code) == (field, code)
    assert str(err.value).startswith(f"{field}: ")
