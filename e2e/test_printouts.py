"""Company identity and printouts (issue 17): the administrator keeps the company profile; the
order page prints the contract and the case page the request form and the customer's service
sheet, each with the letterhead; the customers' pages show the company's name and logo."""

import shutil
import subprocess

import pytest
from django.core.management import call_command

from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def download(page, testid: str) -> bytes:
    """The PDF behind a link (opened in a new tab by people), fetched as a download."""
    with page.expect_download() as info:
        page.evaluate(
            """(testid) => {
                const link = document.querySelector(`[data-testid=${testid}]`);
                const a = document.createElement('a');
                a.href = link.href; a.download = 'print.pdf'; document.body.appendChild(a);
                a.click();
            }""",
            testid,
        )
    with open(info.value.path(), "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    return data


def text_of(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout.decode()


def test_the_administrator_keeps_the_company_profile(page, shot, demo_company):
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.click("[data-nav=company]")
    page.wait_for_url("**/company/")
    form = page.get_by_test_id("company-form")
    assert form.locator("input[name=name]").input_value() == "华东精工电器有限公司"
    assert page.get_by_test_id("company-logo").is_visible()
    shot("90-company-profile")
    form.locator("input[name=credit_code]").fill("91310104MA1FL5TQ07")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-field-error=credit_code]").is_visible()
    shot("91-company-profile-error")
    form = page.get_by_test_id("company-form")
    form.locator("input[name=credit_code]").fill("91310104MA1FL5TQ06")
    form.locator("input[name=phone]").fill("021-62345678")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "021-62345678" in page.get_by_test_id("company-history").inner_text()
    assert "021-62345678" in page.get_by_test_id("footer").inner_text()


def test_the_order_and_the_case_print_with_the_letterhead(page, shot, demo_company):
    from aftersales.sales.models import Order
    from aftersales.service.models import Case

    order = Order.objects.filter(lines__isnull=False).order_by("id").first()
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.goto(f"/orders/{order.pk}/")
    assert page.get_by_test_id("order-print").is_visible()
    contract = text_of(download(page, "order-print"))
    assert "华东精工电器有限公司" in contract and order.number in contract
    assert "销售合同" in contract and "人民币" in contract

    case = Case.objects.filter(product__isnull=False).order_by("id").first()
    page.goto(f"/service/cases/{case.number}/")
    page.get_by_test_id("case-print").locator("button").click()
    assert page.get_by_test_id("print-request-form").is_visible()
    shot("92-case-print-menu")
    request_form = text_of(download(page, "print-request-form"))
    assert "客户服务申请表" in request_form and case.number in request_form
    sheet = text_of(download(page, "print-service-sheet"))
    assert "售后服务单" in sheet and "客户联" in sheet and case.number in sheet
    assert "华东精工电器有限公司" in sheet


def test_the_customers_pages_show_the_company(page, shot, demo_company):
    page.goto("/orders/track/")
    brand = page.get_by_test_id("public-brand")
    assert "华东精工电器有限公司" in brand.inner_text()
    assert brand.locator("img").evaluate("img => img.naturalWidth") > 0  # the logo loads
    assert "400-820-1234" in page.get_by_test_id("footer").inner_text()
    shot("93-track-with-company")


REGISTERS = {
    "orders": "/orders/register/",
    "ledger": "/orders/ledger/",
    "delivery-notes": "/orders/delivery-notes/",
    "service": "/service/register/",
    "complaints": "/service/register/complaints/",
}


def test_every_register_prints_whole_tokens_and_every_glyph(page, demo_company):
    """Issue 17 item 9: each register's PDF, fetched by the signed-in administrator, read back
    with pdftotext (no number, date or name broken across lines, no empty box for a glyph)
    and drawn as PNGs (pdftoppm) into e2e/artifacts/ to be looked at."""
    from aftersales.sales.models import Order
    from aftersales.service.models import Case

    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    numbers = [o.number for o in Order.objects.all()] + [c.number for c in Case.objects.all()]
    sign_in(page, "admin")
    page.wait_for_url("**/")
    from conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in REGISTERS.items():
        response = page.request.get(f"{url}?format=pdf")
        assert response.ok and response.body().startswith(b"%PDF"), (url, response.status)
        data = response.body()
        text = text_of(data)
        assert "\ufffd" not in text and "□" not in text, name
        joined = text.replace("\n", "")
        broken = [n for n in numbers if n in joined and n not in text]
        assert not broken, (name, broken)  # a document number split over two lines
        prefix = ARTIFACTS / f"register-{name}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-", str(prefix)],
            input=data,
            check=True,
        )
