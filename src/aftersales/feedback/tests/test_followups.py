"""Follow-up visits (回访, FB-1): scheduled by the rules on the working-day calendar, worked
call by call, and what the customer wanted done about it."""

from datetime import date

import pytest

from aftersales.core.models import Notification
from aftersales.service.models import Case

from ..models import FollowUp, FollowUpRule
from ..services.followups import CallInput, follow_up_call, overdue_follow_ups_alert
from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_closed_complaint_is_called_back_one_working_day_later(time_machine, closed_case):
    """FB-1 preset: complaints 1 working day after closing; Friday's closing → Monday."""
    time_machine.move_to(at(2026, 12, 18, 10))  # a Friday
    case = closed_case("complaint")
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.kind == "complaint"
    assert follow_up.due_on == date(2026, 12, 21)
    assert follow_up.deadline_on == date(2026, 12, 23)  # 2 working days of grace
    assert follow_up.rule.code == "complaint-closed"


def test_a_repair_over_national_day_is_due_on_the_make_up_saturday(time_machine, closed_case):
    """FB-1 preset 3 working days; R41: 1–7 October 2026 are holidays and Saturday 10 October
    is a working day (State Council notice for 2026)."""
    time_machine.move_to(at(2026, 9, 30, 16))
    case = closed_case("repair")
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.kind == "repair"
    assert follow_up.due_on == date(2026, 10, 10)


def test_a_case_marked_as_complaint_is_followed_up_as_one(time_machine, new_case, close_case):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = new_case("repair")
    Case.objects.filter(pk=case.pk).update(is_complaint=True)
    case.refresh_from_db()
    close_case(case)
    assert FollowUp.objects.get(case=case).kind == "complaint"


def test_no_rule_no_follow_up(time_machine, closed_case):
    time_machine.move_to(at(2026, 12, 18, 10))
    FollowUpRule.objects.filter(code="repair-closed").update(active=False)
    case = closed_case("repair")
    assert not FollowUp.objects.filter(case=case).exists()


def test_not_reached_is_tried_on_the_next_working_days_then_given_up(
    time_machine, closed_case, agent
):
    time_machine.move_to(at(2026, 12, 18, 10))
    follow_up = FollowUp.objects.get(case=closed_case("complaint"))
    time_machine.move_to(at(2026, 12, 21, 10))  # Monday
    follow_up = follow_up_call(actor=agent, follow_up=follow_up, data=CallInput("not_reached"))
    assert (follow_up.status, follow_up.outcome, follow_up.due_on) == (
        "due",
        "not_reached",
        date(2026, 12, 22),
    )
    follow_up_call(actor=agent, follow_up=follow_up, data=CallInput("not_reached"))
    follow_up = follow_up_call(actor=agent, follow_up=follow_up, data=CallInput("not_reached"))
    assert (follow_up.status, follow_up.outcome, follow_up.attempts) == ("done", "unreachable", 3)
    assert follow_up.calls.count() == 3


def test_reached_and_not_satisfied_reopens_the_case_with_the_customers_words(
    time_machine, closed_case, agent
):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    follow_up = FollowUp.objects.get(case=case)
    follow_up = follow_up_call(
        actor=agent,
        follow_up=follow_up,
        data=CallInput("reached", verdict="dissatisfied", remarks="还是漏水", reopen=True),
    )
    case.refresh_from_db()
    assert case.status == "in_progress" and case.reopened == 1
    assert "还是漏水" in case.customer_opinion and case.closed_at is None
    assert follow_up.case_reopened and follow_up.verdict == "dissatisfied"
    assert case.events.filter(action="reopen").exists()


def test_opening_a_complaint_from_the_call(time_machine, closed_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("installation")
    follow_up = follow_up_call(
        actor=agent,
        follow_up=FollowUp.objects.get(case=case),
        data=CallInput(
            "reached", verdict="dissatisfied", remarks="安装师傅没清理现场", open_complaint=True
        ),
    )
    complaint = follow_up.complaint
    assert complaint.kind == "complaint" and complaint.is_complaint
    assert (
        complaint.customer_id == case.customer_id and "安装师傅没清理现场" in complaint.description
    )


@pytest.mark.parametrize(
    "data, field",
    [
        (CallInput("maybe"), "outcome"),
        (CallInput("reached"), "verdict"),
        (CallInput("not_reached", reopen=True), "outcome"),
        (CallInput("reached", verdict="dissatisfied", reopen=True), "remarks"),
        (CallInput("reached", verdict="satisfied", remarks="好" * 2001), "remarks"),
    ],
)
def test_bad_calls_name_the_field_and_write_nothing(time_machine, closed_case, agent, data, field):
    from aftersales.core.errors import InvalidInput

    time_machine.move_to(at(2026, 12, 18, 10))
    follow_up = FollowUp.objects.get(case=closed_case("complaint"))
    with pytest.raises(InvalidInput) as exc:
        follow_up_call(actor=agent, follow_up=follow_up, data=data)
    assert field in exc.value.fields
    follow_up.refresh_from_db()
    assert follow_up.attempts == 0 and not follow_up.calls.exists()


def test_a_finished_follow_up_takes_no_more_calls(time_machine, closed_case, agent):
    from aftersales.core.errors import Conflict

    time_machine.move_to(at(2026, 12, 18, 10))
    follow_up = FollowUp.objects.get(case=closed_case("complaint"))
    follow_up_call(actor=agent, follow_up=follow_up, data=CallInput("refused"))
    with pytest.raises(Conflict):
        follow_up_call(actor=agent, follow_up=follow_up, data=CallInput("refused"))


def test_a_technician_may_not_call(time_machine, closed_case, technician):
    from aftersales.core.errors import PermissionDenied

    time_machine.move_to(at(2026, 12, 18, 10))
    follow_up = FollowUp.objects.get(case=closed_case("complaint"))
    with pytest.raises(PermissionDenied):
        follow_up_call(actor=technician, follow_up=follow_up, data=CallInput("refused"))


def test_overdue_follow_ups_are_told_once(time_machine, closed_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    follow_up = FollowUp.objects.get(case=closed_case("complaint"))
    assert overdue_follow_ups_alert(date(2026, 12, 23)) == 0  # the deadline day itself
    assert overdue_follow_ups_alert(date(2026, 12, 24)) == 1
    assert overdue_follow_ups_alert(date(2026, 12, 25)) == 0
    assert (
        Notification.objects.filter(recipient=agent, title__contains=follow_up.number).count() == 1
    )


def test_the_queue_page_the_call_form_and_the_workbench(time_machine, client, closed_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("complaint")
    follow_up = FollowUp.objects.get(case=case)
    client.force_login(agent)
    assert follow_up.number not in client.get("/feedback/follow-ups/").content.decode()
    time_machine.move_to(at(2026, 12, 21, 9))
    page = client.get("/feedback/follow-ups/").content.decode()
    assert follow_up.number in page and case.number in page
    home = client.get("/").content.decode()
    assert "/feedback/follow-ups/" in home
    detail = client.get(follow_up.get_absolute_url()).content.decode()
    assert case.number in detail and 'data-testid="call-script"' in detail
    response = client.post(
        follow_up.get_absolute_url(),
        {
            "version": follow_up.version,
            "outcome": "reached",
            "verdict": "satisfied",
            "remarks": "很满意",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.remarks == "很满意"
    bad = client.post(follow_up.get_absolute_url(), {"outcome": "reached"})
    assert bad.status_code in (200, 400)


def test_the_case_timeline_and_panel_show_the_follow_up(time_machine, client, closed_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("complaint")
    follow_up = FollowUp.objects.get(case=case)
    follow_up_call(
        actor=agent, follow_up=follow_up, data=CallInput("not_reached", remarks="无人接听")
    )
    client.force_login(agent)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="feedback-panel"' in page and follow_up.number in page
    assert "无人接听" in page


def test_followups_api(time_machine, api_as, closed_case, agent, technician):
    """Contract: GET /api/v1/followups/?case=&status=due|done|all with kind, due_on, status,
    outcome."""
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("complaint")
    api = api_as(agent)
    body = api.get("/api/v1/followups/", {"case": case.number, "status": "due"}).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["kind"], row["due_on"], row["status"], row["outcome"]) == (
        "complaint",
        "2026-12-21",
        "due",
        "",
    )
    assert (
        api.get("/api/v1/followups/", {"case": case.number, "status": "done"}).json()["count"] == 0
    )
    bad = api.get("/api/v1/followups/", {"status": "soon"})
    assert bad.status_code == 400 and "status" in bad.json()["fields"]
    assert api.get("/api/v1/followups/", {"case": "TK-NOPE"}).status_code == 400
    assert api_as(technician).get("/api/v1/followups/").status_code == 403
