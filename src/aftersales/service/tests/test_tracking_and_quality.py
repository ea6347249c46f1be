"""The customer's tracking link (SVC-7, SVC-8) and what the cases give quality (SVC-9)."""

import re

import pytest

from aftersales.core.models import OutboundMessage

from ..models import Case
from ..services import workflow
from ..services.intake import IntakeInput, case_intake
from ..services.tracking import tracking_token

pytestmark = pytest.mark.django_db


def _intake(agent, **fields):
    data = {
        "channel": "phone",
        "kind": "repair",
        "customer_name": "王小明",
        "customer_phone": "13912345678",
        "description": "电视屏幕有横线",
        **fields,
    }
    return case_intake(actor=agent, data=IntakeInput(**data))[0]


def _resolved(agent, technician):
    case = _intake(agent)
    workflow.case_transition(actor=agent, case=case, action="accept")
    workflow.case_transition(actor=technician, case=case, action="start")
    return workflow.case_transition(
        actor=technician, case=case, action="resolve", solution="更换屏幕排线"
    )


def test_the_sms_carries_the_tracking_link_and_it_opens_the_case(client, agent):
    case = _intake(agent)
    sms = OutboundMessage.objects.get(related=case.number)
    path = re.search(r"(/service/track/\?t=\S+)", sms.body).group(1)
    page = client.get(path).content.decode()
    assert case.number in page and 'data-testid="track-status"' in page


def test_the_customer_confirms_through_the_link(client, agent, technician):
    case = _resolved(agent, technician)
    token = tracking_token(case)
    assert 'data-testid="confirm"' in client.get(f"/service/track/?t={token}").content.decode()
    client.post("/service/track/", {"t": token, "answer": "confirm"})
    case.refresh_from_db()
    assert case.status == Case.Status.CONFIRMED and case.confirmed_at is not None


def test_the_customer_rejects_through_the_link_and_the_case_reopens(client, agent, technician):
    case = _resolved(agent, technician)
    client.post(
        "/service/track/", {"t": tracking_token(case), "answer": "reject", "note": "还有横线"}
    )
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.rejection_reason == "还有横线"
    assert case.reopened == 1


def test_number_and_phone_show_the_status_only(client, agent, technician):
    case = _resolved(agent, technician)
    page = client.get("/service/track/", {"number": case.number, "phone": "5678"}).content.decode()
    assert case.number in page and 'data-testid="confirm"' not in page
    wrong = client.get("/service/track/", {"number": case.number, "phone": "0000"})
    assert 'data-testid="track-none"' in wrong.content.decode()
    forged = client.post("/service/track/", {"t": "forged", "answer": "confirm"})
    assert forged.status_code == 404


def test_svc9_the_case_shows_on_its_batchs_trace_page_and_can_be_judged(client, agent, make_user):
    from aftersales.accounts.roles import Role
    from aftersales.catalog.models import SerialNumber
    from aftersales.catalog.tests.factories import ProductFactory
    from aftersales.quality.selectors import trace_lookup
    from aftersales.quality.services.judgements import responsibility_judge
    from aftersales.quality.tests.factories import BatchFactory

    product = ProductFactory()
    batch = BatchFactory(product=product, packer_no="P09")
    SerialNumber.objects.create(serial="SN-77", product=product, batch=batch)
    case = _intake(agent, serial_no="SN-77")
    quality = make_user(Role.QUALITY)
    client.force_login(quality)
    page = client.get(f"/quality/trace/batches/{batch.pk}/").content.decode()
    assert 'data-testid="section-cases"' in page and case.number in page
    hits = trace_lookup(case.number, quality)
    assert [h["batch_id"] for h in hits] == [batch.pk]
    judgement = responsibility_judge(
        actor=quality, subject=case, verdict="manufacturer", reasoning="面板工艺缺陷", batch=batch
    )
    assert judgement.packer_no == "P09" and judgement.manufacturer_share == 1
    assert client.get(f"/quality/judgements/service.case/{case.pk}/").status_code == 200


def test_without_the_signed_link_nobody_answers_and_little_is_shown(client, agent, technician):
    case = _resolved(agent, technician)
    page = client.get("/service/track/", {"number": case.number, "phone": "5678"}).content.decode()
    assert "更换屏幕排线" not in page  # the solution is for the link's holder
    answered = client.post(
        f"/service/track/?number={case.number}&phone=5678", {"answer": "confirm"}
    )
    assert answered.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
