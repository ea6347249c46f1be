"""The path from draft to closed through the API (issue 5, SAL-1 … SAL-9, QC-2, QC-3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, SerialNumber
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.models import Notification, OutboundMessage
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.feedback.models import FollowUp
from aftersales.sales.models import Order, OrderEvent, SalesPolicy
from aftersales.warranty.models import WarrantyCard

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(make_user):
    return {
        "sales": make_user(Role.SALES, username="sales1", full_name="张伟"),
        "vp": make_user(Role.SALES_VP, username="vp1", full_name="刘洋"),
        "warehouse": make_user(Role.LOGISTICS, username="wh1", full_name="赵磊"),
        "cs": make_user(Role.CUSTOMER_SERVICE, username="cs1", full_name="孙丽"),
    }


@pytest.fixture
def goods():
    tv = ProductFactory(
        sku="TV-55", name="55英寸电视", serial_tracked=True, list_price=Decimal("3299.00")
    )
    passed = Batch.objects.create(
        product=tv,
        batch_no="B-OK",
        production_date=date(2026, 10, 1),
        quality_status=Batch.QualityStatus.PASSED,
    )
    pending = Batch.objects.create(product=tv, batch_no="B-NEW", production_date=date(2026, 11, 20))
    for n in range(1, 6):
        SerialNumber.objects.create(serial=f"SN{n}", product=tv, batch=passed)
    for n in range(1, 4):
        SerialNumber.objects.create(serial=f"SP{n}", product=tv, batch=pending)
    return {"tv": tv, "passed": passed, "pending": pending}


@pytest.fixture
def customer():
    return CustomerFactory(name="王小明", mobile="13812345678", email="wang@example.cn")


def create(client, customer, quantity=2, price="3299.00", **extra):
    body = {
        "customer": customer.pk,
        "delivery_date": soon().isoformat(),
        "delivery_place": "上海市徐汇区漕溪北路88号",
        "contact_phone": "13812345678",
        "lines": [{"product": "TV-55", "quantity": quantity, "unit_price": price}],
        **extra,
    }
    response = client.post("/api/v1/orders/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def post(client, path, body=None):
    return client.post(path, body or {}, format="json")


def test_the_whole_path_with_approval_partial_shipment_and_acceptance(
    api_as, team, goods, customer, django_capture_on_commit_callbacks
):
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("5000.00"))
    sales, vp, wh = api_as(team["sales"]), None, None
    order = create(sales, customer, quantity=3)  # 9,897.00 ≥ 5,000: needs approval
    assert order["number"].startswith("SO-") and order["total"] == "9897.00"
    assert order["status"] == "draft"

    submitted = post(sales, f"/api/v1/orders/{order['id']}/submit/").json()
    assert (submitted["status"], submitted["needs_approval"]) == ("submitted", True)
    assert Notification.objects.filter(recipient=team["vp"]).exists()
    # The submitter cannot approve, and nobody without the role can.
    assert post(sales, f"/api/v1/orders/{order['id']}/approve/").status_code == 403

    vp = api_as(team["vp"])
    with django_capture_on_commit_callbacks(execute=True):
        approved = post(vp, f"/api/v1/orders/{order['id']}/approve/", {"reason": "同意"})
    assert approved.json()["status"] == "approved"
    sms = OutboundMessage.objects.get(channel="sms", related=order["number"])
    assert sms.status == "sent" and order["number"] in sms.body and "已确认" in sms.body
    assert mail.outbox and mail.outbox[-1].to == ["wang@example.cn"]

    wh = api_as(team["warehouse"])
    line_id = approved.json()["lines"][0]["id"]
    # QC-2: the uninspected batch is refused, naming it.
    refused = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": line_id,
                    "batch": goods["pending"].pk,
                    "quantity": 1,
                    "serials": ["SP1"],
                }
            ]
        },
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "batch_not_released" and "B-NEW" in refused.json()["message"]

    first = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "documents": ["contract", "invoice", "certificate"],
            "lines": [
                {
                    "order_line": line_id,
                    "batch": goods["passed"].pk,
                    "quantity": 2,
                    "serials": ["SN1", "SN2"],
                }
            ],
        },
    )
    assert first.status_code == 201 and first.json()["number"].startswith("DN-")
    assert Order.objects.get(pk=order["id"]).status == "partially_shipped"
    # QC-3: the vice-president releases the new batch; then the rest ships from it.
    assert (
        post(
            wh, f"/api/v1/batches/{goods['pending'].pk}/emergency-release/", {"reason": "急单"}
        ).status_code
        == 403
    )
    released = post(
        vp,
        f"/api/v1/batches/{goods['pending'].pk}/emergency-release/",
        {"reason": "客户急需，质检报告明日补"},
    )
    assert released.json()["quality_status"] == "released_by_exception"
    second = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": line_id,
                    "batch": goods["pending"].pk,
                    "quantity": 1,
                    "serials": ["sp1"],  # as typed: stored upper case
                }
            ]
        },
    )
    assert second.status_code == 201
    assert Order.objects.get(pk=order["id"]).status == "shipped"

    for shipment in (first.json(), second.json()):
        delivered = post(
            wh,
            f"/api/v1/shipments/{shipment['id']}/deliver/",
            {"deliverer": "赵磊", "carrier": "沪A12345"},
        )
        assert delivered.status_code == 200
    assert Order.objects.get(pk=order["id"]).status == "delivered"
    owned = SerialNumber.objects.get(serial="SN1")
    assert owned.owner_id == customer.pk and owned.delivery_ref == first.json()["number"]
    # WAR-10, R13: the 三包 certificate goes with the goods, one per serial number.
    card = WarrantyCard.objects.get(serial=owned, void=False)
    assert (card.customer_id, card.order_id) == (customer.pk, order["id"])
    assert card.invoice_date == owned.warranty_start == timezone.localdate()
    follow_up = FollowUp.objects.get(order_id=order["id"])
    assert follow_up.assignee == team["sales"] and follow_up.due_on > date.today()

    ok = post(
        wh,
        f"/api/v1/shipments/{first.json()['id']}/accept/",
        {"lines": [{"shipment_line": first.json()["lines"][0]["id"], "accepted_quantity": 2}]},
    )
    assert ok.json()["status"] == "accepted"
    damaged = post(
        wh,
        f"/api/v1/shipments/{second.json()['id']}/accept/",
        {
            "lines": [
                {
                    "shipment_line": second.json()["lines"][0]["id"],
                    "accepted_quantity": 0,
                    "problem": "damage",
                    "note": "屏幕碎裂",
                }
            ]
        },
    )
    assert damaged.json()["status"] == "accepted_with_issues"
    # Until the service app opens cases, customer service is told at once.
    assert Notification.objects.filter(recipient=team["cs"], level="danger").exists()
    # SAL-8: the damaged goods opened an after-sales case on this order (the service app).
    from aftersales.service.models import Case

    case = Case.objects.get(order_id=order["id"])
    assert case.channel == "delivery_acceptance" and case.kind == "exchange"
    assert Order.objects.get(pk=order["id"]).status == "accepted_with_issues"
    # The order names the case its problem opened, and refuses to close while it is open.
    detail = sales.get(f"/api/v1/orders/{order['id']}/").json()
    assert detail["disputes"][0]["case_number"] == case.number
    assert (detail["disputes"][0]["problem_label"], detail["disputes"][0]["open"]) == ("破损", 1)
    refused_close = post(sales, f"/api/v1/orders/{order['id']}/close/")
    assert refused_close.status_code == 409 and refused_close.json()["code"] == "dispute_open"
    credited = post(
        sales,
        f"/api/v1/orders/{order['id']}/credit/",
        {"shipment_line": second.json()["lines"][0]["id"], "quantity": 1},
    ).json()
    assert credited["status"] == "accepted"

    closed = post(sales, f"/api/v1/orders/{order['id']}/close/").json()
    assert closed["status"] == "closed"
    assert list(
        OrderEvent.objects.filter(order_id=order["id"]).values_list("to_status", flat=True)
    ) == [
        "draft",
        "submitted",
        "approved",
        "partially_shipped",
        "shipped",
        "delivered",
        "accepted_with_issues",
        "accepted",
        "closed",
    ]


def test_a_small_order_on_standard_terms_is_approved_at_once(api_as, team, goods, customer):
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("50000.00"))
    sales = api_as(team["sales"])
    order = create(sales, customer, quantity=1)
    assert post(sales, f"/api/v1/orders/{order['id']}/submit/").json()["status"] == "approved"


def test_special_terms_need_approval_whatever_the_amount(api_as, team, goods, customer):
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("50000.00"))
    sales = api_as(team["sales"])
    order = create(sales, customer, quantity=1, warranty_months=24)
    assert post(sales, f"/api/v1/orders/{order['id']}/submit/").json()["status"] == "submitted"


def test_rejection_needs_a_reason_and_sends_the_order_back(api_as, team, goods, customer):
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("1.00"))
    sales, vp = api_as(team["sales"]), api_as(team["vp"])
    order = create(sales, customer)
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    no_reason = post(vp, f"/api/v1/orders/{order['id']}/reject/")
    assert no_reason.status_code == 400 and list(no_reason.json()["fields"]) == ["reason"]
    rejected = post(vp, f"/api/v1/orders/{order['id']}/reject/", {"reason": "价格低于底价"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "价格低于底价"
    assert post(sales, f"/api/v1/orders/{order['id']}/rework/").json()["status"] == "draft"


def test_cancellation_before_shipping_only(api_as, team, goods, customer):
    sales, wh = api_as(team["sales"]), api_as(team["warehouse"])
    order = create(sales, customer, quantity=2)
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    cancelled_order = create(sales, customer, quantity=1)
    assert (
        post(
            sales, f"/api/v1/orders/{cancelled_order['id']}/cancel/", {"reason": "客户取消"}
        ).json()["status"]
        == "cancelled"
    )
    line = Order.objects.get(pk=order["id"]).lines.get()
    post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": line.pk,
                    "batch": goods["passed"].pk,
                    "quantity": 1,
                    "serials": ["SN1"],
                }
            ]
        },
    )
    late = post(sales, f"/api/v1/orders/{order['id']}/cancel/", {"reason": "太晚了"})
    assert late.status_code == 409 and late.json()["code"] == "already_shipped"


def test_illegal_transitions_are_409(api_as, team, goods, customer):
    sales = api_as(team["sales"])
    order = create(sales, customer)
    response = post(sales, f"/api/v1/orders/{order['id']}/close/")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"


def test_bad_order_input_names_the_fields(api_as, team, goods, customer):
    response = post(
        api_as(team["sales"]),
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "delivery_date": "soon",
            "delivery_place": "x",
            "lines": [{"product": "NOPE", "quantity": 0, "unit_price": "1"}],
        },
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {
        "delivery_date",
        "lines[0].product",
        "lines[0].quantity",
    }
    assert not Order.objects.exists()


def test_shipping_more_than_ordered_is_refused(api_as, team, goods, customer):
    sales, wh = api_as(team["sales"]), api_as(team["warehouse"])
    order = create(sales, customer, quantity=1)
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    line = Order.objects.get(pk=order["id"]).lines.get()
    response = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {"lines": [{"order_line": line.pk, "batch": goods["passed"].pk, "quantity": 5}]},
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["lines[0].quantity"]


def test_public_tracking_needs_the_phone_tail_and_shows_only_progress(
    client, api_as, team, goods, customer
):
    order = create(api_as(team["sales"]), customer)
    ok = client.get("/api/v1/track/", {"number": order["number"], "phone": "5678"})
    assert ok.status_code == 200
    assert set(ok.json()) == {"number", "status", "status_label", "delivery_date", "shipments"}
    assert (
        client.get("/api/v1/track/", {"number": order["number"], "phone": "0000"}).status_code
        == 404
    )
    page = client.get("/orders/track/", {"number": order["number"], "phone": "5678"})
    assert 'data-testid="track-result"' in page.content.decode()
    assert "王小明" not in page.content.decode()


def test_dealers_see_only_their_orders(api_as, make_user, team, goods):
    from aftersales.customers.tests.factories import DealerFactory, dealer_user

    sh, hz = DealerFactory(code="sh"), DealerFactory(code="hz")
    ours, theirs = CustomerFactory(dealer=sh), CustomerFactory(dealer=hz)
    seller = dealer_user(make_user, sh)
    dealer_api = api_as(seller)
    mine = create(dealer_api, ours)
    assert mine["dealer"] == "sh" and mine["channel"] == "dealer"
    refused = dealer_api.post(
        "/api/v1/orders/",
        {
            "customer": theirs.pk,
            "delivery_date": soon().isoformat(),
            "delivery_place": "x",
            "lines": [{"product": "TV-55", "quantity": 1, "unit_price": "1"}],
        },
        format="json",
    )
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["customer"]
    other = create(api_as(team["sales"]), theirs)
    assert dealer_api.get(f"/api/v1/orders/{other['id']}/").status_code == 404
    assert [o["number"] for o in dealer_api.get("/api/v1/orders/").json()["results"]] == [
        mine["number"]
    ]


def test_order_list_query_count(api_as, team, goods, customer, django_assert_max_num_queries):
    sales = api_as(team["sales"])
    for _ in range(12):
        create(sales, customer)
    with django_assert_max_num_queries(5):
        body = sales.get("/api/v1/orders/").json()
    assert body["count"] == 12


def test_delivery_note_pdf_has_the_products_in_chinese(client, api_as, team, goods, customer):
    import shutil
    import subprocess

    sales, wh = api_as(team["sales"]), api_as(team["warehouse"])
    order = create(sales, customer, quantity=1)
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    line = Order.objects.get(pk=order["id"]).lines.get()
    shipment = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": line.pk,
                    "batch": goods["passed"].pk,
                    "quantity": 1,
                    "serials": ["SN1"],
                }
            ]
        },
    ).json()
    client.force_login(team["warehouse"])
    response = client.get(f"/orders/shipments/{shipment['id']}/delivery-note.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "送 货 单" in text or "送货单" in text
        assert "55英寸电视" in text and shipment["number"] in text and "B-OK" in text


def test_follow_up_is_due_in_working_days(api_as, team, goods, customer):
    from aftersales.workdays import add_working_days

    sales, wh = api_as(team["sales"]), api_as(team["warehouse"])
    order = create(sales, customer, quantity=1)
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    line = Order.objects.get(pk=order["id"]).lines.get()
    shipment = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": line.pk,
                    "batch": goods["passed"].pk,
                    "quantity": 1,
                    "serials": ["SN1"],
                }
            ]
        },
    ).json()
    early = post(
        wh,
        f"/api/v1/shipments/{shipment['id']}/deliver/",
        {"delivered_at": "2026-09-30T15:00:00+08:00"},
    )
    assert early.status_code == 400 and list(early.json()["fields"]) == ["delivered_at"]
    post(wh, f"/api/v1/shipments/{shipment['id']}/deliver/")
    # The salesperson calls the customer seven working days after delivery (SAL-9, the
    # follow-up rules' preset for deliveries, FB-1).
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == add_working_days(date.today(), 7)
    assert (follow_up.kind, follow_up.assignee) == ("delivery", team["sales"])


def test_a_draft_is_edited_and_anything_later_is_refused(api_as, team, goods, customer):
    sales = api_as(team["sales"])
    order = create(sales, customer, quantity=1)
    changed = sales.patch(
        f"/api/v1/orders/{order['id']}/",
        {
            "delivery_place": "上海市闵行区",
            "version": order["version"],
            "lines": [{"product": "TV-55", "quantity": 3, "unit_price": "3000.00"}],
        },
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["total"] == "9000.00" and changed.json()["lines"][0]["quantity"] == 3
    stale = sales.patch(
        f"/api/v1/orders/{order['id']}/", {"notes": "x", "version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    late = sales.patch(f"/api/v1/orders/{order['id']}/", {"notes": "x"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "not_draft"


def test_review_holes_are_closed(api_as, make_user, team, goods, customer, client):
    """A line listed twice cannot ship more than ordered; a serial ships once; the submitter
    never approves, even as a superuser; dealers act only on their own sales; a disguised
    file is not stored as a contract; odd amounts and months are refused, not crashed on."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.customers.tests.factories import DealerFactory, dealer_user

    sales, wh = api_as(team["sales"]), api_as(team["warehouse"])
    order = create(sales, customer, quantity=3)
    post(sales, f"/api/v1/orders/{order['id']}/submit/")
    line = Order.objects.get(pk=order["id"]).lines.get()
    twice = post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {"order_line": line.pk, "batch": goods["passed"].pk, "quantity": 3},
                {"order_line": line.pk, "batch": goods["passed"].pk, "quantity": 3},
            ]
        },
    )
    assert twice.status_code == 400
    post(
        wh,
        f"/api/v1/orders/{order['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": line.pk,
                    "batch": goods["passed"].pk,
                    "quantity": 1,
                    "serials": ["SN1"],
                }
            ]
        },
    )
    other = create(sales, customer, quantity=1)
    post(sales, f"/api/v1/orders/{other['id']}/submit/")
    other_line = Order.objects.get(pk=other["id"]).lines.get()
    again = post(
        wh,
        f"/api/v1/orders/{other['id']}/shipments/",
        {
            "lines": [
                {
                    "order_line": other_line.pk,
                    "batch": goods["passed"].pk,
                    "quantity": 1,
                    "serials": ["SN1"],
                }
            ]
        },
    )
    assert again.status_code == 400 and "serials" in next(iter(again.json()["fields"]))

    boss = api_as(make_user(is_superuser=True))
    mine = create(boss, customer, quantity=1, warranty_months=24)
    post(boss, f"/api/v1/orders/{mine['id']}/submit/")
    assert post(boss, f"/api/v1/orders/{mine['id']}/approve/").status_code == 403

    dealer = DealerFactory(code="sh")
    served = CustomerFactory(dealer=dealer)
    direct = create(sales, served, quantity=1)
    dealer_api = api_as(dealer_user(make_user, dealer))
    assert dealer_api.get(f"/api/v1/orders/{direct['id']}/").status_code == 200
    assert (
        post(dealer_api, f"/api/v1/orders/{direct['id']}/cancel/", {"reason": "x"}).status_code
        == 403
    )

    client.force_login(team["sales"])
    evil = SimpleUploadedFile(
        "evil.html", b"<script>alert(1)</script>", content_type="application/pdf"
    )
    client.post(f"/orders/{mine['id']}/scan/", {"signed_scan": evil})
    assert not Order.objects.get(pk=mine["id"]).signed_scan
    assert client.get("/orders/ledger/", {"month": "9999-12"}).status_code == 200


def test_a_price_far_below_the_catalogue_needs_approval(api_as, team, goods, customer):
    """Security finding 13 (SAL-2): ten TVs at 0.00 were approved at once. A line priced
    further below the catalogue than the policy's discount allows waits for the VP."""
    SalesPolicy.objects.create(name="标准", max_discount_percent=Decimal("15.00"))
    sales = api_as(team["sales"])
    free = create(sales, customer, quantity=10, price="0.00")
    assert post(sales, f"/api/v1/orders/{free['id']}/submit/").json()["status"] == "submitted"
    cheap = create(sales, customer, quantity=1, price="2700.00")  # 18% off 3,299
    assert post(sales, f"/api/v1/orders/{cheap['id']}/submit/").json()["status"] == "submitted"
    fair = create(sales, customer, quantity=1, price="2900.00")  # 12% off
    assert post(sales, f"/api/v1/orders/{fair['id']}/submit/").json()["status"] == "approved"


@pytest.mark.parametrize(("days", "message"), [(-1, "交货日期已过"), (800, "交货日期超过两年")])
def test_a_delivery_date_outside_a_sane_window_is_refused(
    api_as, team, customer, goods, days, message
):
    from datetime import timedelta

    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = api_as(team["sales"]).post(
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "delivery_date": day,
            "delivery_place": "上海市徐汇区漕溪北路88号",
            "contact_phone": "13812345678",
            "lines": [{"product": "TV-55", "quantity": 1, "unit_price": "3299.00"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert message in response.json()["fields"]["delivery_date"][0]
    assert not Order.objects.exists()
