"""Issue 17 item 7: an exchange's replacement is a real unit in stock. A serial nobody
registered, another product's, one from a batch not released, or one already sold is refused
with 409 naming it, and no 三包 certificate is issued for it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.catalog.models import SerialNumber, Supplier
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.warranty.models import Application, WarrantyCard
from aftersales.warranty.services import applications as flow
from aftersales.warranty.tests.stock import stock_unit

pytestmark = pytest.mark.django_db


def _step(client, number, action, **body):
    return client.post(f"/api/v1/warranty/applications/{number}/{action}/", body, format="json")


@pytest.fixture
def exchange(api_as, agent, reviewer, logistics, tv_case):
    """An approved exchange whose faulty TV is back in the warehouse."""
    app = api_as(agent).post(
        "/api/v1/warranty/applications/",
        {"case": tv_case.number, "requested": "exchange", "price": "2999.00"},
        format="json",
    )
    assert app.status_code == 201, app.json()
    number = app.json()["number"]
    boss, wh = api_as(reviewer), api_as(logistics)
    assert _step(boss, number, "approve", remedy="exchange").status_code == 200
    _step(boss, number, "plan_answer", agree=True, via="phone", note="客户来电同意")
    _step(
        boss,
        number,
        "request_goods",
        return_address="仓库",
        return_contact="赵",
        return_phone="021-1",
    )
    assert _step(wh, number, "receive", intact=True, disposition="quarantine").status_code == 200
    return {"number": number, "wh": wh, "tv": tv_case.product}


def refused(response, serial: str) -> str:
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "replacement_serial_refused"
    assert serial in body["message"] and serial in body["fields"]["replacement_serial"][0]
    return body["message"]


def test_an_unknown_serial_is_refused_with_409_and_no_certificate(exchange):
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="FAKE-0000"
    )
    refused(response, "FAKE-0000")
    assert not SerialNumber.objects.filter(serial="FAKE-0000").exists()
    assert not WarrantyCard.objects.filter(serial__serial="FAKE-0000").exists()
    assert Application.objects.get(number=exchange["number"]).status == "goods_received"


def test_a_serial_of_another_product_is_refused(exchange):
    fridge = ProductFactory(sku="FR-1", name="冰箱", serial_tracked=True)
    stock_unit(fridge, "FR-0001")
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="FR-0001"
    )
    refused(response, "FR-0001")


@pytest.mark.parametrize("status", ["pending", "failed"])
def test_a_serial_of_a_batch_not_released_is_refused(exchange, status):
    stock_unit(exchange["tv"], "TV-WAIT-1", quality_status=status)
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="TV-WAIT-1"
    )
    refused(response, "TV-WAIT-1")


def test_a_unit_released_by_exception_may_replace(exchange):
    stock_unit(exchange["tv"], "TV-REL-1", quality_status="released_by_exception")
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="tv-rel-1"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["replacement_serial"] == "TV-REL-1"


def test_a_sold_unit_is_refused(exchange):
    unit = stock_unit(exchange["tv"], "TV-SOLD-1")
    unit.owner = CustomerFactory(name="李秀英")
    unit.save()
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="TV-SOLD-1"
    )
    refused(response, "TV-SOLD-1")


def test_a_unit_on_its_way_to_another_customer_is_refused(exchange, make_user):
    """Shipped but not yet delivered: it has no owner yet, and it is still sold."""
    from aftersales.accounts.roles import Role
    from aftersales.core.testing import soon
    from aftersales.sales import services as sales

    unit = stock_unit(exchange["tv"], "TV-ROAD-1")
    seller = make_user(Role.SALES)
    order = sales.order_create(
        actor=seller,
        customer=CustomerFactory(name="李秀英"),
        lines=[sales.LineInput(exchange["tv"], 1, Decimal("2999.00"))],
        delivery_date=soon(),
        delivery_place="上海",
    )
    order = sales.order_submit(actor=seller, order=order)
    sales.shipment_create(
        actor=make_user(Role.LOGISTICS),
        order=order,
        lines=[sales.ShipInput(order.lines.get(), unit.batch, 1, ("TV-ROAD-1",))],
    )
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="TV-ROAD-1"
    )
    refused(response, "TV-ROAD-1")


def test_a_unit_in_stock_is_exchanged_with_a_new_certificate(exchange):
    stock_unit(exchange["tv"], "TV-OK-1")
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="ＴＶ-ok-1"
    )  # full width, lower case
    assert response.status_code == 200, response.json()
    unit = SerialNumber.objects.get(serial="TV-OK-1")
    assert unit.owner is not None
    assert WarrantyCard.objects.filter(serial=unit, void=False).exists()


def test_a_higher_specification_only_where_the_policy_promises_one(agent, reviewer, logistics, tv):
    """The simple rule: a product of the same family (category and maker) at no lower list
    price, where the application's policy promises an exchange for 相同或更高规格 (the
    sales-contract preset's S11 一、3); under the national rules the replacement is the same
    product. The unit shipped is the one the handling plan named (WAR-7)."""
    bigger = ProductFactory(
        sku="TV-65X",
        name="65 寸智能电视",
        category=tv.category,
        manufacturer=tv.manufacturer,
        list_price=Decimal("3999.00"),
        serial_tracked=True,
    )
    cheaper = ProductFactory(
        sku="TV-43X",
        name="43 寸智能电视",
        category=tv.category,
        manufacturer=tv.manufacturer,
        list_price=Decimal("1999.00"),
        serial_tracked=True,
    )
    other_maker = ProductFactory(
        sku="TV-65Z",
        category=tv.category,
        manufacturer=Supplier.objects.create(code="other-maker", name="另一家电视厂"),
        list_price=Decimal("3999.00"),
        serial_tracked=True,
    )
    big_unit, small_unit = stock_unit(bigger, "TV65-1"), stock_unit(cheaper, "TV43-1")
    national = Application(product=tv, policy_key="national")
    contract = Application(product=tv, policy_key="s5-s11-contract")
    assert flow.higher_specification_allowed(contract, bigger)
    assert not flow.higher_specification_allowed(contract, cheaper)
    assert not flow.higher_specification_allowed(contract, other_maker)
    assert not flow.higher_specification_allowed(national, bigger)
    # Without a plan naming it, the bigger unit is not the replacement.
    assert "TV65-1" in flow.replacement_problem(contract, big_unit, "TV65-1")
    contract.replacement_product = bigger
    assert flow.replacement_problem(contract, big_unit, "TV65-1") is None
    assert "TV43-1" in flow.replacement_problem(contract, small_unit, "TV43-1")
    assert "TV65-1" in flow.replacement_problem(national, big_unit, "TV65-1")


def test_the_page_shows_the_refusal_and_keeps_the_step(client, exchange, logistics):
    app = Application.objects.get(number=exchange["number"])
    client.force_login(logistics)
    response = client.post(
        f"/warranty/{app.number}/ship_replacement/",
        {"version": app.version, "replacement_serial": "FAKE-0000"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "FAKE-0000" in html
    assert Application.objects.get(pk=app.pk).status == "goods_received"


def test_a_higher_specification_unit_is_shipped_with_its_own_certificate(exchange, tv):
    """S11 一、3 end to end: under the sales-contract policy the bigger TV goes out, and the
    new 三包 certificate (R10) is for the product actually handed over."""
    app = Application.objects.get(number=exchange["number"])
    bigger = ProductFactory(
        sku="TV-65Y",
        name="65 寸智能电视",
        category=tv.category,
        manufacturer=tv.manufacturer,
        list_price=tv.list_price + Decimal("1000.00"),
        serial_tracked=True,
    )
    # The plan the customer agreed to named the bigger TV (test_handling_plan covers it).
    app.policy_key = "s5-s11-contract"
    app.replacement_product = bigger
    app.save(update_fields=["policy_key", "replacement_product"])
    stock_unit(bigger, "TV65-Y1")
    response = _step(
        exchange["wh"], exchange["number"], "ship_replacement", replacement_serial="TV65-Y1"
    )
    assert response.status_code == 200, response.json()
    card = WarrantyCard.objects.get(serial__serial="TV65-Y1", void=False)
    assert card.product == bigger
