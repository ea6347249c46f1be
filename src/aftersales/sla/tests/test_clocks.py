"""SLA clocks: due moments by unit, pauses, stops, provisional years (SVC-4, R38, R41, R43)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput
from aftersales.sla import selectors, services
from aftersales.sla.models import SlaClock
from aftersales.sla.tests.factories import SlaPolicyFactory, preset_policy
from aftersales.workdays import services as calendar_services

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def record(make_user):
    """Any model can own clocks; a user row stands in for a case here."""
    return make_user(Role.DEALER, username="record")


@pytest.fixture
def policy():
    return preset_policy()


def test_the_migration_ships_the_source_documents_presets():
    from aftersales.sla.models import SlaPolicy

    preset = SlaPolicy.objects.get(name="标准服务时限（制度预设）")
    targets = {t.metric: (t.amount, t.unit) for t in preset.targets.all()}
    assert targets == {
        "first_response": (24, "clock_hours"),
        "initial_verification": (3, "working_days"),
        "on_site": (3, "working_days"),
        "resolution": (15, "working_days"),
        "refund": (15, "calendar_days"),
    }
    assert preset.pause_statuses == ["waiting_customer"]


def test_respond_within_24_clock_hours_even_over_a_holiday(record, policy):
    """S9/S10/S12: 24 hours are clock hours (DESIGN), holidays included."""
    clock = services.sla_clock_start(
        owner=record, metric="first_response", policy=policy, started_at=at(2026, 9, 30, 17, 0)
    )
    assert clock.due_at == at(2026, 10, 1, 17, 0)
    assert clock.provisional is False


def test_verify_within_3_working_days_across_national_day(record, policy):
    """S9: complaint on 2026-09-30 → due at the end of Saturday 10-10, a make-up day."""
    clock = services.sla_clock_start(
        owner=record,
        metric="initial_verification",
        policy=policy,
        started_at=at(2026, 9, 30, 10, 0),
    )
    assert clock.due_at.astimezone(SH).date() == date(2026, 10, 10)
    assert clock.due_at.astimezone(SH).time().hour == 23


def test_refund_within_15_days_rolls_past_a_holiday(record, policy):
    """S14 with R38: 15 days from 2026-09-20 end 10-05 → the next working day, 10-08."""
    clock = services.sla_clock_start(
        owner=record, metric="refund", policy=policy, started_at=at(2026, 9, 20, 9, 0)
    )
    assert clock.due_at.astimezone(SH).date() == date(2026, 10, 8)


def test_due_at_close_of_business_when_the_policy_says_so(record):
    policy = SlaPolicyFactory()
    policy.targets.create(metric="on_site", amount=3, unit="working_days", end_of_business=True)
    clock = services.sla_clock_start(
        owner=record, metric="on_site", policy=policy, started_at=at(2026, 11, 27, 16, 0)
    )
    assert clock.due_at == at(2026, 12, 2, 18, 0)


def test_a_due_moment_in_an_unpublished_year_is_provisional(record, policy):
    clock = services.sla_clock_start(
        owner=record, metric="resolution", policy=policy, started_at=at(2026, 12, 20, 9, 0)
    )
    assert clock.provisional is True


def test_loading_the_announcement_recomputes_provisional_clocks(record, policy, admin_user):
    """R43: after the administrator loads 2027, open provisional clocks are recomputed."""
    clock = services.sla_clock_start(
        owner=record, metric="initial_verification", policy=policy, started_at=at(2027, 2, 4, 9, 0)
    )
    # Provisionally: 02-05..02-10 are off (除夕..初三 + 补假), so 02-11, 12, 15 → 02-15.
    assert clock.due_at.astimezone(SH).date() == date(2027, 2, 15)
    calendar_services.announcement_load(
        actor=admin_user,
        year=2027,
        notice="通知",
        csv_text="kind,start,end,name\nholiday,2027-02-05,2027-02-12,春节\n"
        "workday,2027-02-13,,春节调休上班\nworkday,2027-02-14,,春节调休上班\n",
    )
    clock.refresh_from_db()
    assert clock.provisional is False
    # Officially 02-13 and 02-14 are make-up working days: 02-13, 02-14, 02-15.
    assert clock.due_at.astimezone(SH).date() == date(2027, 2, 15)
    stopped = services.sla_clock_start(
        owner=record, metric="on_site", policy=policy, started_at=at(2027, 2, 4, 9, 0)
    )
    assert stopped.provisional is False


def test_pause_shifts_the_due_moment_by_the_working_days_paused(record, policy):
    clock = services.sla_clock_start(
        owner=record,
        metric="initial_verification",
        policy=policy,
        started_at=at(2026, 11, 23, 9, 0),
    )  # Monday
    assert clock.due_at.astimezone(SH).date() == date(2026, 11, 26)
    services.sla_clock_pause(clock=clock, at=at(2026, 11, 24, 10, 0), reason="waiting_customer")
    # Waiting for the customer Tue 10:00 → Fri 15:00 took 8 + 9 + 9 + 6 = 32 business hours
    # (09:00–18:00), 3.6 working days: 4 days are given back, due Wed 12-02 not Thu 11-26.
    clock = services.sla_clock_resume(clock=clock, at=at(2026, 11, 27, 15, 0))
    assert clock.due_at.astimezone(SH).date() == date(2026, 12, 2)
    assert clock.pauses.get().ended_at == at(2026, 11, 27, 15, 0)


def test_pause_of_a_clock_hour_target_shifts_by_elapsed_time(record, policy):
    clock = services.sla_clock_start(
        owner=record, metric="first_response", policy=policy, started_at=at(2026, 11, 23, 9, 0)
    )
    services.sla_clock_pause(clock=clock, at=at(2026, 11, 23, 10, 0))
    clock = services.sla_clock_resume(clock=clock, at=at(2026, 11, 23, 13, 30))
    assert clock.due_at == at(2026, 11, 24, 12, 30)


def test_owner_status_pauses_and_resumes_by_policy(record, policy):
    clock = services.sla_clock_start(
        owner=record, metric="resolution", policy=policy, started_at=at(2026, 11, 23, 9, 0)
    )
    services.sla_owner_status_changed(
        owner=record, status="waiting_customer", at=at(2026, 11, 24, 9, 0)
    )
    clock.refresh_from_db()
    assert clock.status == SlaClock.Status.PAUSED
    assert selectors.time_left(clock) == clock.due_at - at(2026, 11, 24, 9, 0)
    services.sla_owner_status_changed(owner=record, status="in_progress", at=at(2026, 11, 25, 9, 0))
    clock.refresh_from_db()
    assert clock.status == SlaClock.Status.RUNNING


def test_stop_records_met_or_missed(record, policy):
    on_time = services.sla_clock_start(
        owner=record, metric="first_response", policy=policy, started_at=at(2026, 11, 23, 9, 0)
    )
    late = services.sla_clock_start(
        owner=record, metric="on_site", policy=policy, started_at=at(2026, 11, 2, 9, 0)
    )
    assert services.sla_clock_stop(clock=on_time, at=at(2026, 11, 23, 20, 0)).status == "met"
    assert services.sla_clock_stop(clock=late, at=at(2026, 11, 23, 20, 0)).status == "breached"
    with pytest.raises(Conflict):
        services.sla_clock_stop(clock=on_time, at=at(2026, 11, 24, 9, 0))


def test_illegal_transitions_are_conflicts(record, policy):
    clock = services.sla_clock_start(
        owner=record, metric="first_response", policy=policy, started_at=at(2026, 11, 23, 9, 0)
    )
    with pytest.raises(Conflict):
        services.sla_clock_resume(clock=clock, at=at(2026, 11, 23, 10, 0))


def test_overdue_is_a_query_on_stored_due_moments(record, policy):
    old = services.sla_clock_start(
        owner=record, metric="first_response", policy=policy, started_at=at(2026, 11, 1, 9, 0)
    )
    services.sla_clock_start(
        owner=record, metric="resolution", policy=policy, started_at=at(2026, 11, 27, 9, 0)
    )
    assert list(selectors.sla_overdue(now=at(2026, 11, 28, 9, 0))) == [old]


def test_the_most_specific_policy_wins():
    SlaPolicyFactory(name="通用")
    urgent = SlaPolicyFactory(name="紧急", priority="urgent")
    vip_urgent = SlaPolicyFactory(name="VIP紧急", priority="urgent", customer_level="vip")
    SlaPolicyFactory(
        name="停用", priority="urgent", customer_level="vip", channel="phone", active=False
    )
    # No condition matches "normal" specifically: a catch-all policy applies (the oldest).
    assert selectors.sla_policy_for(priority="normal").specificity == 0
    assert selectors.sla_policy_for(priority="urgent") == urgent
    assert selectors.sla_policy_for(priority="urgent", customer_level="vip") == vip_urgent


def test_a_metric_without_a_target_is_a_clear_error(record):
    policy = SlaPolicyFactory()
    with pytest.raises(InvalidInput) as err:
        services.sla_clock_start(owner=record, metric="refund", policy=policy)
    assert list(err.value.fields) == ["metric"]


def test_clock_events_appear_on_the_owners_timeline(record, policy):
    from aftersales.core.timeline import timeline_for

    services.sla_clock_start(
        owner=record, metric="first_response", policy=policy, started_at=at(2026, 11, 23, 9, 0)
    )
    titles = [e.title for e in timeline_for(record)]
    assert "时限开始：首次响应" in titles


def test_a_pause_overnight_gives_back_no_working_days(record, policy):
    clock = services.sla_clock_start(
        owner=record,
        metric="initial_verification",
        policy=policy,
        started_at=at(2026, 11, 23, 9, 0),
    )
    services.sla_clock_pause(clock=clock, at=at(2026, 11, 27, 20, 0))  # Friday evening
    clock = services.sla_clock_resume(clock=clock, at=at(2026, 11, 30, 8, 0))  # Monday 08:00
    assert clock.due_at.astimezone(SH).date() == date(2026, 11, 26)


def test_calendar_day_pauses_rebuild_from_the_start(record):
    """5 days from Mon 2026-03-02 end Sat 03-07 → Mon 03-09 (R38). A one-day pause makes it a
    6-day period, which ends Sun 03-08 → still Mon 03-09, not 03-10."""
    policy = SlaPolicyFactory()
    policy.targets.create(metric="refund", amount=5, unit="calendar_days")
    clock = services.sla_clock_start(
        owner=record, metric="refund", policy=policy, started_at=at(2026, 3, 2, 9, 0)
    )
    assert clock.due_at.astimezone(SH).date() == date(2026, 3, 9)
    services.sla_clock_pause(clock=clock, at=at(2026, 3, 3, 9, 0))
    clock = services.sla_clock_resume(clock=clock, at=at(2026, 3, 4, 9, 0))
    assert clock.due_at.astimezone(SH).date() == date(2026, 3, 9)


def test_a_clock_stopped_while_paused_is_judged_at_the_pause(record, policy):
    clock = services.sla_clock_start(
        owner=record, metric="initial_verification", policy=policy, started_at=at(2026, 3, 2, 10, 0)
    )  # due 03-05
    services.sla_clock_pause(clock=clock, at=at(2026, 3, 2, 11, 0))
    # Closed a week later while still waiting for the customer: the clock stood still.
    assert services.sla_clock_stop(clock=clock, at=at(2026, 3, 9, 9, 0)).status == "met"
