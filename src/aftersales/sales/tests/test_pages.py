"""The same path through the pages: sales, vice-president, warehouse, deliverer."""

from datetime import date
from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.sales.models import Order, SalesPolicy

pytestmark = pytest.mark.django_db


def test_draft_to_accepted_through_the_pages(client, make_user):
    SalesPolicy.objects.create(name="标准", approval_amount=Decimal("1000.00"))
    sales, vp = make_user(Role.SALES), make_user(Role.SALES_VP)
    warehouse = make_user(Role.LOGISTICS)
    customer = CustomerFactory(name="王小明", mobile="13812345678")
    tv = ProductFactory(sku="TV-55", name="55英寸电视")
    batch = Batch.objects.create(
        product=tv,
        batch_no="B-OK",
        production_date=date(2026, 10, 1),
        quality_status=Batch.QualityStatus.PASSED,
    )
    client.force_login(sales)
    response = client.post(
        "/orders/new/",
        {
            "customer": customer.pk,
            "channel": "offline",
            "delivery_date": soon().isoformat(),
            "delivery_place": "上海",
            "delivery_method": "our_delivery",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "100",
            "lines-0-product": tv.pk,
            "lines-0-quantity": "2",
            "lines-0-unit_price": "3299.00",
        },
    )
    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert "SO-" in client.get(f"/orders/{order.pk}/").content.decode()
    client.post(f"/orders/{order.pk}/submit/")
    order.refresh_from_db()
    assert order.status == "submitted"

    client.force_login(vp)
    queue = client.get("/orders/queue/approval/").content.decode()
    assert order.number in queue
    client.post(f"/orders/{order.pk}/approve/")
    order.refresh_from_db()
    assert order.status == "approved"

    client.force_login(warehouse)
    assert order.number in client.get("/orders/queue/shipping/").content.decode()
    line = order.lines.get()
    client.post(
        f"/orders/{order.pk}/ship/",
        {f"batch-{line.pk}": batch.pk, f"qty-{line.pk}": "2", "documents": ["contract", "invoice"]},
    )
    shipment = order.shipments.get()
    assert shipment.documents == ["contract", "invoice"]
    client.post(f"/orders/shipments/{shipment.pk}/deliver/", {"deliverer": "赵磊"})
    row = shipment.lines.get()
    form = client.get(f"/orders/shipments/{shipment.pk}/accept/").content.decode()
    assert 'data-testid="accept-form"' in form
    client.post(f"/orders/shipments/{shipment.pk}/accept/", {f"accepted-{row.pk}": "2"})
    order.refresh_from_db()
    assert order.status == "accepted"
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "已验收" in html and 'data-testid="timeline"' in html
    client.force_login(sales)
    client.post(f"/orders/{order.pk}/close/")
    order.refresh_from_db()
    assert order.status == "closed"


def test_a_refused_shipment_says_which_batch(client, make_user):
    warehouse = make_user(Role.LOGISTICS)
    customer = CustomerFactory()
    tv = ProductFactory()
    pending = Batch.objects.create(product=tv, batch_no="B-NEW", production_date=date(2026, 11, 1))
    from aftersales.sales import services

    order = services.order_create(
        actor=make_user(Role.SALES),
        customer=customer,
        lines=[services.LineInput(tv, 1, Decimal("10"))],
        delivery_date=soon(),
        delivery_place="上海",
    )
    Order.objects.filter(pk=order.pk).update(status="approved")
    client.force_login(warehouse)
    line = order.lines.get()
    response = client.post(
        f"/orders/{order.pk}/ship/",
        {f"batch-{line.pk}": pending.pk, f"qty-{line.pk}": "1"},
        follow=True,
    )
    assert "B-NEW" in response.content.decode() and "尚未检验合格" in response.content.decode()
    assert not order.shipments.exists()


def test_order_pages_by_role(client, make_user):
    client.force_login(make_user(Role.QUALITY))
    assert client.get("/orders/new/").status_code == 404
    assert client.get("/orders/queue/approval/").status_code == 404
    client.force_login(make_user(Role.SALES))
    assert client.get("/orders/new/").status_code == 200


def _submitted(make_user, amount="20000.00"):
    from aftersales.sales import services

    SalesPolicy.objects.get_or_create(name="标准", defaults={"approval_amount": Decimal("1000")})
    sales = make_user(Role.SALES)
    order = services.order_create(
        actor=sales,
        customer=CustomerFactory(),
        lines=[services.LineInput(ProductFactory(), 1, Decimal(amount))],
        delivery_date=soon(),
        delivery_place="上海",
    )
    services.order_submit(actor=sales, order=order)
    return sales, order


def test_rejection_rework_and_cancellation_through_the_pages(client, make_user):
    sales, order = _submitted(make_user)
    client.force_login(make_user(Role.SALES_VP))
    response = client.post(f"/orders/{order.pk}/reject/", {"reason": ""}, follow=True)
    assert "请填写驳回理由" in response.content.decode()
    client.post(f"/orders/{order.pk}/reject/", {"reason": "价格过低"})
    order.refresh_from_db()
    assert (order.status, order.decision_reason) == ("rejected", "价格过低")
    client.force_login(sales)
    client.post(f"/orders/{order.pk}/rework/")
    client.post(f"/orders/{order.pk}/cancel/", {"reason": "客户放弃"})
    order.refresh_from_db()
    assert order.status == "cancelled"
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "已驳回" in html and "客户放弃" in html  # both on the timeline


def test_emergency_release_through_the_batch_page(client, make_user):
    """QC-3 from the batch list: logistics asks, the vice-president decides; a quality
    inspector has no release button at all."""
    batch = Batch.objects.create(
        product=ProductFactory(), batch_no="B-NEW", production_date=date(2026, 11, 1)
    )
    client.force_login(make_user(Role.QUALITY_INSPECTION))
    assert (
        'data-testid="release-B-NEW"'
        not in client.get("/products/batches/", {"status": "pending"}).content.decode()
    )
    assert (
        client.post("/quality/releases/request/", {"batch": batch.pk, "reason": "急"}).status_code
        == 404
    )
    logistics = make_user(Role.LOGISTICS)
    client.force_login(logistics)
    client.post("/quality/releases/request/", {"batch": batch.pk, "reason": "客户急需"})
    batch.refresh_from_db()
    assert batch.quality_status == "pending"  # asked, not yet decided
    request = batch.emergency_releases.get()
    assert request.status == "requested" and request.requested_by == logistics

    vp = make_user(Role.SALES_VP)
    client.force_login(vp)
    client.post(f"/quality/releases/{request.pk}/approve/", {"note": "报告明日补"})
    batch.refresh_from_db()
    assert batch.quality_status == "released_by_exception"
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == vp


def test_signed_contract_scan_and_close(client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sales, order = _submitted(make_user, amount="10.00")  # approved at once
    client.force_login(sales)
    bad = client.post(
        f"/orders/{order.pk}/scan/",
        {
            "signed_scan": SimpleUploadedFile(
                "x.exe", b"MZ", content_type="application/x-msdownload"
            )
        },
        follow=True,
    )
    assert "PDF、JPEG 或 PNG" in bad.content.decode()
    client.post(
        f"/orders/{order.pk}/scan/",
        {
            "signed_scan": SimpleUploadedFile(
                "合同.pdf", b"%PDF-1.4 signed", content_type="application/pdf"
            )
        },
    )
    order.refresh_from_db()
    assert order.signed_scan
    assert b"%PDF" in b"".join(client.get(f"/orders/{order.pk}/scan/file/").streaming_content)


def test_a_dealer_records_a_carrier_claim_on_receipt(api_as, make_user):
    from aftersales.customers.tests.factories import DealerFactory, dealer_user
    from aftersales.sales import services

    dealer = DealerFactory(code="sh")
    receiver = dealer_user(make_user, dealer)
    tv = ProductFactory()
    batch = Batch.objects.create(
        product=tv, batch_no="B1", production_date=date(2026, 10, 1), quality_status="passed"
    )
    order = services.order_create(
        actor=make_user(Role.SALES),
        customer=CustomerFactory(dealer=dealer),
        lines=[services.LineInput(tv, 2, Decimal("100"))],
        delivery_date=soon(),
        delivery_place="上海仓",
        delivery_method="carrier",
    )
    Order.objects.filter(pk=order.pk).update(status="approved")
    warehouse = make_user(Role.LOGISTICS)
    shipment = services.shipment_create(
        actor=warehouse, order=order, lines=[services.ShipInput(order.lines.get(), batch, 2)]
    )
    services.shipment_deliver(actor=warehouse, shipment=shipment, carrier="顺丰物流")
    row = shipment.lines.get()
    response = api_as(receiver).post(
        f"/api/v1/shipments/{shipment.pk}/accept/",
        {
            "lines": [
                {
                    "shipment_line": row.pk,
                    "accepted_quantity": 1,
                    "problem": "damage",
                    "note": "外箱压坏，一台屏裂",
                }
            ],
            "carrier_claim_ref": "SF-CLAIM-0001",
            "carrier_claim_amount": "1500.00",
        },
        format="json",
    )
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert (shipment.carrier_claim_ref, shipment.carrier_claim_amount) == (
        "SF-CLAIM-0001",
        Decimal("1500.00"),
    )


def test_editing_a_draft_on_the_page(client, make_user):
    from aftersales.sales import services

    sales = make_user(Role.SALES)
    tv = ProductFactory(sku="TV-1")
    order = services.order_create(
        actor=sales,
        customer=CustomerFactory(),
        lines=[services.LineInput(tv, 1, Decimal("100"))],
        delivery_date=soon(),
        delivery_place="上海",
    )
    client.force_login(sales)
    form = client.get(f"/orders/{order.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity"' in form and 'value="1"' in form
    client.post(
        f"/orders/{order.pk}/edit/",
        {
            "channel": "offline",
            "delivery_date": soon().isoformat(),
            "delivery_place": "杭州",
            "delivery_method": "carrier",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "100",
            "lines-0-product": tv.pk,
            "lines-0-quantity": "4",
            "lines-0-unit_price": "100",
        },
    )
    order.refresh_from_db()
    assert (order.delivery_place, order.total) == ("杭州", Decimal("400.00"))
