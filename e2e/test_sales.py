"""A salesperson creates an order, the vice-president approves it, the warehouse ships it,
and the delivery note PDF names the products in Chinese (read back with pdftotext)."""

import shutil
import subprocess

import pytest
from django.core.management import call_command

from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def log_out(page):
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/")


def in_stock(sku: str, count: int, *, skip: int = 0) -> list[str]:
    """Unsold, unshipped serials of a product in released batches, oldest batch first."""
    from aftersales.catalog.models import SerialNumber
    from aftersales.sales.models import ShipmentLine

    shipped = ShipmentLine.serials.through.objects.values_list("serialnumber_id", flat=True)
    units = (
        SerialNumber.objects.filter(
            product__sku=sku, owner__isnull=True, batch__quality_status="passed"
        )
        .exclude(pk__in=list(shipped))
        .order_by("batch__production_date", "serial")
    )
    return [u.serial for u in units[skip : skip + count]]


def test_order_approved_shipped_and_delivery_note(page, shot, demo_company):
    from aftersales.core.testing import soon
    from aftersales.customers.models import Customer

    customer = Customer.objects.get(name="王小明")
    sign_in(page, "zhangwei")
    page.wait_for_url("**/")
    # 新建订单 on the customer's page opens the form with the customer chosen.
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("new-order-for-customer").click()
    form = page.get_by_test_id("order-form")
    assert "王小明" in page.get_by_test_id("customer-chosen").inner_text()
    form.locator("input[name=delivery_date]").fill(soon().isoformat())
    form.locator("input[name=delivery_place]").fill("上海市徐汇区漕溪北路88号1201室")
    form.locator("select[name=lines-0-product]").select_option(label="TV-55A1 · 55英寸4K智能电视")
    form.locator("input[name=lines-0-quantity]").fill("4")
    form.locator("input[name=lines-0-unit_price]").fill("3299.00")
    page.get_by_test_id("add-line").click()
    form.locator("select[name=lines-1-product]").select_option(label="WD-180 · 1.8米推拉门衣柜")
    form.locator("input[name=lines-1-quantity]").fill("1")
    form.locator("input[name=lines-1-unit_price]").fill("3680.00")
    shot("30-order-form-zh")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/orders/*/")
    number = page.locator("h1").inner_text().split()[0]
    assert number.startswith("SO-")
    page.get_by_test_id("action-submit").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已提交"
    shot("31-order-submitted-zh")
    log_out(page)

    sign_in(page, "liuyang")
    page.wait_for_url("**/")
    page.goto("/orders/queue/approval/")
    page.click(f"text={number}")
    page.get_by_test_id("action-approve").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已批准"
    log_out(page)

    sign_in(page, "zhaolei")
    page.wait_for_url("**/")
    page.goto("/orders/queue/shipping/")
    page.click(f"text={number}")
    ship = page.get_by_test_id("ship-form")
    for select in ship.locator("select").all():
        select.select_option(index=1)
    # The TVs are serial-tracked: their four serial numbers, one per line (as scanned).
    ship.get_by_test_id("serials").fill("\n".join(in_stock("TV-55A1", 4)))
    shot("32-ship-form-zh")
    ship.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("order-status").inner_text() == "已发货"
    shot("33-order-shipped-zh")
    with page.expect_download() as download_info:
        page.evaluate("""() => {
            const link = document.querySelector('[data-testid=delivery-note]');
            const a = document.createElement('a');
            a.href = link.href; a.download = 'note.pdf'; document.body.appendChild(a); a.click();
        }""")
    pdf = download_info.value.path()
    with open(pdf, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert "55英寸4K智能电视" in text and "1.8米推拉门衣柜" in text
        assert "送" in text and number in text
