"""Issue 17 item 6: shipping a serial-tracked product takes its serial numbers, one per unit,
typed or scanned; each an existing unit of that batch and product, not sold, not shipped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, SerialNumber
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales import services
from aftersales.sales.models import Order, ShipmentLine

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock():
    tv = ProductFactory(sku="TV-55", name="55英寸电视", serial_tracked=True)
    fridge = ProductFactory(sku="FR-1", name="冰箱", serial_tracked=True)
    ok = Batch.objects.create(
        product=tv, batch_no="B-OK", production_date=date(2026, 10, 1), quality_status="passed"
    )
    other = Batch.objects.create(
        product=tv, batch_no="B-TWO", production_date=date(2026, 10, 2), quality_status="passed"
    )
    cold = Batch.objects.create(
        product=fridge, batch_no="F-OK", production_date=date(2026, 10, 1), quality_status="passed"
    )
    for n in range(1, 6):
        SerialNumber.objects.create(serial=f"SN{n}", product=tv, batch=ok)
    SerialNumber.objects.create(serial="SN-TWO-1", product=tv, batch=other)
    SerialNumber.objects.create(serial="FR-0001", product=fridge, batch=cold)
    SerialNumber.objects.create(
        serial="SN-SOLD", product=tv, batch=ok, owner=CustomerFactory(name="李秀英")
    )
    return {"tv": tv, "ok": ok, "other": other}


@pytest.fixture
def approved(make_user, stock):
    seller = make_user(Role.SALES)

    def make(quantity=2):
        order = services.order_create(
            actor=seller,
            customer=CustomerFactory(name="王小明", mobile="13812345678"),
            lines=[services.LineInput(stock["tv"], quantity, Decimal("100.00"))],
            delivery_date=soon(),
            delivery_place="上海",
        )
        return services.order_submit(actor=seller, order=order)

    return make


@pytest.fixture
def warehouse(make_user):
    return make_user(Role.LOGISTICS)


def ship(api, order, serials, quantity=2, batch=None):
    line = order.lines.get()
    body = {"order_line": line.pk, "batch": batch.pk, "quantity": quantity}
    if serials is not None:
        body["serials"] = serials
    return api.post(f"/api/v1/orders/{order.pk}/shipments/", {"lines": [body]}, format="json")


@pytest.mark.parametrize(
    ("serials", "named"),
    [
        (None, "2"),  # none given: one per unit is asked for
        (["SN1"], "2"),  # too few
        (["SN1", "NOPE-9"], "NOPE-9"),  # unknown, named
        (["SN1", "SN-TWO-1"], "SN-TWO-1"),  # another batch of the product
        (["SN1", "FR-0001"], "FR-0001"),  # another product
        (["SN1", "SN-SOLD"], "SN-SOLD"),  # already sold
        (["SN1", "sn1"], "SN1"),  # the same unit twice
    ],
)
def test_a_serial_tracked_line_needs_its_own_units(
    api_as, warehouse, approved, stock, serials, named
):
    order = approved()
    response = ship(api_as(warehouse), order, serials, batch=stock["ok"])
    assert response.status_code == 400, response.json()
    assert list(response.json()["fields"]) == ["lines[0].serials"]
    assert named in " ".join(response.json()["fields"]["lines[0].serials"])
    assert not ShipmentLine.objects.exists()


def test_a_unit_ships_once(api_as, warehouse, approved, stock):
    api = api_as(warehouse)
    first = ship(api, approved(), ["SN1", "SN2"], batch=stock["ok"])
    assert first.status_code == 201, first.json()
    assert first.json()["lines"][0]["serials"] == ["SN1", "SN2"]
    again = ship(api, approved(), ["SN2", "SN3"], batch=stock["ok"])
    assert again.status_code == 400
    assert "SN2" in again.json()["fields"]["lines[0].serials"][0]


def test_serials_as_scanned_or_typed_are_read_as_stored(api_as, warehouse, approved, stock):
    """Full-width characters from a Chinese keyboard and lower case are the same serial."""
    response = ship(api_as(warehouse), approved(), ["ｓｎ１", " sn2 "], batch=stock["ok"])
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["lines"][0]["serials"]) == ["SN1", "SN2"]


def test_the_serials_text_area_takes_one_per_line_or_separated():
    assert services.serials_from_text("SN1\r\nsn2\n\n SN3 ,SN4；SN5") == (
        "SN1",
        "SN2",
        "SN3",
        "SN4",
        "SN5",
    )


def test_the_page_ships_scanned_serials_and_keeps_them_when_refused(
    client, warehouse, approved, stock
):
    order = approved()
    line = order.lines.get()
    client.force_login(warehouse)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'name="serials-{line.pk}"' in page  # asked for, one text area per line
    refused = client.post(
        f"/orders/{order.pk}/ship/",
        {
            f"batch-{line.pk}": stock["ok"].pk,
            f"qty-{line.pk}": "2",
            f"serials-{line.pk}": "SN1\nFAKE-0000\n",
            "documents": ["contract"],
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "FAKE-0000" in html and 'data-testid="ship-line-error"' in html
    assert "SN1\nFAKE-0000" in html  # what was scanned is still there
    shipped = client.post(
        f"/orders/{order.pk}/ship/",
        {
            f"batch-{line.pk}": stock["ok"].pk,
            f"qty-{line.pk}": "2",
            f"serials-{line.pk}": "SN1\r\nSN2\r\n",  # a scanner presses Enter after each
            "documents": ["contract"],
        },
    )
    assert shipped.status_code == 302
    row = ShipmentLine.objects.get()
    assert sorted(s.serial for s in row.serials.all()) == ["SN1", "SN2"]
    assert Order.objects.get(pk=order.pk).status == "shipped"
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="shipped-serials"' in page and "SN1, SN2" in page


def test_twenty_units_are_checked_in_a_few_queries(
    api_as, warehouse, make_user, stock, django_assert_max_num_queries
):
    tv = stock["tv"]
    for n in range(10, 30):
        SerialNumber.objects.create(serial=f"BULK-{n}", product=tv, batch=stock["ok"])
    seller = make_user(Role.SALES)
    order = services.order_create(
        actor=seller,
        customer=CustomerFactory(),
        lines=[services.LineInput(tv, 20, tv.list_price)],
        delivery_date=soon(),
        delivery_place="上海",
    )
    order = services.order_submit(actor=seller, order=order)
    serials = [f"BULK-{n}" for n in range(10, 30)]
    with django_assert_max_num_queries(60):
        response = ship(api_as(warehouse), order, serials, quantity=20, batch=stock["ok"])
    assert response.status_code == 201, response.json()
