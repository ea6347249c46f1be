"""The service flow (SVC-6 … SVC-8): every step, its refusal, the SLA clocks it moves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from aftersales.core.errors import Conflict, InvalidInput
from aftersales.core.models import Notification
from aftersales.sla.models import SlaClock

from ..models import Case
from ..services import workflow
from ..services.intake import IntakeInput, case_intake
from ..services.sla import clocks_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent):
    case, _created = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name="王小明",
            customer_phone="13912345678",
            description="洗衣机不脱水",
        ),
    )
    return case


def step(actor, case, action, **kw):
    return workflow.case_transition(actor=actor, case=case, action=action, **kw)


def clock(case, metric):
    return clocks_of(case).filter(metric=metric).last()


def test_the_whole_way_from_new_to_closed(agent, technician, case):
    case = step(agent, case, "accept")
    assert clock(case, "first_response").status == SlaClock.Status.MET
    case = step(technician, case, "verify")
    case = step(technician, case, "start")
    assert clock(case, "initial_verification").status == SlaClock.Status.MET
    case = step(technician, case, "resolve", solution="更换排水泵", result="脱水正常")
    assert clock(case, "resolution").status == SlaClock.Status.MET
    case = step(agent, case, "confirm")
    case = step(agent, case, "close")
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    assert [e.action for e in case.events.all()] == [
        "created",
        "accept",
        "verify",
        "start",
        "resolve",
        "confirm",
        "close",
    ]


@pytest.mark.parametrize("action", ["verify", "start", "resolve", "confirm", "reject", "close"])
def test_a_step_out_of_order_is_refused(agent, case, action):
    with pytest.raises(Conflict) as refused:
        step(agent, case, action, solution="x", note="x")
    assert refused.value.code == "illegal_transition"
    case.refresh_from_db()
    assert case.status == Case.Status.NEW


def test_resolve_needs_a_solution_and_cancel_a_reason(agent, case):
    with pytest.raises(InvalidInput) as missing:
        step(agent, case, "cancel")
    assert "note" in missing.value.fields
    case = step(agent, case, "accept")
    with pytest.raises(InvalidInput) as missing:
        step(agent, case, "resolve")
    assert "solution" in missing.value.fields


def test_waiting_for_the_customer_pauses_the_clocks_and_resuming_gives_the_time_back(
    agent, technician, case
):
    case = step(agent, case, "accept")
    case = step(technician, case, "start")
    resolution = clock(case, "resolution")
    due = resolution.due_at
    case = workflow.case_set_substatus(actor=technician, case=case, substatus="waiting_customer")
    assert clock(case, "resolution").status == SlaClock.Status.PAUSED
    # Two days pass while the customer is away.
    later = timezone.now() + timedelta(days=2)
    from aftersales.sla.services import sla_owner_status_changed

    case.substatus = ""
    sla_owner_status_changed(owner=case, status="in_progress", at=later)
    resumed = clock(case, "resolution")
    assert resumed.status == SlaClock.Status.RUNNING and resumed.due_at > due


def test_the_customer_rejecting_the_result_reopens_and_escalates(agent, technician, case):
    case = step(agent, case, "accept")
    case = step(technician, case, "start")
    case = step(technician, case, "resolve", solution="清洗过滤网")
    case = step(agent, case, "reject", note="问题依旧")
    assert case.status == Case.Status.IN_PROGRESS and case.reopened == 1
    assert case.priority == "high" and case.rejection_reason == "问题依旧"
    # A new resolution clock runs from the reopening.
    assert clock(case, "resolution").status == SlaClock.Status.RUNNING
    assert Notification.objects.filter(recipient=agent, level="danger").exists()


def test_a_promised_timetable_is_recorded_and_sent(agent, case):
    from aftersales.core.models import OutboundMessage

    workflow.case_promise(actor=agent, case=case, timetable="周五上午工程师上门")
    case.refresh_from_db()
    assert case.promised_timetable == "周五上午工程师上门"
    assert OutboundMessage.objects.filter(body__contains="周五上午工程师上门").exists()


def test_steps_through_the_api(api_as, agent, case):
    client = api_as(agent)
    accepted = client.post(f"/api/v1/tickets/{case.number}/accept/", {})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(f"/api/v1/tickets/{case.number}/accept/", {})
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    states = {s["target"]: s["state"] for s in accepted.json()["sla"]}
    assert states["response"] == "met"
    unknown = client.post(f"/api/v1/tickets/{case.number}/teleport/", {})
    assert unknown.status_code == 404 and "resolve" in unknown.json()["message"]


def test_assign_through_the_api_refuses_a_stale_version(api_as, agent, case):
    """Two agents assign the same case: the one who read it before the other's change gets
    409 ``stale_version`` and the first assignment stands."""
    from aftersales.accounts.tests.factories import DepartmentFactory

    first, second = DepartmentFactory(code="repair"), DepartmentFactory(code="install")
    client = api_as(agent)
    seen = client.get(f"/api/v1/tickets/{case.number}/").json()["version"]
    body = {"department": "repair", "version": seen}
    assert client.post(f"/api/v1/tickets/{case.number}/assign/", body).status_code == 200
    late = client.post(
        f"/api/v1/tickets/{case.number}/assign/", {"department": "install", "version": seen}
    )
    assert late.status_code == 409 and late.json()["code"] == "stale_version"
    case.refresh_from_db()
    assert case.department == first and case.department != second


def test_the_queue_key_follows_the_soonest_running_clock(agent, technician, case):
    """SVC-3: the desk sorts by ``next_due_at``; it tracks the running clocks as they stop,
    pause and resume, and is empty once none runs."""

    def running_due(case):
        return min(c.due_at for c in clocks_of(case) if c.status == SlaClock.Status.RUNNING)

    case.refresh_from_db()
    assert case.next_due_at == running_due(case)  # the first-response clock at intake
    case = step(agent, case, "accept")
    case.refresh_from_db()
    assert case.next_due_at == running_due(case) > clock(case, "first_response").due_at
    case = step(technician, case, "start")
    case = workflow.case_set_substatus(actor=technician, case=case, substatus="waiting_customer")
    case.refresh_from_db()
    assert case.next_due_at is None  # paused: not due while the customer is away
    case = step(technician, case, "resolve", solution="更换电机")
    case.refresh_from_db()
    assert case.next_due_at is None
