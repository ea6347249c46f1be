"""The customer answers a quotation on the signed page of their case (WAR-9: paid work waits
for the customer's acceptance)."""

from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.repairs.models import ServiceRate, WorkOrder
from aftersales.repairs.services import charges
from aftersales.repairs.services.work_orders import work_order_from_case
from aftersales.service.models import Case
from aftersales.service.services.tracking import tracking_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def quoted(make_user, api_as, customer, dispatcher):
    ServiceRate.objects.create(kind="labour_hour", amount=Decimal("80.00"))
    agent = make_user(Role.CUSTOMER_SERVICE)
    body = {
        "channel": "phone", "kind": "repair", "description": "空调不制冷（已过保修期）",
        "customer": {"name": customer.name, "phone": customer.mobile},
    }  # fmt: skip
    number = api_as(agent).post("/api/v1/tickets/", body, format="json").json()["number"]
    case = Case.objects.get(number=number)
    wo = work_order_from_case(actor=dispatcher, case=case, kind="onsite_repair")
    WorkOrder.objects.filter(pk=wo.pk).update(in_warranty=False, status="in_progress")
    wo.refresh_from_db()
    charges.charge_add(actor=dispatcher, work_order=wo, kind="labour", quantity="2")
    charges.quote_send(actor=dispatcher, work_order=wo)
    return case, wo


def test_the_customer_accepts_the_quotation_on_their_page(client, quoted):
    case, wo = quoted
    token = tracking_token(case)
    page = client.get(f"/service/track/?t={token}").content.decode()
    assert "¥160.00" in page and wo.get_kind_display() in page
    response = client.post(
        "/service/track/", {"t": token, "answer": "quote_accept", "work_order": wo.number}
    )
    assert response.status_code == 302
    wo.refresh_from_db()
    assert wo.quote_accepted_at is not None
    assert not charges.quote_needed(wo)
    assert wo.events.filter(action="quote_accept").exists()


def test_declining_drops_the_paid_work(client, quoted):
    case, wo = quoted
    client.post(
        "/service/track/",
        {"t": tracking_token(case), "answer": "quote_decline", "work_order": wo.number},
    )
    wo.refresh_from_db()
    assert wo.quote_declined_at is not None and wo.charge_total == Decimal("0.00")


def test_another_cases_link_cannot_answer(client, quoted, make_user, api_as, customer):
    _case, wo = quoted
    body = {
        "channel": "phone", "kind": "complaint", "description": "另一个问题",
        "customer": {"name": customer.name, "phone": customer.mobile},
    }  # fmt: skip
    other = api_as(make_user(Role.CUSTOMER_SERVICE)).post("/api/v1/tickets/", body, format="json")
    other_case = Case.objects.get(number=other.json()["number"])
    client.post(
        "/service/track/",
        {"t": tracking_token(other_case), "answer": "quote_accept", "work_order": wo.number},
    )
    wo.refresh_from_db()
    assert wo.quote_accepted_at is None
