"""The intake contract (docs/api.md, POST /api/v1/tickets/): field names, status codes,
idempotency, validation naming each field, matching the customer by phone (SVC-1, SVC-2)."""

from datetime import date

import pytest

from aftersales.catalog.models import SerialNumber
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.models import OutboundMessage
from aftersales.core.testing import soon
from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory

from ..models import Case
from .conftest import intake_body

pytestmark = pytest.mark.django_db


def test_a_phone_complaint_becomes_a_numbered_case_with_its_time_limits(api_as, agent):
    response = api_as(agent).post("/api/v1/tickets/", intake_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("TK-") and body["status"] == "new"
    # The preset policy (S3, S9, S10, S12): respond, verify, resolve.
    assert [s["target"] for s in body["sla"]] == ["response", "verification", "resolution"]
    assert {s["state"] for s in body["sla"]} == {"running"}
    # The customer is told the case number by SMS.
    sms = OutboundMessage.objects.get(to="13912345678")
    assert body["number"] in sms.body and "王小明" in sms.body


def test_the_customer_is_matched_by_phone_or_created(api_as, agent):
    known = CustomerFactory(name="李四", mobile="13800000001")
    first = api_as(agent).post(
        "/api/v1/tickets/",
        intake_body(customer={"name": "李先生", "phone": "138 0000 0001"}),
        format="json",
    )
    assert first.json()["customer"]["id"] == known.pk
    new = api_as(agent).post(
        "/api/v1/tickets/",
        intake_body(customer={"name": "赵六", "phone": "021-64001234"}),
        format="json",
    )
    created = Customer.objects.get(pk=new.json()["customer"]["id"])
    assert created.name == "赵六" and created.landline == "021-64001234"


def test_a_second_mobile_or_landline_finds_the_customer_and_a_mobile_wins(api_as, agent):
    """SVC-1: the caller's number may be any of the three on file; when it is one customer's
    mobile and another's second mobile, the mobile owner is the caller."""
    alt = CustomerFactory(name="钱七", mobile="13800000011", mobile_alt="13900000012")
    desk = CustomerFactory(name="孙八", mobile="13800000013", landline="010-88886666")

    def caller(phone):
        body = intake_body(customer={"name": "来电", "phone": phone})
        return api_as(agent).post("/api/v1/tickets/", body, format="json").json()["customer"]

    assert caller("13900000012")["id"] == alt.pk
    assert caller("010-88886666")["id"] == desk.pk
    owner = CustomerFactory(name="周九", mobile="13900000012")
    assert caller("13900000012")["id"] == owner.pk


def test_a_retried_request_with_the_same_key_returns_the_first_case(api_as, agent):
    client = api_as(agent)
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-20261128-0001"}
    first = client.post("/api/v1/tickets/", intake_body(), format="json", **headers)
    again = client.post("/api/v1/tickets/", intake_body(), format="json", **headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1
    other = client.post(
        "/api/v1/tickets/", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="call-2"
    )
    assert other.status_code == 201 and Case.objects.count() == 2


def test_a_key_reused_with_another_body_is_a_422(api_as, agent):
    """Security finding 15: the same Idempotency-Key with a different body silently answered
    with the first case; now it is refused, naming that case, and nothing is written."""
    client = api_as(agent)
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-20261128-0009"}
    first = client.post("/api/v1/tickets/", intake_body(), format="json", **headers)
    other = {**intake_body(), "description": "另一个问题：遥控器失灵"}
    reused = client.post("/api/v1/tickets/", other, format="json", **headers)
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert first.json()["number"] in reused.json()["message"]
    assert Case.objects.count() == 1


def test_bad_input_names_every_field_and_stores_nothing(api_as, agent):
    response = api_as(agent).post(
        "/api/v1/tickets/",
        {
            "channel": "pigeon",
            "kind": "complaint",
            "customer": {"name": "", "phone": "12345"},
            "description": "",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert {"channel", "customer.name", "description"} <= set(fields)
    assert not Case.objects.exists() and not Customer.objects.exists()


def test_a_bad_phone_or_unknown_serial_is_a_field_error(api_as, agent):
    response = api_as(agent).post(
        "/api/v1/tickets/",
        intake_body(customer={"name": "王", "phone": "12345"}, serial_no="NOPE"),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"customer.phone", "serial_no"}
    assert not Customer.objects.exists()


def test_shape_and_business_errors_come_in_one_answer(api_as, agent):
    """A wrong channel (the request's shape) and a bad phone and serial (the business checks)
    are named together, so the integrator fixes everything in one go; nothing is stored."""
    body = intake_body(channel="fax", customer={"name": "王", "phone": "12345"}, serial_no="NOPE")
    response = api_as(agent).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"channel", "customer.phone", "serial_no"}
    assert not Customer.objects.exists()
    missing = api_as(agent).post("/api/v1/tickets/", {"customer": "x"}, format="json")
    assert missing.status_code == 400 and "description" in missing.json()["fields"]


def test_the_serial_resolves_product_batch_and_purchase_date(api_as, agent):
    product = ProductFactory(sku="TV-55A1", name="55英寸电视")
    from aftersales.quality.tests.factories import BatchFactory

    batch = BatchFactory(product=product, packer_no="P07")
    SerialNumber.objects.create(
        serial="SN0001", product=product, batch=batch, warranty_start=date(2026, 10, 1)
    )
    body = (
        api_as(agent)
        .post("/api/v1/tickets/", intake_body(serial_no="sn0001"), format="json")
        .json()
    )
    assert body["product_sku"] == "TV-55A1" and body["batch_no"] == batch.batch_no
    assert body["purchase_date"] == "2026-10-01"
    case = Case.objects.get(number=body["number"])
    assert case.packer_no == "P07"  # SVC-9: ready for the responsibility judgement


def test_get_returns_the_same_shape_plus_the_timeline(api_as, agent):
    client = api_as(agent)
    number = client.post("/api/v1/tickets/", intake_body(), format="json").json()["number"]
    body = client.get(f"/api/v1/tickets/{number}/").json()
    assert body["number"] == number and body["sla"]
    assert [e["action"] for e in body["timeline"]] == ["created"]
    assert body["timeline"][0]["actor"] == "孙丽"


def test_a_dealer_sees_only_its_own_cases(api_as, agent, make_user):
    from aftersales.accounts.roles import Role
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory

    number = api_as(agent).post("/api/v1/tickets/", intake_body(), format="json").json()["number"]
    dealer_person = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=DealerFactory(), user=dealer_person)
    assert api_as(dealer_person).get(f"/api/v1/tickets/{number}/").status_code == 404
    own = api_as(dealer_person).post(
        "/api/v1/tickets/",
        intake_body(customer={"name": "钱七", "phone": "13700000007"}),
        format="json",
    )
    assert api_as(dealer_person).get(f"/api/v1/tickets/{own.json()['number']}/").status_code == 200


def test_the_case_list_searches_and_its_query_count_does_not_grow(api_as, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(agent)
    client.post("/api/v1/tickets/", intake_body(), format="json")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/tickets/", {"status": "open"}).status_code == 200
        return len(queries)

    count()
    one = count()
    for n in range(5):
        client.post(
            "/api/v1/tickets/",
            intake_body(customer={"name": f"客户{n}", "phone": f"1370000000{n}"}),
            format="json",
        )
    assert count() == one
    found = client.get("/api/v1/tickets/", {"q": "横线"}).json()
    assert found["count"] == 6 and found["results"][0]["sla"]
    assert client.get("/api/v1/tickets/", {"q": "漏水"}).json()["count"] == 0


def test_a_dealer_cannot_reach_another_dealers_order_through_intake(api_as, agent, make_user):
    from aftersales.accounts.roles import Role
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory
    from aftersales.sales.models import Order

    theirs = CustomerFactory(name="别家客户", mobile="13500000005", dealer=DealerFactory())
    order = Order.objects.create(
        number="SO-T-1",
        customer=theirs,
        salesperson=agent,
        delivery_date=soon(),
        delivery_place="上海",
    )
    person = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=DealerFactory(), user=person)
    response = api_as(person).post(
        "/api/v1/tickets/", intake_body(order_no=order.number), format="json"
    )
    assert response.status_code == 400 and "order_no" in response.json()["fields"]


def test_intake_query_count_is_pinned(api_as, agent, django_assert_max_num_queries):
    """W1: a new case with a new customer, its clocks, routing and the customer's message in a
    fixed number of queries, however many cases exist."""
    client = api_as(agent)
    client.post("/api/v1/tickets/", intake_body(), format="json")  # warm caches (content types)
    with django_assert_max_num_queries(30):
        response = client.post(
            "/api/v1/tickets/",
            intake_body(customer={"name": "赵六", "phone": "13600000006"}),
            format="json",
        )
    assert response.status_code == 201 and response.json()["sla"]
