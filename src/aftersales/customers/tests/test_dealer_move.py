"""Security finding 15: after a customer changes dealer, every list row a dealer's person sees
opens (no 404 behind a link), and no dealer sees the other's records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.customers.models import DealerMember
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, api_as):
    from aftersales.catalog.tests.factories import ProductFactory
    from aftersales.sales import services as sales
    from aftersales.service.services.intake import IntakeInput, case_intake

    a, b = DealerFactory(code="a", name="甲经销商"), DealerFactory(code="b", name="乙经销商")
    person_a, person_b = (
        make_user(Role.DEALER, username="pa"),
        make_user(Role.DEALER, username="pb"),
    )
    DealerMember.objects.create(dealer=a, user=person_a)
    DealerMember.objects.create(dealer=b, user=person_b)
    customer = CustomerFactory(name="王小明", mobile="13912345678", dealer=a)
    tv = ProductFactory(sku="TV-1", list_price=Decimal("100.00"))
    case, _ = case_intake(
        actor=person_a,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name="王小明",
            customer_phone="13912345678",
            description="屏幕有横线",
        ),
    )
    order = sales.order_create(
        actor=person_a,
        customer=customer,
        lines=[sales.LineInput(tv, 1, Decimal("100.00"))],
        delivery_date=timezone.localdate() + timedelta(days=5),
        delivery_place="上海市",
        contact_phone="13912345678",
    )
    customer.dealer = b  # the customer moves to dealer B
    customer.save()
    return {"a": api_as(person_a), "b": api_as(person_b), "case": case, "order": order,
            "customer": customer}  # fmt: skip


def test_the_old_dealer_still_opens_what_it_handles(world):
    a = world["a"]
    cases = a.get("/api/v1/tickets/").json()["results"]
    assert [c["number"] for c in cases] == [world["case"].number]
    assert a.get(f"/api/v1/tickets/{world['case'].number}/").status_code == 200
    assert a.get(f"/api/v1/orders/{world['order'].pk}/").status_code == 200
    # The customer of its own open case stays reachable from it.
    assert a.get(f"/api/v1/customers/{world['customer'].pk}/").status_code == 200


def test_the_new_dealer_sees_the_customer_but_not_the_old_dealers_records(world):
    b = world["b"]
    assert b.get(f"/api/v1/customers/{world['customer'].pk}/").status_code == 200
    assert b.get("/api/v1/tickets/").json()["results"] == []
    assert b.get(f"/api/v1/tickets/{world['case'].number}/").status_code == 404
    assert b.get("/api/v1/orders/").json()["results"] == []
    assert b.get(f"/api/v1/orders/{world['order'].pk}/").status_code == 404


def test_every_listed_record_opens_for_each_dealer(world):
    for client in (world["a"], world["b"]):
        for path, key, detail in (
            ("/api/v1/tickets/", "number", "/api/v1/tickets/{}/"),
            ("/api/v1/orders/", "id", "/api/v1/orders/{}/"),
            ("/api/v1/customers/", "id", "/api/v1/customers/{}/"),
        ):
            for row in client.get(path).json()["results"]:
                assert client.get(detail.format(row[key])).status_code == 200, (path, row[key])
