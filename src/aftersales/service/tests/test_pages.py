"""The case queue and the case page as an agent uses them."""

import pytest

from ..models import Case
from ..services.intake import IntakeInput, case_intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(agent):
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name="王小明",
            customer_phone="13912345678",
            description="电视屏幕有横线",
        ),
    )
    return case


def test_the_queue_lists_open_cases_with_their_next_deadline(client, agent, case):
    client.force_login(agent)
    html = client.get("/service/").content.decode()
    assert case.number in html and "王小明" in html


def test_the_agent_takes_a_case_through_the_page(client, agent, technician, case):
    client.force_login(agent)
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="step-accept"' in page and 'data-testid="sla-response"' in page
    client.post(f"/service/cases/{case.number}/step/accept/")
    client.force_login(technician)
    client.post(f"/service/cases/{case.number}/step/start/")
    client.post(
        f"/service/cases/{case.number}/step/resolve/",
        {"solution": "更换屏幕排线", "result": "正常"},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.solution == "更换屏幕排线"
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert "更换屏幕排线" in page and 'data-testid="step-confirm"' in page


def test_a_refused_step_shows_a_message_not_an_error(client, agent, case):
    client.force_login(agent)
    response = client.post(f"/service/cases/{case.number}/step/close/", follow=True)
    assert response.status_code == 200
    assert "不能执行" in response.content.decode()
