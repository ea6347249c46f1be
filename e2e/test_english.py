"""English that is English (issue 17, items 10 and 11), in a browser: the case page's 三包 panel
reads in English with the Chinese original one click away; the certificate lists the demo
company's LCD TV main parts in English; the calendar's weekdays and holidays are English; the
staff list is a stack of cards on a phone."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def english(page):
    """The language cookie the switcher sets, for the whole site."""
    site = urlsplit(page.url)
    page.context.add_cookies(
        [{"name": "aftersales_language", "value": "en", "url": f"{site.scheme}://{site.netloc}/"}]
    )


@pytest.fixture
def tv_case(demo_company):
    """A TV bought five days ago with a fault, taken in by the customer service (孙丽)."""
    from aftersales.accounts.models import User
    from aftersales.service.services.intake import IntakeInput, case_intake

    case, _ = case_intake(
        actor=User.objects.get(username="sunli"),
        data=IntakeInput(
            channel="phone",
            kind="return",
            customer_name="王小明",
            customer_phone="13812345678",
            product_sku="TV-55A1",
            purchase_date=timezone.localdate() - timedelta(days=5),
            description="买了五天的电视，开机后屏幕有横线，要求退货",
        ),
    )
    return case


def test_the_case_panel_in_english_with_the_chinese_a_click_away(page, shot, tv_case):
    page.goto("/")
    english(page)
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto(f"/service/cases/{tv_case.number}/")
    panel = page.get_by_test_id("case-warranty-panel")
    assert "Three Guarantees (三包): what the rules give the customer" in panel.inner_text()
    offer = panel.get_by_test_id("option-return")
    text = offer.inner_text()
    assert "A performance fault within 7 days of sale" in text
    assert "R5 Provisions on Repair, Exchange and Return of Certain Goods, art. 9" in text
    original = offer.get_by_test_id("zh-original")
    assert not original.locator("div[lang=zh-Hans]").is_visible()
    assert "[未确认]" not in panel.inner_text()
    shot("100-case-sanbao-panel-en")

    original.locator("summary").click()
    chinese = original.locator("div[lang=zh-Hans]")
    assert chinese.is_visible()
    assert "售出 7 日内" in chinese.inner_text()
    assert "部分商品修理更换退货责任规定 第九条" in chinese.inner_text()
    shot("101-case-sanbao-panel-en-chinese-open")


def test_the_certificate_and_the_calendar_in_english(page, shot, demo_company):
    from aftersales.warranty.models import WarrantyCard

    card = WarrantyCard.objects.get(product__sku="TV-55A1", void=False)
    page.goto("/")
    english(page)
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.goto(card.get_absolute_url())
    periods = page.get_by_test_id("card-periods").inner_text()
    for part in ("LCD panel", "backlight unit", "main board", "power board"):
        assert f"Main part: {part}" in periods
    assert "picture tube" not in periods
    promises = page.get_by_test_id("card-promises").inner_text()
    assert "A performance fault within 7 days of sale" in promises
    shot("102-certificate-en")

    page.goto("/calendar/2026/")
    assert "Mo\tTu\tWe\tTh\tFr\tSa\tSu" in page.locator("table thead").first.inner_text()
    shot("103-calendar-en")


def test_the_staff_list_is_cards_on_a_phone(page, shot, demo_company):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    english(page)
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.goto("/accounts/users/")
    table = page.get_by_test_id("user-table")
    assert not table.locator("thead").is_visible()
    row = table.locator("tbody tr").first
    box = row.bounding_box()
    assert box["width"] <= 390
    assert "Department" in row.inner_text()  # the column's name before each value
    shot("104-users-phone-en")
    page.goto("/service/cases/")
    shot("105-cases-phone-en")
