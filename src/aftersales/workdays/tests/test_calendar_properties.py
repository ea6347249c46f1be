"""Property tests for the calendar (issue "Done when"): any start in the supported range."""

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.workdays.calendar import official_calendar

CAL = official_calendar()
# Up to 400 working days (~1.6 years) must still end before 2099, the end of the tables.
days = st.dates(min_value=date(2004, 1, 1), max_value=date(2097, 6, 30))
counts = st.integers(min_value=1, max_value=400)


@given(days, counts)
def test_add_working_days_lands_on_a_working_day(start, n):
    assert CAL.is_workday(CAL.add_working_days(start, n))


@given(days, st.integers(min_value=1, max_value=399))
def test_add_working_days_is_strictly_increasing_in_n(start, n):
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@given(days, counts)
def test_working_days_between_inverts_add_working_days(start, n):
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(days, st.integers(min_value=1, max_value=366))
def test_period_end_is_never_before_start_plus_days(start, n):
    end = CAL.period_end(start, n)
    assert end >= start + timedelta(days=n)
    assert CAL.is_workday(end)
    # ...and only the rest days right after start + days are skipped.
    skipped = start + timedelta(days=n)
    while skipped < end:
        assert not CAL.is_workday(skipped)
        skipped += timedelta(days=1)


@settings(max_examples=200)
@given(
    st.datetimes(
        min_value=datetime(2004, 1, 2),
        max_value=datetime(2098, 1, 1),
        timezones=st.just(UTC),
    ),
    counts,
)
def test_a_datetime_start_counts_from_its_shanghai_date(moment, n):
    local_day = moment.astimezone(timezone(timedelta(hours=8))).date()
    assert CAL.add_working_days(moment, n) == CAL.add_working_days(local_day, n)
