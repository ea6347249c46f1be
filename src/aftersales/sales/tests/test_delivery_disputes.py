"""Issue 17 item 5: goods not accepted at delivery have a way forward. The order names the
after-sales case the problem opened; the warehouse sends the units again, or sales credits
them; the order is accepted once nothing is left open, and only then closes. The customer's
tracking page shows the dispute, not a green "accepted"."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, SerialNumber
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.models import FollowUp
from aftersales.sales import services
from aftersales.sales.models import DisputeResolution, Order, OrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return {
        "sales": make_user(Role.SALES, username="sales1"),
        "warehouse": make_user(Role.LOGISTICS, username="wh1"),
        "cs": make_user(Role.CUSTOMER_SERVICE, username="cs1"),
    }


@pytest.fixture
def tv():
    tv = ProductFactory(sku="TV-55", name="55英寸电视", serial_tracked=True)
    batch = Batch.objects.create(
        product=tv, batch_no="B-OK", production_date=date(2026, 10, 1), quality_status="passed"
    )
    for n in range(1, 9):
        SerialNumber.objects.create(serial=f"SN{n}", product=tv, batch=batch)
    tv.stock_batch = batch
    return tv


def disputed(team, tv, *, accepted=1, quantity=3, problem="damage"):
    """An order of ``quantity`` TVs at 3,000, delivered, ``accepted`` of them accepted."""
    customer = CustomerFactory(name="王小明", mobile="13812345678")
    order = services.order_create(
        actor=team["sales"],
        customer=customer,
        lines=[services.LineInput(tv, quantity, Decimal("3000.00"))],
        delivery_date=soon(),
        delivery_place="上海",
    )
    order = services.order_submit(actor=team["sales"], order=order)
    shipment = services.shipment_create(
        actor=team["warehouse"],
        order=order,
        lines=[
            services.ShipInput(
                order.lines.get(),
                tv.stock_batch,
                quantity,
                tuple(f"SN{n}" for n in range(1, quantity + 1)),
            )
        ],
    )
    services.shipment_deliver(actor=team["warehouse"], shipment=shipment)
    row = shipment.lines.get()
    services.shipment_accept(
        actor=team["warehouse"],
        shipment=shipment,
        lines=[services.AcceptInput(row, accepted, problem, "外箱压坏，屏幕碎裂")],
    )
    order.refresh_from_db()
    return order, shipment, shipment.lines.get()


def test_the_order_names_the_case_and_shows_labels_not_codes(client, team, tv):
    from aftersales.service.models import Case

    order, _shipment, row = disputed(team, tv)
    assert order.status == "accepted_with_issues"
    case = Case.objects.get(order_id=order.pk)
    assert row.case_number == case.number
    client.force_login(team["sales"])
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/service/cases/{case.number}/"' in html and 'data-testid="dispute-case"' in html
    assert "破损" in html and ">damage<" not in html and "damage 外箱" not in html
    assert 'data-testid="credit-form"' in html  # the seller's next step
    assert 'data-testid="reship-form"' not in html  # the warehouse's
    assert 'data-testid="action-close"' not in html  # nothing closes while units are open
    client.force_login(team["warehouse"])
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="reship-form"' in html and 'data-testid="credit-form"' not in html


def test_sending_again_goes_through_delivery_and_acceptance_to_closed(api_as, team, tv):
    order, _shipment, row = disputed(team, tv, accepted=1, quantity=3)  # 2 units open
    wh, sales = api_as(team["warehouse"]), api_as(team["sales"])
    too_many = wh.post(
        f"/api/v1/orders/{order.pk}/reship/",
        {
            "lines": [
                {
                    "shipment_line": row.pk,
                    "batch": tv.stock_batch.pk,
                    "quantity": 3,
                    "serials": ["SN4", "SN5", "SN6"],
                }
            ]
        },
        format="json",
    )
    assert too_many.status_code == 400 and list(too_many.json()["fields"]) == ["lines[0].quantity"]
    by_sales = sales.post(
        f"/api/v1/orders/{order.pk}/reship/",
        {"lines": [{"shipment_line": row.pk, "batch": tv.stock_batch.pk, "quantity": 1}]},
        format="json",
    )
    assert by_sales.status_code == 403  # the warehouse ships
    again = wh.post(
        f"/api/v1/orders/{order.pk}/reship/",
        {
            "lines": [
                {
                    "shipment_line": row.pk,
                    "batch": tv.stock_batch.pk,
                    "quantity": 2,
                    "serials": ["SN4", "SN5"],
                }
            ],
            "note": "补发两台",
        },
        format="json",
    )
    assert again.status_code == 201, again.json()
    assert again.json()["lines"][0]["serials"] == ["SN4", "SN5"]
    order.refresh_from_db()
    assert order.status == "shipped"
    line = order.lines.get()
    assert (line.shipped_quantity, line.accepted_quantity) == (3, 1)  # the order's quantities
    resolution = DisputeResolution.objects.get()
    assert (resolution.kind, resolution.quantity, resolution.reship.number) == (
        "reship",
        2,
        again.json()["number"],
    )
    second = order.shipments.get(number=again.json()["number"])
    services.shipment_deliver(actor=team["warehouse"], shipment=second)
    order.refresh_from_db()
    assert order.status == "delivered"
    assert FollowUp.objects.filter(order=order).count() == 1  # one satisfaction call
    services.shipment_accept(
        actor=team["warehouse"],
        shipment=second,
        lines=[services.AcceptInput(second.lines.get(), 2)],
    )
    order.refresh_from_db()
    assert order.status == "accepted" and order.lines.get().accepted_quantity == 3
    assert sales.post(f"/api/v1/orders/{order.pk}/close/", {}, format="json").json()["status"] == (
        "closed"
    )
    statuses = list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True))
    assert statuses[statuses.index("accepted_with_issues") :] == [
        "accepted_with_issues",
        "shipped",
        "delivered",
        "accepted",
        "closed",
    ]


def test_crediting_settles_the_dispute_part_by_part(api_as, team, tv):
    order, _shipment, row = disputed(team, tv, accepted=1, quantity=3)
    sales, wh = api_as(team["sales"]), api_as(team["warehouse"])
    closing = sales.post(f"/api/v1/orders/{order.pk}/close/", {}, format="json")
    assert closing.status_code == 409 and closing.json()["code"] == "dispute_open"
    assert (
        wh.post(
            f"/api/v1/orders/{order.pk}/credit/",
            {"shipment_line": row.pk, "quantity": 1},
            format="json",
        ).status_code
        == 403
    )
    too_many = sales.post(
        f"/api/v1/orders/{order.pk}/credit/",
        {"shipment_line": row.pk, "quantity": 3},
        format="json",
    )
    assert too_many.status_code == 400 and list(too_many.json()["fields"]) == ["quantity"]
    part = sales.post(
        f"/api/v1/orders/{order.pk}/credit/",
        {"shipment_line": row.pk, "quantity": 1, "note": "客户同意退一台"},
        format="json",
    ).json()
    assert part["status"] == "accepted_with_issues"
    assert (part["disputes"][0]["settled"], part["disputes"][0]["open"]) == (1, 1)
    assert part["disputes"][0]["resolutions"][0]["amount"] == "3000.00"
    rest = sales.post(
        f"/api/v1/orders/{order.pk}/credit/",
        {"shipment_line": row.pk, "quantity": 1},
        format="json",
    ).json()
    assert rest["status"] == "accepted" and rest["disputes"][0]["open"] == 0
    again = sales.post(
        f"/api/v1/orders/{order.pk}/credit/",
        {"shipment_line": row.pk, "quantity": 1},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "no_open_dispute"
    assert sales.post(f"/api/v1/orders/{order.pk}/close/", {}, format="json").status_code == 200


def test_one_unit_sent_again_and_one_credited_through_the_pages(client, team, tv):
    order, shipment, row = disputed(team, tv, accepted=1, quantity=3)
    client.force_login(team["warehouse"])
    response = client.post(
        f"/orders/{order.pk}/reship/",
        {
            f"reship-batch-{row.pk}": tv.stock_batch.pk,
            f"reship-qty-{row.pk}": "1",
            f"reship-serials-{row.pk}": "SN1\n",  # delivered already: refused, kept
        },
    )
    assert response.status_code == 400
    assert "SN1" in response.content.decode()
    response = client.post(
        f"/orders/{order.pk}/reship/",
        {
            f"reship-batch-{row.pk}": tv.stock_batch.pk,
            f"reship-qty-{row.pk}": "1",
            f"reship-serials-{row.pk}": "SN6\n",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"
    second = order.shipments.exclude(pk=shipment.pk).get()
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="sent-again-for"' in html and shipment.number in html
    services.shipment_deliver(actor=team["warehouse"], shipment=second)
    services.shipment_accept(
        actor=team["warehouse"],
        shipment=second,
        lines=[services.AcceptInput(second.lines.get(), 1)],
    )
    order.refresh_from_db()
    assert order.status == "accepted_with_issues"  # one unit is still open
    client.force_login(team["sales"])
    response = client.post(
        f"/orders/{order.pk}/credit/", {"shipment_line": row.pk, "quantity": "1", "note": "退款"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "accepted"
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="dispute-settled"' in html and 'data-testid="action-close"' in html
    assert html.count('data-testid="resolution"') == 2
    assert "¥3000.00" in html  # the credit, on the dispute and on the timeline


def test_accepted_in_full_with_a_remark_is_accepted(team, tv):
    """Every unit taken, a scratch noted: the case follows the remark; nothing to settle."""
    order, _shipment, row = disputed(team, tv, accepted=3, quantity=3, problem="damage")
    assert row.case_number
    assert order.status == "accepted"


def test_an_order_left_accepted_with_issues_by_a_remark_only_still_closes(team, tv):
    """Orders accepted in full with a remark before disputes were settled by quantity kept
    the status "accepted with issues": with nothing open they close (no dead end)."""
    order, _shipment, _row = disputed(team, tv, accepted=3, quantity=3)
    Order.objects.filter(pk=order.pk).update(status="accepted_with_issues")
    order.refresh_from_db()
    order = services.order_close(actor=team["sales"], order=order)
    assert order.status == "closed"


def test_nothing_to_settle_is_refused(api_as, team, tv):
    order, _shipment, row = disputed(team, tv, accepted=3, quantity=3)
    response = api_as(team["warehouse"]).post(
        f"/api/v1/orders/{order.pk}/reship/",
        {"lines": [{"shipment_line": row.pk, "batch": tv.stock_batch.pk, "quantity": 1}]},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "no_open_dispute"


def test_the_tracking_page_shows_the_dispute_not_a_green_acceptance(client, team, tv):
    order, _shipment, row = disputed(team, tv, accepted=1, quantity=3, problem="shortage")
    html = client.get("/orders/track/", {"number": order.number, "phone": "5678"}).content.decode()
    assert 'data-testid="track-dispute"' in html
    assert 'data-step="problem"' in html
    assert "短少" in html and row.case_number in html
    assert "王小明" not in html
    services.dispute_credit(actor=team["sales"], order=order, shipment_line=row, quantity=2)
    html = client.get("/orders/track/", {"number": order.number, "phone": "5678"}).content.decode()
    assert 'data-step="problem"' not in html and "alert-success" in html


def test_the_tracking_link_shows_no_error_before_the_phone_is_typed(client, team, tv):
    order, _shipment, _row = disputed(team, tv)
    for params in ({}, {"number": order.number}):
        response = client.get("/orders/track/", params)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="track-none"' not in html and "alert-warning" not in html
    assert (
        f'value="{order.number}"'
        in client.get("/orders/track/", {"number": order.number}).content.decode()
    )
    wrong = client.get("/orders/track/", {"number": order.number, "phone": "0000"})
    assert 'data-testid="track-none"' in wrong.content.decode()


def test_the_timeline_shows_what_became_of_the_goods(client, team, tv):
    order, _shipment, row = disputed(team, tv, accepted=2, quantity=3)
    services.dispute_credit(
        actor=team["sales"], order=order, shipment_line=row, quantity=1, note="客户同意"
    )
    client.force_login(team["sales"])
    html = client.get(f"/orders/{order.pk}/").content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    assert "客户同意" in timeline and "3000.00" in timeline
