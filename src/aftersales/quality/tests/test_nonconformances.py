"""Nonconformances and their corrective actions (QC-7): open → action → verification →
closed, or back to action when the effect is not there; due dates in working days; overdue
actions reminded once a day."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.models import Notification
from aftersales.core.timeline import timeline_for
from aftersales.customers.tests.factories import DealerFactory, dealer_user
from aftersales.quality import selectors
from aftersales.quality.models import CorrectiveAction, Nonconformance
from aftersales.quality.services.nonconformances import (
    corrective_action_add,
    corrective_action_complete,
    corrective_actions_remind_overdue,
    nonconformance_investigate,
    nonconformance_open,
    nonconformance_verify,
)
from aftersales.quality.tasks import remind_overdue_actions_task
from aftersales.workdays import add_working_days
from config.celery import app

pytestmark = pytest.mark.django_db

S = Nonconformance.Status


@pytest.fixture
def nc(people, batch):
    return nonconformance_open(
        actor=people["cs"],
        source=Nonconformance.Source.COMPLAINT,
        source_ref="TK-20261120-0003",
        title="  屏幕漏光  ",
        description="客户反映屏幕四角漏光。",
        batch=batch,
    )


def plan_action(people, nc, owner="inspector", **kwargs):
    kwargs.setdefault("due_on", timezone.localdate() + timedelta(days=7))
    return corrective_action_add(
        actor=people["quality"],
        nc=nc,
        description=kwargs.pop("description", "调整背光模组装配工艺"),
        owner=people[owner],
        **kwargs,
    )


def fresh(obj):
    obj.refresh_from_db()
    return obj


# --- opening --------------------------------------------------------------------------------


def test_qc7_any_staff_member_opens_one_and_quality_hears(people, nc):
    assert nc.number.startswith("NC-")
    assert (nc.status, nc.title, nc.raised_by) == (S.OPEN, "屏幕漏光", people["cs"])
    assert nc.severity == Nonconformance.Severity.MAJOR
    told = Notification.objects.get(recipient=people["quality"])
    assert nc.number in told.title and told.level == "warning"
    assert told.link.endswith(f"/{nc.pk}/")
    assert list(selectors.nonconformance_list(status="active", q="TK-20261120")) == [nc]


def test_qc7_a_critical_one_is_announced_as_danger_and_its_owner_told(people):
    nc = nonconformance_open(
        actor=people["quality"],
        source=Nonconformance.Source.OTHER,
        title="起火风险",
        description="电源板电容鼓包",
        severity=Nonconformance.Severity.CRITICAL,
        owner=people["inspector"],
    )
    assert Notification.objects.get(recipient=people["quality"]).level == "danger"
    assert Notification.objects.filter(recipient=people["inspector"], title__contains=nc.number)


def test_qc7_dealers_do_not_open_nonconformances(make_user):
    dealer = dealer_user(make_user, DealerFactory())
    with pytest.raises(PermissionDenied):
        nonconformance_open(
            actor=dealer, source="complaint", title="漏光", description="客户反映漏光"
        )


def test_qc7_an_empty_description_or_unknown_source_is_refused(people):
    with pytest.raises(InvalidInput) as err:
        nonconformance_open(actor=people["cs"], source="gossip", title="x", description=" ")
    assert set(err.value.fields) == {"source", "description"}
    assert not Nonconformance.objects.exists()


# --- the lifecycle --------------------------------------------------------------------------


def test_qc7_the_whole_lifecycle(people, nc):
    first = plan_action(people, nc, owner="inspector")
    assert fresh(nc).status == S.ACTION
    told = Notification.objects.get(recipient=people["inspector"])
    assert nc.number in told.title and first.due_on.isoformat() in told.title
    second = plan_action(
        people, nc, owner="logistics", kind="preventive", description="来料加检背光"
    )

    corrective_action_complete(actor=people["inspector"], action=first, result="已调整工装")
    assert fresh(nc).status == S.ACTION  # one still open
    corrective_action_complete(actor=people["logistics"], action=second, result="已加检")
    assert fresh(nc).status == S.VERIFICATION

    # Not effective: back to action, with the verification kept on the record.
    nonconformance_verify(
        actor=people["quality"], nc=nc, effective=False, verification="复查仍有漏光"
    )
    assert fresh(nc).status == S.ACTION
    assert "复查仍有漏光" in nc.verification and nc.verified_by == people["quality"]
    third = plan_action(people, nc, description="更换背光供应商")
    corrective_action_complete(actor=people["quality"], action=third, result="已更换")
    assert fresh(nc).status == S.VERIFICATION

    # Effective, but the root cause is not recorded yet.
    with pytest.raises(InvalidInput) as err:
        nonconformance_verify(actor=people["quality"], nc=nc, effective=True, verification="OK")
    assert list(err.value.fields) == ["root_cause"]
    nc = nonconformance_investigate(
        actor=people["quality"],
        nc=nc,
        data={
            "containment": "在库品全检",
            "root_cause_method": "five_why",
            "whys": ["漏光", "背光压条松", "压条卡扣断", "  ", "供应商换了材料"],
        },
        expected_version=fresh(nc).version,
    )
    assert nc.whys == ["漏光", "背光压条松", "压条卡扣断", "供应商换了材料"]
    assert nc.root_cause == "供应商换了材料"  # the last why, when none is written out

    nonconformance_verify(
        actor=people["quality"], nc=nc, effective=True, verification="连续三批无漏光"
    )
    nc = fresh(nc)
    assert nc.status == S.CLOSED and nc.closed_at is not None
    assert nc.verification.count("\n") == 1  # both verifications, one line each
    assert list(selectors.nonconformance_list(status="active")) == []
    assert list(selectors.nonconformance_list(status=S.CLOSED)) == [nc]

    # A closed nonconformance takes no more actions or changes.
    with pytest.raises(Conflict) as err:
        plan_action(people, nc)
    assert err.value.code == "closed"
    with pytest.raises(Conflict):
        nonconformance_investigate(actor=people["quality"], nc=nc, data={"containment": "x"})

    titles = [e.title for e in timeline_for(nc)]
    assert sum("调整背光模组装配工艺" in t for t in titles) == 2  # planned and done
    assert any("更换背光供应商" in t for t in titles)


def test_qc7_verification_waits_for_every_action(people, nc):
    with pytest.raises(Conflict) as err:
        nonconformance_verify(actor=people["quality"], nc=nc, effective=True, verification="好")
    assert err.value.code == "illegal_transition"
    plan_action(people, nc)
    with pytest.raises(Conflict):
        nonconformance_verify(actor=people["quality"], nc=nc, effective=True, verification="好")


def test_qc7_verification_needs_words(people, nc):
    action = plan_action(people, nc)
    corrective_action_complete(actor=people["inspector"], action=action, result="已完成")
    with pytest.raises(InvalidInput) as err:
        nonconformance_verify(actor=people["quality"], nc=nc, effective=False, verification=" ")
    assert list(err.value.fields) == ["verification"]


def test_qc7_a_new_action_while_waiting_for_verification_reopens_the_work(people, nc):
    action = plan_action(people, nc)
    corrective_action_complete(actor=people["inspector"], action=action, result="已完成")
    assert fresh(nc).status == S.VERIFICATION
    plan_action(people, nc, description="补充培训")
    assert fresh(nc).status == S.ACTION


@pytest.mark.parametrize("who", ["inspector", "cs", "sales"])
def test_qc7_only_quality_plans_actions_and_verifies(people, nc, who):
    with pytest.raises(PermissionDenied):
        corrective_action_add(
            actor=people[who],
            nc=nc,
            description="x",
            owner=people[who],
            due_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied):
        nonconformance_verify(actor=people[who], nc=nc, effective=True, verification="x")
    with pytest.raises(PermissionDenied):
        nonconformance_investigate(actor=people[who], nc=nc, data={"containment": "x"})


def test_qc7_only_the_owner_or_quality_completes_an_action(people, nc):
    action = plan_action(people, nc, owner="logistics")
    with pytest.raises(PermissionDenied):
        corrective_action_complete(actor=people["inspector"], action=action, result="代为完成")
    with pytest.raises(InvalidInput) as err:
        corrective_action_complete(actor=people["logistics"], action=action, result="  ")
    assert list(err.value.fields) == ["result"]
    corrective_action_complete(actor=people["logistics"], action=action, result="已完成")
    with pytest.raises(Conflict) as err:
        corrective_action_complete(actor=people["quality"], action=action, result="再次完成")
    assert err.value.code == "already_done"
    assert fresh(action).result == "已完成"


def test_qc7_action_input_is_checked(people, nc, make_user):
    gone = make_user(Role.QUALITY, is_active=False)
    with pytest.raises(InvalidInput) as err:
        corrective_action_add(
            actor=people["quality"], nc=nc, description=" ", owner=gone, kind="cosmetic"
        )
    assert set(err.value.fields) == {"description", "owner", "kind", "due_on"}
    with pytest.raises(InvalidInput) as err:
        plan_action(people, nc, due_on=timezone.localdate() - timedelta(days=1))
    assert list(err.value.fields) == ["due_on"]
    for days in (0, 251):
        with pytest.raises(InvalidInput) as err:
            plan_action(people, nc, due_on=None, due_in_working_days=days)
        assert list(err.value.fields) == ["due_in_working_days"]
    assert not CorrectiveAction.objects.exists()
    assert fresh(nc).status == S.OPEN


def test_qc7_investigation_checks_the_whys_and_the_version(people, nc):
    with pytest.raises(InvalidInput) as err:
        nonconformance_investigate(
            actor=people["quality"], nc=nc, data={"whys": ["1", "2", "3", "4", "5", "6"]}
        )
    assert list(err.value.fields) == ["whys"]
    with pytest.raises(StaleVersion):
        nonconformance_investigate(
            actor=people["quality"],
            nc=nc,
            data={"containment": "隔离在库品"},
            expected_version=nc.version - 1,
        )
    nc = nonconformance_investigate(
        actor=people["quality"],
        nc=nc,
        data={
            "root_cause_method": "free_text",
            "root_cause": "压条材料变更未经评审",
            "owner": people["inspector"],
            "severity": "critical",
        },
    )
    assert (nc.root_cause, nc.owner, nc.severity) == (
        "压条材料变更未经评审",
        people["inspector"],
        "critical",
    )
    assert list(selectors.nonconformance_list(owner=people["inspector"])) == [nc]


# --- due dates in working days (QC-7, R-calendar) -------------------------------------------


@pytest.mark.parametrize(
    ("today", "days", "due"),
    [
        (date(2026, 11, 27), 3, date(2026, 12, 2)),  # Friday + 3 working days: next Wednesday
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # across National Day to the make-up Saturday
    ],
)
def test_qc7_due_in_working_days_follows_the_company_calendar(people, nc, today, days, due):
    assert add_working_days(today, days) == due
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        action = plan_action(people, nc, due_on=None, due_in_working_days=days)
    assert fresh(action).due_on == due


def test_qc7_due_in_working_days_counts_from_today(people, nc):
    action = plan_action(people, nc, due_on=None, due_in_working_days=3)
    assert action.due_on == add_working_days(timezone.localdate(), 3)


# --- overdue reminders (QC-7) ---------------------------------------------------------------


@pytest.fixture
def overdue(people, nc):
    """Two overdue actions (the inspector's and logistics'), one done though overdue, one
    not due yet."""
    today = timezone.localdate()
    late = plan_action(people, nc, owner="inspector", description="整改一")
    late_too = plan_action(people, nc, owner="logistics", description="整改二")
    done = plan_action(people, nc, owner="cs", description="已完成的整改")
    corrective_action_complete(actor=people["cs"], action=done, result="好了")
    plan_action(people, nc, owner="sales", description="下周才到期", due_on=today + timedelta(7))
    CorrectiveAction.objects.filter(pk__in=[late.pk, late_too.pk, done.pk]).update(
        due_on=today - timedelta(days=2)
    )
    Notification.objects.all().delete()
    return [late, late_too]


def test_qc7_owners_of_overdue_actions_are_reminded_once_a_day(people, overdue):
    today = timezone.localdate()
    assert corrective_actions_remind_overdue(today=today) == 2
    for who, description in (("inspector", "整改一"), ("logistics", "整改二")):
        told = Notification.objects.get(recipient=people[who])
        assert description in told.title and told.level == "danger"
    summary = Notification.objects.get(recipient=people["quality"])
    assert "2" in summary.title and "整改一" in summary.body and "整改二" in summary.body
    # The done action and the one not yet due are left alone.
    assert not Notification.objects.filter(recipient__in=[people["cs"], people["sales"]])

    assert corrective_actions_remind_overdue(today=today) == 0
    assert Notification.objects.count() == 3
    # The next day they are reminded again.
    assert corrective_actions_remind_overdue(today=today + timedelta(days=1)) == 2
    assert Notification.objects.filter(recipient=people["inspector"]).count() == 2


def test_qc7_the_overdue_list(people, overdue, nc):
    assert list(selectors.nonconformance_list(overdue=True)) == [nc]
    row = selectors.nonconformance_list().get()
    assert (row.overdue, row.open_actions) == (True, 3)
    assert [a.description for a in selectors.my_open_actions(people["inspector"])] == ["整改一"]


def test_qc7_the_periodic_task_sends_the_reminders(people, overdue):
    assert remind_overdue_actions_task.delay().get() == 2
    assert Notification.objects.filter(recipient=people["inspector"], level="danger").exists()
    # Scheduled every hour, it reminds once a day all the same.
    assert remind_overdue_actions_task.delay().get() == 0


def test_qc7_the_reminder_is_on_the_beat_schedule_under_its_name():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "quality.remind_overdue_actions" in scheduled
    assert app.tasks["quality.remind_overdue_actions"].run is remind_overdue_actions_task.run


def test_qc7_nothing_overdue_sends_nothing(people, nc):
    plan_action(people, nc)
    assert corrective_actions_remind_overdue() == 0
    assert not Notification.objects.filter(level="danger").exists()
