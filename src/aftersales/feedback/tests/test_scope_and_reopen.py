"""Who sees what of the feedback loop (SEC), and what a reopened case does to its calls and
survey (FB-1, FB-2)."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.customers.tests.factories import DealerFactory, dealer_user

from ..models import FollowUp, Survey
from ..permissions import can_analyse_complaints, can_view_surveys, can_work_queue
from ..selectors import follow_up_list_for_user, survey_list_for_user
from ..services.followups import CallInput, follow_up_call
from .conftest import at

pytestmark = pytest.mark.django_db


def test_a_dealers_person_with_a_company_role_keeps_to_its_own(
    time_machine, closed_case, make_user
):
    time_machine.move_to(at(2026, 12, 18, 10))
    closed_case("complaint")
    person = dealer_user(make_user, DealerFactory(), username="dealer-cs")
    person.groups.add(*make_user(Role.CUSTOMER_SERVICE, Role.QUALITY).groups.all())
    assert not can_work_queue(person) and not can_view_surveys(person)
    assert not can_analyse_complaints(person)
    assert follow_up_list_for_user(person).count() == 0
    assert survey_list_for_user(person).count() == 0


def test_a_department_head_sees_the_departments_answers_only(
    time_machine, make_user, closed_case, department, head
):
    from aftersales.accounts.tests.factories import DepartmentFactory

    time_machine.move_to(at(2026, 12, 18, 10))
    ours = closed_case("repair")
    other = closed_case("repair", phone="13900000077", name="钱七")
    Survey.objects.filter(case=other).update(department=DepartmentFactory(code="other"))
    warehouse_head = make_user(Role.LOGISTICS, username="wh-head")
    department.head = warehouse_head
    department.save()
    visible = set(survey_list_for_user(warehouse_head).values_list("case_id", flat=True))
    assert visible == {ours.pk}


def test_a_reopened_case_voids_its_waiting_calls_and_survey(
    time_machine, client, closed_case, agent
):
    from aftersales.service.services import workflow

    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    workflow.case_transition(actor=agent, case=case, action="reopen", note="又坏了")
    case.refresh_from_db()
    assert case.status == "in_progress" and case.confirmed_at is None and case.reopened == 1
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.status == "cancelled"
    survey = Survey.objects.get(case=case)
    from ..services.surveys import survey_token

    assert client.get(f"/s/{survey_token(survey)}/").status_code == 410


def test_a_reopening_call_keeps_its_own_follow_up_done(time_machine, closed_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    follow_up = follow_up_call(
        actor=agent,
        follow_up=FollowUp.objects.get(case=case),
        data=CallInput("reached", verdict="dissatisfied", remarks="没修好", reopen=True),
    )
    assert follow_up.status == "done" and follow_up.case_reopened


def test_a_merged_duplicate_is_not_reopened(time_machine, new_case, close_case, agent):
    from aftersales.core.errors import Conflict
    from aftersales.service.models import Case
    from aftersales.service.services import workflow

    time_machine.move_to(at(2026, 12, 18, 10))
    target = new_case("repair")
    duplicate = close_case(new_case("repair"))
    Case.objects.filter(pk=duplicate.pk).update(merged_into=target)
    duplicate.refresh_from_db()
    with pytest.raises(Conflict):
        workflow.case_transition(actor=agent, case=duplicate, action="reopen", note="x")


def test_a_low_answer_replaces_the_routine_call(time_machine, api_as, closed_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("complaint")
    api_as(agent).post(
        "/api/v1/surveys/responses/",
        {"case": case.number, "channel": "phone", "answers": {"overall": 1, "nps": 0}},
        format="json",
    )
    kinds = dict(FollowUp.objects.filter(case=case).values_list("kind", "status"))
    assert kinds == {"complaint": "cancelled", "dissatisfied": "due"}


def test_answers_asked_on_a_call_open_no_second_call(time_machine, closed_case, agent, head):
    from aftersales.core.models import Notification

    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    follow_up_call(
        actor=agent,
        follow_up=FollowUp.objects.get(case=case),
        data=CallInput(
            "reached", verdict="dissatisfied", remarks="一般", answers={"overall": 2, "nps": 4}
        ),
    )
    assert not FollowUp.objects.filter(case=case, kind="dissatisfied").exists()
    assert Notification.objects.filter(recipient=head, title__contains=case.number).exists()


def test_a_bad_phone_answer_leaves_no_survey_behind(time_machine, api_as, new_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = new_case("repair")
    response = api_as(agent).post(
        "/api/v1/surveys/responses/",
        {"case": case.number, "channel": "phone", "answers": {"overall": 9, "nps": 4}},
        format="json",
    )
    assert response.status_code == 400
    assert not Survey.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/feedback/complaints/analysis/?period=year&at=0001",
        "/feedback/complaints/analysis/?period=month&at=9999-11",
        "/feedback/complaints/proposals/new/?by=customer&key=1&label=x",
        "/feedback/complaints/reports/2026-13.pdf",
    ],
)
def test_crafted_periods_and_months_are_not_server_errors(client, agent, url):
    client.force_login(agent)
    assert client.get(url).status_code in (200, 404)
