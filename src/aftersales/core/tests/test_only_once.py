"""Every "only once" rule under concurrency, on PostgreSQL (security findings 6, 7, 15; the
numbering test lives in test_numbering.py): twenty requests at the same moment, one result.

SQLite serialises writing transactions, so these races only exist on PostgreSQL; CI runs the
suite there too.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.core.errors import ApplicationError

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and races are only meaningful on PostgreSQL (CI runs this there)")


def at_once(n: int, work) -> tuple[list, list[BaseException]]:
    """Run ``work(i)`` in ``n`` threads released together; results and the domain errors."""
    start = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def run(i):
        try:
            start.wait()
            value = work(i)
            with lock:
                results.append(value)
        except ApplicationError as exc:
            with lock:
                errors.append(exc)
        except BaseException as exc:  # anything else fails the test below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    unexpected = [e for e in errors if not isinstance(e, ApplicationError)]
    assert not unexpected, unexpected
    return results, errors


def test_one_serial_ships_once_whatever_the_orders(make_user):
    """Finding 6: twenty shipments of one serial on two customers' orders make one."""
    from aftersales.catalog.models import Batch, SerialNumber
    from aftersales.catalog.tests.factories import ProductFactory
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.sales import services as sales
    from aftersales.sales.models import ShipmentLine

    seller = make_user(Role.SALES, username="s1")
    vp = make_user(Role.SALES_VP, username="vp1")
    keeper = make_user(Role.LOGISTICS, username="wh1")
    tv = ProductFactory(sku="TV-1", serial_tracked=True, list_price=Decimal("100.00"))
    batch = Batch.objects.create(
        product=tv,
        batch_no="B1",
        production_date=date(2026, 10, 1),
        quality_status=Batch.QualityStatus.PASSED,
    )
    serial = SerialNumber.objects.create(serial="SN-RACE", product=tv, batch=batch)
    orders = []
    for k in range(20):
        order = sales.order_create(
            actor=seller,
            customer=CustomerFactory(mobile=f"1390000{k:04d}"),
            lines=[sales.LineInput(tv, 1, Decimal("100.00"))],
            delivery_date=timezone.localdate() + timedelta(days=10),
            delivery_place="上海市徐汇区漕溪北路88号",
            contact_phone="13900000000",
        )
        order = sales.order_submit(actor=seller, order=order)
        if order.status != "approved":
            order = sales.order_approve(actor=vp, order=order)
        orders.append(order)

    def ship(i):
        order = orders[i]
        return sales.shipment_create(
            actor=keeper,
            order=order,
            lines=[sales.ShipInput(order.lines.get(), batch, 1, (serial,))],
        )

    shipped, refused = at_once(20, ship)
    assert len(shipped) == 1 and len(refused) == 19
    assert ShipmentLine.objects.filter(serials=serial).count() == 1


def test_one_open_application_per_case(make_user):
    """Finding 7: twenty applications on one case make one; the others are 409."""
    from aftersales.catalog.tests.factories import CategoryFactory, ProductFactory
    from aftersales.service.services.intake import IntakeInput, case_intake
    from aftersales.warranty.models import Application
    from aftersales.warranty.services.applications import application_from_case

    agent = make_user(Role.CUSTOMER_SERVICE, username="cs1")
    category = CategoryFactory(code="tv", name="电视", sanbao_category="彩色电视机")
    ProductFactory(sku="TV-55X", category=category, list_price=Decimal("2999.00"))
    case, _ = case_intake(
        actor=agent,
        data=IntakeInput(
            channel="phone",
            kind="return",
            customer_name="王小明",
            customer_phone="13912345678",
            description="屏幕有横线",
            product_sku="TV-55X",
            purchase_date=timezone.localdate() - timedelta(days=3),
        ),
    )

    def apply(i):
        return application_from_case(
            actor=agent, case=case, requested="return", price=Decimal("2999.00")
        )

    made, refused = at_once(20, apply)
    assert len(made) == 1
    assert {e.code for e in refused} == {"already_applied"}
    assert Application.objects.filter(case=case).count() == 1


def test_one_customer_per_new_phone_at_intake(make_user):
    """Finding 15: concurrent first calls from one number make one customer."""
    from aftersales.customers.models import Customer
    from aftersales.service.models import Case
    from aftersales.service.services.intake import IntakeInput, case_intake

    agent = make_user(Role.CUSTOMER_SERVICE, username="cs1")

    def intake(i):
        return case_intake(
            actor=agent,
            data=IntakeInput(
                channel="phone",
                kind="complaint",
                customer_name="李四",
                customer_phone="13700001111",
                description=f"第 {i} 次来电",
            ),
        )

    made, refused = at_once(20, intake)
    assert len(made) == 20 and not refused
    assert Customer.objects.filter(mobile="13700001111").count() == 1
    assert Case.objects.values("customer").distinct().count() == 1


def test_stock_never_goes_negative(make_user):
    """Twenty technicians taking the last five parts: five succeed."""
    from aftersales.repairs.models import Location, SparePart, Stock
    from aftersales.repairs.services import parts

    keeper = make_user(Role.LOGISTICS, username="wh1")
    store = Location.objects.create(code="WH", name="总仓", kind="warehouse")
    van = Location.objects.create(code="VAN", name="车载库", kind="warehouse")
    part = SparePart.objects.create(part_no="P-1", name="电源板", price=Decimal("10.00"))
    parts.stock_receive(actor=keeper, part=part, location=store, quantity=5)

    def take(i):
        return parts.stock_transfer(
            actor=keeper, part=part, from_location=store, to_location=van, quantity=1
        )

    moved, refused = at_once(20, take)
    assert len(moved) == 5 and len(refused) == 15
    assert Stock.objects.get(part=part, location=store).quantity == 0
    assert Stock.objects.get(part=part, location=van).quantity == 5
