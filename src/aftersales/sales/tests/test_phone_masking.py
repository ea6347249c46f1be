"""SEC-1, probe finding 4: the delivery note prints the customer's phone in full only for the
roles whose work is calling customers (logistics prints it for the deliverer); the
vice-president and quality see it masked, as everywhere else."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch
from aftersales.catalog.tests.factories import ProductFactory
from aftersales.core.testing import soon
from aftersales.customers.models import PhoneReveal
from aftersales.customers.tests.factories import CustomerFactory, DealerFactory, dealer_user
from aftersales.sales.models import Order

pytestmark = pytest.mark.django_db

FULL = "13912345678"
MASKED = "139****5678"
FULL_ROLES = {
    Role.ADMIN,
    Role.CUSTOMER_SERVICE,
    Role.SERVICE,
    Role.SALES,
    Role.LOGISTICS,
    Role.DEALER,
}


@pytest.fixture
def dealer():
    return DealerFactory(code="sh", name="上海经销店")


@pytest.fixture
def shipment(make_user, api_as, dealer):
    customer = CustomerFactory(name="王小明", mobile=FULL, dealer=dealer)
    tv = ProductFactory(sku="TV-55", name="55英寸电视", list_price=Decimal("3299.00"))
    batch = Batch.objects.create(
        product=tv,
        batch_no="B-OK",
        production_date=date(2026, 10, 1),
        quality_status=Batch.QualityStatus.PASSED,
    )
    sales = api_as(make_user(Role.SALES))
    order = sales.post(
        "/api/v1/orders/",
        {
            "customer": customer.pk,
            "delivery_date": soon().isoformat(),
            "delivery_place": "上海市徐汇区漕溪北路88号",
            "contact_phone": FULL,
            "lines": [{"product": "TV-55", "quantity": 1, "unit_price": "3299.00"}],
        },
        format="json",
    ).json()
    sales.post(f"/api/v1/orders/{order['id']}/submit/", {}, format="json")
    line = Order.objects.get(pk=order["id"]).lines.get()
    response = api_as(make_user(Role.LOGISTICS)).post(
        f"/api/v1/orders/{order['id']}/shipments/",
        {"lines": [{"order_line": line.pk, "batch": batch.pk, "quantity": 1}]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def reader(make_user, dealer):
    def make(role: Role):
        if role == Role.DEALER:
            return dealer_user(make_user, dealer)
        return make_user(role)

    return make


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_the_delivery_note_prints_the_phone_as_the_role_may_see_it(role, shipment, reader, client):
    client.force_login(reader(role))
    response = client.get(f"/orders/shipments/{shipment['id']}/delivery-note.pdf")
    assert response.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert shipment["number"] in text
    if role in FULL_ROLES:
        assert FULL in text
    else:
        assert MASKED in text and FULL not in text
    assert not PhoneReveal.objects.exists()


def test_a_changed_contact_phone_on_the_order_timeline_is_masked_for_the_vice_president(
    shipment, make_user, client
):
    order = Order.objects.get()
    order.contact_phone = "13800001111"
    order.save()  # a new history record: the change shows on the order's timeline
    client.force_login(make_user(Role.SALES_VP))
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "138****1111" in page and "13800001111" not in page and FULL not in page
    client.force_login(make_user(Role.SALES))
    assert "13800001111" in client.get(f"/orders/{order.pk}/").content.decode()
