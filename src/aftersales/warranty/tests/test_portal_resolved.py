"""Once the case is resolved, its tracking page asks the customer to confirm or reject the
result and no longer offers to apply for a remedy (issue 17, item 8); rejecting reopens the
case, and with it the form."""

import pytest

from aftersales.service.services import workflow
from aftersales.service.services.tracking import tracking_token
from aftersales.warranty.models import Application

pytestmark = pytest.mark.django_db


def _page(client, token: str) -> str:
    return client.get(f"/service/track/?t={token}").content.decode()


def test_a_resolved_case_offers_no_application(client, tv_case, agent):
    token = tracking_token(tv_case)
    assert 'data-testid="track-apply"' in _page(client, token)  # while being handled

    workflow.case_transition(actor=agent, case=tv_case, action="accept")
    workflow.case_transition(actor=agent, case=tv_case, action="resolve", solution="已更换屏幕")
    page = _page(client, token)
    assert 'data-testid="track-answer"' in page
    assert 'data-testid="track-apply"' not in page and 'data-testid="track-warranty"' not in page

    # A form kept open from before is refused too.
    answer = client.post(
        "/service/track/",
        {"t": token, "answer": "apply", "requested": "return", "reason": "还是想退"},
    )
    assert answer.status_code == 302
    assert not Application.objects.exists()

    # The customer rejects the result: the case is reopened and the form is back.
    client.post("/service/track/", {"t": token, "answer": "reject", "note": "屏幕仍有横线"})
    tv_case.refresh_from_db()
    assert tv_case.status == "in_progress"
    assert 'data-testid="track-apply"' in _page(client, token)


def test_a_confirmed_case_offers_no_application_either(client, tv_case, agent):
    token = tracking_token(tv_case)
    workflow.case_transition(actor=agent, case=tv_case, action="accept")
    workflow.case_transition(actor=agent, case=tv_case, action="resolve", solution="已处理")
    client.post("/service/track/", {"t": token, "answer": "confirm"})
    tv_case.refresh_from_db()
    assert tv_case.status == "confirmed"
    page = _page(client, token)
    assert 'data-testid="track-apply"' not in page and 'data-testid="track-answer"' not in page
