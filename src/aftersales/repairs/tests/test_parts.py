"""Spare parts and stock (WAR-15): receipts, transfers, stock-takes, parts used on work orders
(free in 三包, priced outside it: WAR-9, R11), the last unit, re-order alerts, counter sales,
who may do what, the pages and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.repairs.models import (
    ChargeLine,
    CounterSale,
    Location,
    SparePart,
    Stock,
    StockMove,
    WorkOrder,
    WorkOrderEvent,
)
from aftersales.repairs.services import parts as services
from aftersales.repairs.services.work_orders import work_order_create

pytestmark = pytest.mark.django_db

S = WorkOrder.Status
# Measured: session, user, roles, dealer membership, count, unread notifications (base.html),
# the page of parts with both stock sums. The same for 1 part or 25: no query per row.
PARTS_LIST_QUERIES = 8  # + whether the reader is a field technician


@pytest.fixture
def keeper(make_user):
    return make_user(Role.LOGISTICS, username="keeper", full_name="仓管甲")


@pytest.fixture
def dispatcher(make_user):
    return make_user(Role.SERVICE, username="dispatch", full_name="调度甲")


@pytest.fixture
def tech(make_user):
    return make_user(Role.SERVICE, username="tech1", full_name="技师甲")


@pytest.fixture
def desk(make_user):
    return make_user(Role.CUSTOMER_SERVICE, username="desk", full_name="客服甲")


@pytest.fixture
def warehouse():
    return Location.objects.create(code="wh", name="总仓", kind=Location.Kind.WAREHOUSE)


@pytest.fixture
def centre():
    return Location.objects.create(code="rc", name="维修中心", kind=Location.Kind.REPAIR_CENTRE)


@pytest.fixture
def van(tech):
    return Location.objects.create(
        code="van-1", name="技师甲的车", kind=Location.Kind.VAN, technician=tech
    )


@pytest.fixture
def tv():
    return ProductFactory(sku="TV-55", name="液晶电视")


@pytest.fixture
def board(keeper, tv):
    return services.part_save(
        actor=keeper,
        part_no="PB-100",
        name="电源板",
        price="120.00",
        cost="60",
        reorder_point=2,
        products=[tv],
    )


def stock_at(part, location) -> int:
    row = Stock.objects.filter(part=part, location=location).first()
    return row.quantity if row else 0


def work_order(dispatcher, technician, *, in_warranty, status=S.IN_PROGRESS):
    wo = work_order_create(
        actor=dispatcher,
        kind="onsite_repair",
        customer=CustomerFactory(),
        problem="不开机",
        address="上海市浦东新区世纪大道1号",
        in_warranty=in_warranty,
    )
    WorkOrder.objects.filter(pk=wo.pk).update(technician=technician, status=status)
    wo.refresh_from_db()
    return wo


# --- parts ------------------------------------------------------------------------------------


def test_part_save_creates_and_edits_with_version(keeper, board, tv):
    assert board.part_no == "PB-100" and board.price == Decimal("120.00")
    assert list(board.products.all()) == [tv]
    edited = services.part_save(
        actor=keeper,
        part_no="PB-100",
        name="电源板 V2",
        price="130",
        part=board,
        expected_version=board.version,
    )
    assert edited.name == "电源板 V2" and edited.version == board.version + 1
    assert list(edited.products.all()) == []
    with pytest.raises(Conflict) as err:
        services.part_save(
            actor=keeper, part_no="PB-100", name="x", price="1", part=board, expected_version=1
        )
    assert err.value.code == "stale_version"


def test_part_save_names_the_bad_fields(keeper, board):
    with pytest.raises(InvalidInput) as err:
        services.part_save(
            actor=keeper,
            part_no="PB-100",
            name="",
            price="-1",
            cost="abc",
            reorder_point="-2",
            unit="",
        )
    assert set(err.value.fields) == {"part_no", "name", "price", "cost", "reorder_point", "unit"}


# --- the ledger -------------------------------------------------------------------------------


def test_receipt_and_transfer_change_stock_and_write_moves(keeper, board, warehouse, van):
    move = services.stock_receive(
        actor=keeper, part=board, location=warehouse, quantity=10, reference="DN-1"
    )
    assert move.reason == StockMove.Reason.RECEIPT and move.to_location == warehouse
    assert stock_at(board, warehouse) == 10
    move = services.stock_transfer(
        actor=keeper, part=board, from_location=warehouse, to_location=van, quantity=4
    )
    assert move.reason == StockMove.Reason.TRANSFER
    assert (stock_at(board, warehouse), stock_at(board, van)) == (6, 4)
    assert StockMove.objects.filter(part=board).count() == 2


def test_transfer_refuses_to_go_below_zero_naming_part_and_place(keeper, board, warehouse, van):
    services.stock_receive(actor=keeper, part=board, location=warehouse, quantity=1)
    with pytest.raises(Conflict) as err:
        services.stock_transfer(
            actor=keeper, part=board, from_location=warehouse, to_location=van, quantity=2
        )
    assert err.value.code == "out_of_stock"
    assert "PB-100" in str(err.value.message) and "总仓" in str(err.value.message)
    assert stock_at(board, warehouse) == 1 and stock_at(board, van) == 0


def test_stock_take_adjusts_by_the_difference(keeper, board, warehouse):
    services.stock_receive(actor=keeper, part=board, location=warehouse, quantity=5)
    move = services.stock_adjust(
        actor=keeper, part=board, location=warehouse, counted=3, reason="6月盘点"
    )
    assert move.reason == StockMove.Reason.ADJUSTMENT and move.from_location == warehouse
    assert move.quantity == 2 and stock_at(board, warehouse) == 3
    assert (
        services.stock_adjust(
            actor=keeper, part=board, location=warehouse, counted=3, reason="again"
        )
        is None
    )
    with pytest.raises(InvalidInput) as err:
        services.stock_adjust(actor=keeper, part=board, location=warehouse, counted=-1, reason="")
    assert set(err.value.fields) == {"counted", "reason"}


# --- on a work order --------------------------------------------------------------------------


def test_consumption_in_warranty_is_a_free_line(keeper, dispatcher, tech, board, van):
    services.stock_receive(actor=keeper, part=board, location=van, quantity=3)
    wo = work_order(dispatcher, tech, in_warranty=True)
    line = services.part_consume(actor=tech, work_order=wo, part=board, quantity=2)
    assert line.free is True and line.amount == Decimal("0.00")
    assert line.kind == ChargeLine.Kind.PART and line.unit_price == Decimal("120.00")
    assert line.stock_move.reason == StockMove.Reason.CONSUMPTION
    assert line.stock_move.work_order == wo and line.stock_move.from_location == van
    assert stock_at(board, van) == 1
    wo.refresh_from_db()
    assert wo.charge_total == Decimal("0.00")
    event = WorkOrderEvent.objects.get(work_order=wo, action="part")
    assert event.note == "PB-100 ×2"


def test_consumption_out_of_warranty_is_priced(keeper, dispatcher, tech, board, van):
    services.stock_receive(actor=keeper, part=board, location=van, quantity=3)
    wo = work_order(dispatcher, tech, in_warranty=False)
    line = services.part_consume(actor=tech, work_order=wo, part=board, quantity=2)
    assert line.free is False and line.amount == Decimal("240.00")
    wo.refresh_from_db()
    assert wo.charge_total == Decimal("240.00")


def test_consumption_defaults_to_the_technicians_van_then_the_repair_centre(
    keeper, dispatcher, tech, board, van, centre
):
    services.stock_receive(actor=keeper, part=board, location=van, quantity=1)
    services.stock_receive(actor=keeper, part=board, location=centre, quantity=1)
    wo = work_order(dispatcher, tech, in_warranty=False)
    # The dispatcher has no van: the work order's technician's van.
    line = services.part_consume(actor=dispatcher, work_order=wo, part=board, quantity=1)
    assert line.stock_move.from_location == van
    bench = work_order(dispatcher, None, in_warranty=False)
    line = services.part_consume(actor=dispatcher, work_order=bench, part=board, quantity=1)
    assert line.stock_move.from_location == centre


def test_consumption_only_while_the_work_is_in_progress(keeper, dispatcher, tech, board, van):
    services.stock_receive(actor=keeper, part=board, location=van, quantity=3)
    wo = work_order(dispatcher, tech, in_warranty=False, status=S.SCHEDULED)
    with pytest.raises(Conflict) as err:
        services.part_consume(actor=tech, work_order=wo, part=board, quantity=1)
    assert err.value.code == "work_order_not_in_progress"
    waiting = work_order(dispatcher, tech, in_warranty=False, status=S.AWAITING_PARTS)
    services.part_consume(actor=tech, work_order=waiting, part=board, quantity=1)


def test_someone_elses_work_order_is_refused(keeper, dispatcher, tech, board, van):
    """Only the assigned technician and the dispatchers (every SERVICE user dispatches)."""
    other = keeper  # keeps the stock, does not work on work orders
    services.stock_receive(actor=keeper, part=board, location=van, quantity=3)
    wo = work_order(dispatcher, tech, in_warranty=False)
    with pytest.raises(PermissionDenied):
        services.part_consume(actor=other, work_order=wo, part=board, quantity=1, location=van)
    assert stock_at(board, van) == 3


def test_return_unused_puts_it_back_and_removes_the_line(keeper, dispatcher, tech, board, van):
    services.stock_receive(actor=keeper, part=board, location=van, quantity=2)
    wo = work_order(dispatcher, tech, in_warranty=False)
    line = services.part_consume(actor=tech, work_order=wo, part=board, quantity=2)
    back = services.part_return_unused(actor=tech, charge_line=line)
    assert back.reason == StockMove.Reason.RETURN and back.to_location == van
    assert stock_at(board, van) == 2
    assert not ChargeLine.objects.filter(pk=line.pk).exists()
    wo.refresh_from_db()
    assert wo.charge_total == Decimal("0.00")
    # The ledger keeps both moves.
    assert StockMove.objects.filter(work_order=wo).count() == 2


def test_return_unused_refused_after_completion(keeper, dispatcher, tech, board, van):
    services.stock_receive(actor=keeper, part=board, location=van, quantity=2)
    wo = work_order(dispatcher, tech, in_warranty=False)
    line = services.part_consume(actor=tech, work_order=wo, part=board, quantity=1)
    WorkOrder.objects.filter(pk=wo.pk).update(status=S.COMPLETED)
    with pytest.raises(Conflict) as err:
        services.part_return_unused(actor=tech, charge_line=line)
    assert err.value.code == "work_order_finished"


def test_the_last_unit_cannot_be_taken_twice(api_as, keeper, dispatcher, tech, board, van):
    """Two consumers of a stock of one: the second is refused (409 out_of_stock); the lock
    on the stock row (FOR UPDATE OF the stock table, on PostgreSQL) makes it so under load."""
    services.stock_receive(actor=keeper, part=board, location=van, quantity=1)
    first = work_order(dispatcher, tech, in_warranty=False)
    second = work_order(dispatcher, tech, in_warranty=False)
    client = api_as(tech)
    body = {"part_no": "PB-100", "quantity": 1}
    ok = client.post(f"/api/v1/parts/work-orders/{first.number}/consume/", body, format="json")
    assert ok.status_code == 201, ok.content
    again = client.post(f"/api/v1/parts/work-orders/{second.number}/consume/", body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "out_of_stock"
    assert "PB-100" in again.json()["message"]
    assert stock_at(board, van) == 0
    assert not ChargeLine.objects.filter(work_order=second).exists()


# --- re-order -----------------------------------------------------------------------------------


def test_reorder_alert_fires_once(keeper, make_user, dispatcher, board, warehouse, van):
    other_keeper = make_user(Role.LOGISTICS, username="keeper2")
    services.stock_receive(actor=keeper, part=board, location=warehouse, quantity=5)
    assert Notification.objects.count() == 0
    services.stock_transfer(
        actor=keeper, part=board, from_location=warehouse, to_location=van, quantity=2
    )
    assert Notification.objects.count() == 0  # 3 on the shelf, point 2
    services.stock_transfer(
        actor=keeper, part=board, from_location=warehouse, to_location=van, quantity=1
    )
    notes = Notification.objects.all()
    assert {n.recipient_id for n in notes} == {keeper.pk, other_keeper.pk}
    assert all("PB-100" in n.title for n in notes)
    services.stock_transfer(
        actor=keeper, part=board, from_location=warehouse, to_location=van, quantity=1
    )
    assert Notification.objects.count() == 2  # not again
    alerts = services.reorder_alerts()
    assert [(a["part_no"], a["on_shelf"], a["shortfall"]) for a in alerts] == [("PB-100", 1, 1)]
    # Restocked above the point, then down again: told again.
    services.stock_receive(actor=keeper, part=board, location=warehouse, quantity=5)
    assert services.reorder_alerts() == []
    services.stock_adjust(actor=keeper, part=board, location=warehouse, counted=0, reason="丢失")
    assert Notification.objects.count() == 4


# --- over the counter ---------------------------------------------------------------------------


def test_counter_sale(desk, keeper, board, centre):
    services.stock_receive(actor=keeper, part=board, location=centre, quantity=5)
    filter_ = services.part_save(actor=keeper, part_no="FL-1", name="滤网", price="15.50")
    services.stock_receive(actor=keeper, part=filter_, location=centre, quantity=5)
    customer = CustomerFactory()
    sale = services.counter_sale_create(
        actor=desk, location=centre, lines=[(board, 1), (filter_, 2)], customer=customer
    )
    assert sale.number.startswith("PS-")
    assert sale.total == Decimal("151.00")
    assert stock_at(board, centre) == 4 and stock_at(filter_, centre) == 3
    assert set(
        StockMove.objects.filter(reference=sale.number).values_list("reason", flat=True)
    ) == {StockMove.Reason.SALE}
    with pytest.raises(Conflict) as err:
        services.counter_sale_create(actor=desk, location=centre, lines=[(board, 9)], buyer="王")
    assert err.value.code == "out_of_stock"
    assert CounterSale.objects.count() == 1  # the failed sale left nothing, not even a number
    with pytest.raises(InvalidInput) as err:
        services.counter_sale_create(actor=desk, location=centre, lines=[])
    assert set(err.value.fields) == {"buyer", "lines"}


# --- who ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "manage", "sell", "view"),
    [
        (Role.LOGISTICS, True, True, True),
        (Role.SERVICE, True, True, True),
        (Role.ADMIN, True, True, True),
        (Role.CUSTOMER_SERVICE, False, True, True),
        (Role.SALES, False, False, False),
        (Role.SALES_VP, False, False, False),
        (Role.QUALITY, False, False, False),
        (Role.QUALITY_INSPECTION, False, False, False),
        (Role.DEALER, False, False, False),
    ],
)
def test_every_roles_permission(
    make_user, keeper, board, warehouse, client, role, manage, sell, view
):
    user = make_user(role)
    services.stock_receive(actor=keeper, part=board, location=warehouse, quantity=5)

    def allowed(call) -> bool:
        try:
            call()
        except PermissionDenied:
            return False
        return True

    assert (
        allowed(
            lambda: services.stock_receive(actor=user, part=board, location=warehouse, quantity=1)
        )
        is manage
    )
    assert (
        allowed(lambda: services.part_save(actor=user, part_no=f"N-{role}", name="x", price="1"))
        is manage
    )
    assert (
        allowed(
            lambda: services.counter_sale_create(
                actor=user, location=warehouse, lines=[(board, 1)], buyer="王"
            )
        )
        is sell
    )
    client.force_login(user)
    assert client.get(reverse("repairs:parts-list")).status_code == (200 if view else 404)
    assert client.get(reverse("repairs:part-new")).status_code == (200 if manage else 404)
    assert client.get(reverse("repairs:counter-sale-new")).status_code == (200 if sell else 404)


# --- pages --------------------------------------------------------------------------------------


def test_parts_list_search_badge_and_empty_state(client, keeper, board, warehouse, tv):
    client.force_login(keeper)
    empty = client.get(reverse("repairs:parts-list"), {"q": "nothing"})
    assert b'data-testid="empty"' in empty.content
    page = client.get(reverse("repairs:parts-list"), {"q": "TV-55"})  # the product's SKU
    assert "PB-100" in page.content.decode()
    assert b'data-testid="reorder-badge"' in page.content  # 0 on the shelf, point 2
    services.stock_receive(actor=keeper, part=board, location=warehouse, quantity=7)
    page = client.get(reverse("repairs:parts-list"))
    assert b'data-testid="reorder-badge"' not in page.content


def test_parts_list_query_count_is_pinned(client, keeper, warehouse, django_assert_num_queries):
    for n in range(12):
        part = services.part_save(actor=keeper, part_no=f"P-{n:02d}", name=f"零件{n}", price="1")
        services.stock_receive(actor=keeper, part=part, location=warehouse, quantity=n + 1)
    client.force_login(keeper)
    client.get(reverse("repairs:parts-list"))  # warm caches (navigation, templates)
    with django_assert_num_queries(PARTS_LIST_QUERIES):
        response = client.get(reverse("repairs:parts-list"))
    assert response.status_code == 200
    assert response.content.decode().count("/repairs/parts/P-") == 12


def test_part_detail_forms_and_posts(client, keeper, board, warehouse, van):
    client.force_login(keeper)
    page = client.get(reverse("repairs:part-detail", args=["PB-100"]))
    assert b'data-testid="receive-form"' in page.content
    done = client.post(
        reverse("repairs:part-receive", args=["PB-100"]),
        {"receive-location": "wh", "receive-quantity": "3", "receive-reference": "DN-9"},
    )
    assert done.status_code == 302 and stock_at(board, warehouse) == 3
    refused = client.post(
        reverse("repairs:part-transfer", args=["PB-100"]),
        {"transfer-from_location": "wh", "transfer-to_location": "van-1", "transfer-quantity": "9"},
    )
    assert refused.status_code == 400 and stock_at(board, van) == 0
    done = client.post(
        reverse("repairs:part-adjust", args=["PB-100"]),
        {"adjust-location": "wh", "adjust-counted": "2", "adjust-reason": "盘点"},
    )
    assert done.status_code == 302 and stock_at(board, warehouse) == 2
    page = client.get(reverse("repairs:part-detail", args=["PB-100"]))
    assert b'data-testid="moves-table"' in page.content


def test_part_new_and_edit_pages(client, keeper, tv):
    client.force_login(keeper)
    response = client.post(
        reverse("repairs:part-new"),
        {
            "part_no": "M-1",
            "name": "电机",
            "price": "88",
            "unit": "个",
            "warranty_months": "3",
            "reorder_point": "1",
            "products": "TV-55",
        },
    )
    assert response.status_code == 302
    part = SparePart.objects.get(part_no="M-1")
    assert list(part.products.all()) == [tv]
    response = client.post(
        reverse("repairs:part-edit", args=["M-1"]),
        {
            "part_no": "M-1",
            "name": "电机",
            "price": "90",
            "unit": "个",
            "warranty_months": "3",
            "reorder_point": "1",
            "products": "NO-SUCH",
            "version": str(part.version),
        },
    )
    assert response.status_code == 200 and "NO-SUCH" in response.content.decode()


def test_alerts_and_counter_sale_pages(client, keeper, desk, board, centre):
    services.stock_receive(actor=keeper, part=board, location=centre, quantity=3)
    client.force_login(keeper)
    assert b'data-testid="empty"' in client.get(reverse("repairs:parts-alerts")).content
    customer = CustomerFactory(mobile="13900000001")
    client.force_login(desk)
    response = client.post(
        reverse("repairs:counter-sale-new"),
        {
            "location": "rc",
            "part_no": ["PB-100", ""],
            "quantity": ["2", ""],
            "phone": customer.mobile,
        },
    )
    assert response.status_code == 302
    sale = CounterSale.objects.get()
    assert sale.customer == customer and sale.total == Decimal("240.00")
    receipt = client.get(response["Location"])
    assert "240.00" in receipt.content.decode()
    client.force_login(keeper)
    alerts = client.get(reverse("repairs:parts-alerts")).content.decode()
    assert "PB-100" in alerts  # 1 left, point 2


# --- API ----------------------------------------------------------------------------------------


def test_api_create_list_detail_receive_transfer_alerts(api_as, keeper, tv, warehouse, van):
    api = api_as(keeper)
    created = api.post(
        "/api/v1/parts/",
        {
            "part_no": "A-1",
            "name": "遥控器",
            "price": "25.00",
            "reorder_point": 1,
            "products": ["TV-55"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["products"] == ["TV-55"]
    bad = api.post("/api/v1/parts/", {"part_no": "A-1", "name": "x", "price": "1"}, format="json")
    assert bad.status_code == 400 and "part_no" in bad.json()["fields"]
    r = api.post("/api/v1/parts/A-1/receive/", {"location": "wh", "quantity": 2}, format="json")
    assert r.status_code == 201 and r.json()["reason"] == "receipt"
    r = api.post(
        "/api/v1/parts/A-1/transfer/",
        {"from_location": "wh", "to_location": "van-1", "quantity": 1},
        format="json",
    )
    assert r.status_code == 201
    detail = api.get("/api/v1/parts/A-1/").json()
    assert {s["code"]: s["quantity"] for s in detail["stock"]} == {"wh": 1, "van-1": 1}
    listed = api.get("/api/v1/parts/", {"q": "遥控"}).json()
    assert [p["part_no"] for p in listed["results"]] == ["A-1"]
    assert listed["results"][0]["total_stock"] == 2
    alerts = api.get("/api/v1/parts/alerts/").json()
    assert alerts == [
        {
            "part_no": "A-1",
            "name": "遥控器",
            "unit": "个",
            "on_shelf": 1,
            "reorder_point": 1,
            "shortfall": 0,
        }
    ]


def test_api_counter_sale_and_permissions(api_as, keeper, desk, make_user, board, centre):
    services.stock_receive(actor=keeper, part=board, location=centre, quantity=2)
    body = {"location": "rc", "lines": [{"part_no": "PB-100", "quantity": 2}], "buyer": "王先生"}
    sale = api_as(desk).post("/api/v1/parts/counter-sales/", body, format="json")
    assert sale.status_code == 201, sale.content
    assert sale.json()["total"] == "240.00" and sale.json()["lines"][0]["part_no"] == "PB-100"
    sales_person = make_user(Role.SALES)
    assert api_as(sales_person).get("/api/v1/parts/").status_code == 403
    assert (
        api_as(desk)
        .post("/api/v1/parts/PB-100/receive/", {"location": "rc", "quantity": 1}, format="json")
        .status_code
        == 403
    )


def test_a_part_taken_back_off_the_work_order_returns_to_the_van_and_then_it_may_be_cancelled(
    client, keeper, dispatcher, tech, board, van
):
    """Cancelling work with parts used is refused until the parts are back in stock (the page's
    remove button on a part line is a return to stock)."""
    from aftersales.core.errors import Conflict
    from aftersales.repairs.services.work_orders import work_order_cancel

    services.stock_receive(actor=keeper, part=board, location=van, quantity=3)
    wo = work_order(dispatcher, tech, in_warranty=True)
    line = services.part_consume(actor=tech, work_order=wo, part=board, quantity=2)
    with pytest.raises(Conflict):
        work_order_cancel(actor=dispatcher, work_order=wo, reason="客户取消")
    client.force_login(dispatcher)
    client.post(reverse("repairs:charges-remove", args=[wo.number, line.pk]))
    assert stock_at(board, van) == 3
    assert not ChargeLine.objects.filter(work_order=wo).exists()
    work_order_cancel(actor=dispatcher, work_order=wo, reason="客户取消")
    wo.refresh_from_db()
    assert wo.status == S.CANCELLED
