"""Satisfaction surveys (FB-2): sent on closing by the policy, answered once through a signed
link, on the phone or on the tracking page; a low answer raises the alarm."""

import re
from datetime import timedelta

import pytest

from aftersales.core.models import Notification, OutboundMessage

from ..models import FollowUp, Survey
from ..services.surveys import survey_token
from .conftest import at

pytestmark = pytest.mark.django_db

GOOD = {"q_overall": "5", "q_timeliness": "4", "q_attitude": "5", "q_quality": "5", "q_nps": "9"}


def _link(case) -> str:
    sms = OutboundMessage.objects.filter(related=case.number, body__contains="/s/").get()
    return re.search(r"https?://\S+?(/s/[^/\s]+/)", sms.body).group(1)


def test_closing_sends_the_survey_link_by_sms(time_machine, closed_case):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    survey = Survey.objects.get(case=case)
    assert survey.sent_via == "sms" and survey.status == "sent"
    assert survey.version.questionnaire.code == "after-sales"
    assert survey.department == case.department and survey.assignee == case.assignee
    assert survey.expires_at - survey.sent_at == timedelta(days=14)
    assert _link(case).startswith("/s/")


def test_never_twice_to_the_same_customer_within_30_days(time_machine, closed_case):
    """FB-2 preset: the quiet days."""
    time_machine.move_to(at(2026, 11, 2, 10))
    closed_case("repair")
    time_machine.move_to(at(2026, 11, 30, 10))
    second = closed_case("installation", description="空调安装")
    assert not Survey.objects.filter(case=second).exists()
    time_machine.move_to(at(2026, 12, 3, 10))
    third = closed_case("repair", description="又坏了")
    assert Survey.objects.filter(case=third).exists()


def test_the_link_opens_the_phone_page_and_works_once(time_machine, client, closed_case):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    link = _link(case)
    page = client.get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "售后服务满意度调查" in text and case.number in text
    for code in ("overall", "timeliness", "attitude", "quality", "nps", "comment"):
        assert f'data-testid="question-{code}"' in text
    done = client.post(link, {**GOOD, "q_comment": "师傅很专业"})
    assert 'data-testid="survey-thanks"' in done.content.decode()
    survey = Survey.objects.get(case=case)
    assert survey.answers == {
        "overall": 5,
        "timeliness": 4,
        "attitude": 5,
        "quality": 5,
        "nps": 9,
        "comment": "师傅很专业",
    }
    assert survey.answered_via == "sms" and not survey.low
    again = client.get(link)
    assert 'data-testid="survey-used"' in again.content.decode()
    assert client.post(link, GOOD).status_code == 200
    survey.refresh_from_db()
    assert survey.answers["comment"] == "师傅很专业"
    case.refresh_from_db()
    assert "师傅很专业" in case.customer_opinion


def test_an_expired_link_is_closed(time_machine, client, closed_case):
    time_machine.move_to(at(2026, 12, 1, 10))
    case = closed_case("repair")
    link = _link(case)
    time_machine.move_to(at(2026, 12, 15, 10, 1))
    response = client.get(link)
    assert (
        response.status_code == 410 and 'data-testid="survey-expired"' in response.content.decode()
    )
    assert client.post(link, GOOD).status_code == 410
    assert Survey.objects.get(case=case).status == "sent"


def test_a_tampered_link_is_refused(time_machine, client, closed_case):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    survey = Survey.objects.get(case=case)
    token = survey_token(survey)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/s/{forged}/").status_code == 404
    assert client.get("/s/not-a-token/").status_code == 404
    other = survey_token(Survey(pk=survey.pk + 999))
    assert client.get(f"/s/{other}/").status_code == 404


def test_bad_answers_on_the_page_name_the_question(time_machine, client, closed_case):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    response = client.post(_link(case), {**GOOD, "q_overall": "6", "q_nps": ""})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'data-testid="error-overall"' in text and 'data-testid="error-nps"' in text
    assert Survey.objects.get(case=case).status == "sent"


def test_a_low_answer_alerts_the_head_and_opens_a_dissatisfied_follow_up(
    time_machine, client, closed_case, head
):
    """FB-2: overall ≤ 2 or nps ≤ 6."""
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    client.post(_link(case), {**GOOD, "q_overall": "2", "q_comment": "上门迟到两小时"})
    survey = Survey.objects.get(case=case)
    assert survey.low
    note = Notification.objects.get(recipient=head)
    assert case.number in note.title and note.level == "danger"
    follow_up = FollowUp.objects.get(case=case, kind="dissatisfied")
    assert follow_up.survey == survey and follow_up.due_on.isoformat() == "2026-12-18"
    assert note.link == survey.get_absolute_url()  # the head may open the answer


def test_nps_of_six_is_low_too(time_machine, client, closed_case, head):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    client.post(_link(case), {**GOOD, "q_nps": "6"})
    assert Survey.objects.get(case=case).low


def test_the_tracking_page_asks_the_same_questions(time_machine, client, closed_case):
    from aftersales.service.services.tracking import tracking_token

    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    token = tracking_token(case)
    page = client.get("/service/track/", {"t": token}).content.decode()
    assert 'data-testid="track-survey"' in page
    client.post("/service/track/", {"t": token, "answer": "survey", **GOOD})
    survey = Survey.objects.get(case=case)
    assert survey.status == "answered" and survey.answered_via == "tracking"
    page = client.get("/service/track/", {"t": token}).content.decode()
    assert 'data-testid="track-survey"' not in page


# -- the phone answer API ------------------------------------------------------------------


def test_phone_answer_api_201_then_409(time_machine, api_as, closed_case, agent):
    """Contract: POST /api/v1/surveys/responses/ → 201; again → 409 already_answered."""
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    api = api_as(agent)
    body = {
        "case": case.number,
        "channel": "phone",
        "answers": {"overall": 2, "nps": 3, "comment": "太慢"},
    }
    response = api.post("/api/v1/surveys/responses/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["case"] == case.number and data["channel"] == "phone" and data["low"] is True
    assert data["answers"] == {"overall": 2, "nps": 3, "comment": "太慢"}
    again = api.post("/api/v1/surveys/responses/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_answered"


def test_phone_answer_api_without_a_sent_survey_makes_one(time_machine, api_as, new_case, agent):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = new_case("repair")
    response = api_as(agent).post(
        "/api/v1/surveys/responses/",
        {"case": case.number, "channel": "phone", "answers": {"overall": 4, "nps": 8}},
        format="json",
    )
    assert response.status_code == 201
    assert Survey.objects.get(case=case).sent_via == "phone"


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"overall": 6, "nps": 5}, "answers.overall"),
        ({"overall": 0, "nps": 5}, "answers.overall"),
        ({"overall": 3, "nps": 11}, "answers.nps"),
        ({"overall": "5", "nps": -1}, "answers.nps"),
        ({"overall": 3.5, "nps": 5}, "answers.overall"),
        ({"overall": True, "nps": 5}, "answers.overall"),
        ({"nps": 5}, "answers.overall"),
        ({"overall": 3, "nps": 5, "colour": "red"}, "answers.colour"),
        ({"overall": 3, "nps": 5, "comment": 7}, "answers.comment"),
    ],
)
def test_phone_answer_api_bad_scores_name_the_question(
    time_machine, api_as, closed_case, agent, answers, field
):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    response = api_as(agent).post(
        "/api/v1/surveys/responses/",
        {"case": case.number, "channel": "phone", "answers": answers},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Survey.objects.get(case=case).status == "sent"


def test_phone_answer_api_bad_shape_and_rights(
    time_machine, api_as, closed_case, agent, technician
):
    time_machine.move_to(at(2026, 12, 18, 10))
    case = closed_case("repair")
    api = api_as(agent)
    assert (
        "case"
        in api.post(
            "/api/v1/surveys/responses/",
            {"case": "TK-NONE", "channel": "phone", "answers": {}},
            format="json",
        ).json()["fields"]
    )
    assert (
        "channel"
        in api.post(
            "/api/v1/surveys/responses/",
            {"case": case.number, "channel": "sms", "answers": {}},
            format="json",
        ).json()["fields"]
    )
    assert (
        "answers"
        in api.post(
            "/api/v1/surveys/responses/",
            {"case": case.number, "channel": "phone", "answers": [1]},
            format="json",
        ).json()["fields"]
    )
    denied = api_as(technician).post(
        "/api/v1/surveys/responses/",
        {"case": case.number, "channel": "phone", "answers": {"overall": 5, "nps": 9}},
        format="json",
    )
    assert denied.status_code == 403


# -- the summary ---------------------------------------------------------------------------


def _answer(api, case, overall, nps):
    response = api.post(
        "/api/v1/surveys/responses/",
        {"case": case.number, "channel": "phone", "answers": {"overall": overall, "nps": nps}},
        format="json",
    )
    assert response.status_code == 201


def test_summary_api_figures_and_groups(time_machine, api_as, closed_case, agent, technician):
    """Contract: sent, responses, response_rate, csat (fractions), nps (−100…100), groups."""
    api = api_as(agent)
    cases = []
    for i, phone in enumerate(["13900000001", "13900000002", "13900000003", "13900000004"]):
        time_machine.move_to(at(2026, 11, 3 + i, 10))
        cases.append(closed_case("repair", phone=phone, name=f"客户{i}"))
    _answer(api, cases[0], 5, 10)  # satisfied, promoter
    _answer(api, cases[1], 4, 9)  # satisfied, promoter
    _answer(api, cases[2], 2, 3)  # detractor
    time_machine.move_to(at(2026, 12, 1, 10))
    body = api.get(
        "/api/v1/surveys/summary/",
        {"date_from": "2026-11-01", "date_to": "2026-11-30", "group_by": "assignee"},
    ).json()
    assert body["sent"] == 4 and body["responses"] == 3
    assert body["response_rate"] == 0.75
    assert body["csat"] == pytest.approx(2 / 3, abs=1e-4)
    assert body["nps"] == pytest.approx(33.3, abs=0.05)
    assert body["groups"] == [
        {
            "key": str(technician.pk),
            "label": str(technician),
            "responses": 3,
            "csat": pytest.approx(2 / 3, abs=1e-4),
            "nps": pytest.approx(33.3, abs=0.05),
        }
    ]
    months = api.get("/api/v1/surveys/summary/", {"group_by": "month"}).json()["groups"]
    assert [g["key"] for g in months] == ["2026-11"]
    empty = api.get(
        "/api/v1/surveys/summary/", {"date_from": "2025-01-01", "date_to": "2025-01-31"}
    ).json()
    assert empty == {
        "sent": 0,
        "responses": 0,
        "response_rate": None,
        "csat": None,
        "nps": None,
        "groups": [],
    }


@pytest.mark.parametrize(
    "group_by", ["department", "assignee", "product", "category", "dealer", "region", "month"]
)
def test_summary_api_every_grouping_answers(api_as, agent, group_by):
    response = api_as(agent).get("/api/v1/surveys/summary/", {"group_by": group_by})
    assert response.status_code == 200 and response.json()["groups"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"group_by": "colour"}, "group_by"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-12-01", "date_to": "2026-11-01"}, "date_to"),
    ],
)
def test_summary_api_bad_input(api_as, agent, params, field):
    response = api_as(agent).get("/api/v1/surveys/summary/", params)
    assert response.status_code == 400 and field in response.json()["fields"]


def test_summary_api_is_not_for_dealers_or_sales(api_as, make_user):
    from aftersales.accounts.roles import Role

    assert api_as(make_user(Role.SALES)).get("/api/v1/surveys/summary/").status_code == 403
