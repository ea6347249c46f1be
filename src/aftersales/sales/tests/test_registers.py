"""The registers of S18: order register, sales ledger with running totals, delivery notes."""

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.models import ExportRecord
from aftersales.core.testing import soon
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.sales import services
from aftersales.sales.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(make_user):
    """Two customers, two products, three shipped lines."""
    sales, warehouse = make_user(Role.SALES), make_user(Role.LOGISTICS)
    dealer = DealerFactory(code="sh", name="上海店")
    wang = CustomerFactory(name="王小明", dealer=dealer)
    li = CustomerFactory(name="李秀英")
    tv = ProductFactory(sku="TV-55", name="55英寸电视")
    fridge = ProductFactory(sku="FR-1", name="冰箱")
    batches = {
        p.pk: Batch.objects.create(
            product=p,
            batch_no=f"B-{p.sku}",
            production_date=date(2026, 10, 1),
            quality_status="passed",
        )
        for p in (tv, fridge)
    }

    def sell(customer, product, quantity, price):
        order = services.order_create(
            actor=sales,
            customer=customer,
            delivery_date=soon(),
            delivery_place="上海",
            lines=[services.LineInput(product, quantity, Decimal(price))],
        )
        Order.objects.filter(pk=order.pk).update(status="approved")
        line = order.lines.get()
        services.shipment_create(
            actor=warehouse,
            order=order,
            lines=[services.ShipInput(line, batches[product.pk], quantity)],
        )
        return order

    orders = [
        sell(wang, tv, 2, "3000.00"),
        sell(li, fridge, 1, "4500.00"),
        sell(wang, fridge, 1, "4000.00"),
    ]
    return {"orders": orders, "wang": wang, "dealer": dealer, "sales": sales}


def test_ledger_rows_running_totals_and_summaries(client, shipped):
    client.force_login(shipped["sales"])
    response = client.get("/orders/ledger/")
    lines = response.context["page"].object_list
    assert [line.running_total for line in lines] == [
        Decimal("6000.00"),
        Decimal("10500.00"),
        Decimal("14500.00"),
    ]
    totals = response.context["totals"]
    assert {r["shipment__order__customer__name"]: r["amount"] for r in totals["customer"]} == {
        "王小明": Decimal("10000.00"),
        "李秀英": Decimal("4500.00"),
    }
    assert {r["order_line__product__name"]: r["quantity"] for r in totals["product"]} == {
        "55英寸电视": 2,
        "冰箱": 2,
    }
    one_customer = client.get("/orders/ledger/", {"customer": shipped["wang"].pk})
    assert [line.running_total for line in one_customer.context["page"].object_list] == [
        Decimal("6000.00"),
        Decimal("10000.00"),
    ]


def test_ledger_excel_export_is_scoped_and_recorded(client, make_user, shipped):
    seller = dealer_user(make_user, shipped["dealer"])
    client.force_login(seller)
    response = client.get("/orders/ledger/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == ["王小明", "王小明"]  # only the dealer's customer
    assert rows[-1][-1] == 10000.0
    assert ExportRecord.objects.get(user=seller).rows == 2


def test_order_register_prints_in_chinese(client, shipped):
    client.force_login(shipped["sales"])
    response = client.get("/orders/register/", {"format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "合同/订单登记表" in text and "王小明" in text
        assert shipped["orders"][0].number in text


def test_delivery_note_register(client, shipped):
    client.force_login(shipped["sales"])
    html = client.get("/orders/delivery-notes/").content.decode()
    assert html.count("DN-") >= 3
    workbook = client.get("/orders/delivery-notes/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert sheet.max_row == 4


def test_register_pages_with_odd_filters_do_not_fail(client, shipped):
    client.force_login(shipped["sales"])
    assert client.get("/orders/ledger/", {"month": "2026-13", "customer": "x"}).status_code == 200
    assert client.get("/orders/register/", {"date_from": "2026-02-30"}).status_code == 200


def test_the_delivery_note_and_order_register_print_markup_like_text_as_typed(client, shipped):
    from aftersales.core.testing import MARKUP_TEXTS, assert_pdf_prints_as_typed
    from aftersales.sales.pdf import delivery_note_pdf

    image, link, less, amp = MARKUP_TEXTS
    wang, order = shipped["wang"], shipped["orders"][0]
    wang.name = f"{less} {amp}"
    wang.save()
    order.delivery_place = f"{image} {link}"
    order.save(update_fields=["delivery_place"])
    shipment = order.shipments.get()
    note = delivery_note_pdf(shipment, tracking_url="https://t.example/?a=1&b=2", company=amp)
    assert_pdf_prints_as_typed(note, *MARKUP_TEXTS, "https://t.example/?a=1&b=2")
    client.force_login(shipped["sales"])
    register = client.get("/orders/register/", {"format": "pdf"})
    assert_pdf_prints_as_typed(register.content, *MARKUP_TEXTS)
