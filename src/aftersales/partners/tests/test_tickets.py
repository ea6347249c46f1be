"""A partner's key on the intake contract: it takes cases in without a staff account and reads
what it took in, or its dealer's cases; another dealer's case is 404."""

import pytest

from aftersales.customers.tests.factories import CustomerFactory, dealer_user
from aftersales.sales.models import Order
from aftersales.service.models import Case
from aftersales.service.services.intake import IntakeInput, case_intake

from ..models import PartnerCase
from .conftest import intake_body

pytestmark = pytest.mark.django_db


def _staff_case(actor, **fields) -> Case:
    data = {
        "channel": "phone",
        "kind": "repair",
        "customer_name": "李四",
        "customer_phone": "13800000002",
        "description": "洗衣机漏水",
        **fields,
    }
    case, _created = case_intake(actor=actor, data=IntakeInput(**data))
    return case


def test_a_key_takes_a_case_in_and_reads_it_but_not_another_dealers(
    make_key, as_key, dealer_a, dealer_b, make_user
):
    _key, raw = make_key(["tickets:create", "tickets:read"], dealer=dealer_a)
    client = as_key(raw)
    made = client.post("/api/v1/tickets/", intake_body(), format="json")
    assert made.status_code == 201, made.json()
    number = made.json()["number"]
    case = Case.objects.get(number=number)
    # No staff member took it in; the key did, for its dealer.
    assert case.created_by is None and case.dealer == dealer_a
    assert PartnerCase.objects.get(case=case).key == _key
    assert case.customer.dealer == dealer_a
    # The partner reads it as the intake answered it; the phone comes masked (no person reads).
    detail = client.get(f"/api/v1/tickets/{number}/")
    assert detail.status_code == 200
    assert detail.json()["customer"]["phone"] == "139****5678"
    assert [c["number"] for c in client.get("/api/v1/tickets/").json()["results"]] == [number]

    # Another dealer's case is not there for it; its own dealer's case (taken in by the
    # dealer's people) is.
    other = _staff_case(dealer_user(make_user, dealer_b, username="b1"))
    own = _staff_case(dealer_user(make_user, dealer_a, username="a1"), customer_phone="13800000003")
    assert client.get(f"/api/v1/tickets/{other.number}/").status_code == 404
    assert client.get(f"/api/v1/tickets/{own.number}/").status_code == 200
    listed = {c["number"] for c in client.get("/api/v1/tickets/").json()["results"]}
    assert listed == {number, own.number}


def test_a_key_without_a_dealer_reads_only_what_it_took_in(make_key, as_key, make_user):
    from aftersales.accounts.roles import Role

    _key, raw = make_key(["tickets:create", "tickets:read"])
    client = as_key(raw)
    number = client.post("/api/v1/tickets/", intake_body(), format="json").json()["number"]
    company = _staff_case(make_user(Role.CUSTOMER_SERVICE))
    assert client.get(f"/api/v1/tickets/{company.number}/").status_code == 404
    assert [c["number"] for c in client.get("/api/v1/tickets/").json()["results"]] == [number]
    # A key of another partner does not see it either.
    _other, other_raw = make_key(["tickets:read"])
    assert as_key(other_raw).get(f"/api/v1/tickets/{number}/").status_code == 404


def test_idempotency_keys_are_the_keys_own(make_key, as_key):
    _a, raw_a = make_key(["tickets:create", "tickets:read"])
    _b, raw_b = make_key(["tickets:create", "tickets:read"])
    first = as_key(raw_a).post(
        "/api/v1/tickets/", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-77"
    )
    again = as_key(raw_a).post(
        "/api/v1/tickets/", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-77"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    # The same header from another partner is another request.
    other = as_key(raw_b).post(
        "/api/v1/tickets/", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="order-77"
    )
    assert other.status_code == 201 and other.json()["number"] != first.json()["number"]


def test_a_dealers_key_reaches_only_its_dealers_orders_and_customers(
    make_key, as_key, dealer_a, dealer_b, admin_user
):
    theirs = CustomerFactory(name="乙客户", mobile="13700000001", dealer=dealer_b)
    order = Order.objects.create(
        customer=theirs,
        dealer=dealer_b,
        delivery_date="2026-12-30",
        delivery_place="杭州",
        number="SO-20261201-0001",
        salesperson=admin_user,
    )
    _key, raw = make_key(["tickets:create", "tickets:read"], dealer=dealer_a)
    refused = as_key(raw).post(
        "/api/v1/tickets/", intake_body(order_no=order.number), format="json"
    )
    assert refused.status_code == 400 and "order_no" in refused.json()["fields"]
    # The other dealer's customer's phone makes a new customer of dealer A, not a match.
    made = as_key(raw).post(
        "/api/v1/tickets/",
        intake_body(customer={"name": "某人", "phone": "13700000001"}),
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["customer"]["id"] != theirs.pk


def test_orders_read_lists_the_dealers_orders(
    make_key, as_key, dealer_a, dealer_b, api_as, admin_user
):
    ours = CustomerFactory(name="甲客户", dealer=dealer_a)
    theirs = CustomerFactory(name="乙客户", dealer=dealer_b)
    for n, customer in enumerate((ours, theirs), start=1):
        Order.objects.create(
            customer=customer,
            dealer=customer.dealer,
            delivery_date="2026-12-30",
            delivery_place="上海",
            number=f"SO-20261201-000{n}",
            salesperson=admin_user,
        )
    _key, raw = make_key(["orders:read"], dealer=dealer_a)
    listed = as_key(raw).get("/api/v1/orders/")
    assert listed.status_code == 200
    assert [o["number"] for o in listed.json()["results"]] == ["SO-20261201-0001"]
    # orders:read is for a key that acts for a dealer.
    refused = api_as(admin_user).post(
        "/api/v1/partner-keys/", {"name": "平台", "scopes": ["orders:read"]}, format="json"
    )
    assert refused.status_code == 400 and "scopes" in refused.json()["fields"]
    # A key without orders:read may not list them.
    _t, tickets_only = make_key(["tickets:read"], dealer=dealer_a)
    assert as_key(tickets_only).get("/api/v1/orders/").json()["code"] == "missing_scope"
