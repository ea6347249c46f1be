"""Issue 18 B2 and B4 in a browser: an extended warranty sold with the TV's order and applied
to a claim after the statutory year (S14 五、2); and an exchange to the 65-inch set of the same
family whose price difference the customer accepts on their own case page before the goods are
asked for (WAR-7, S11, S2)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from test_login_flow import sign_in
from test_sales import log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_an_extended_warranty_sold_with_the_order_repairs_after_the_statutory_year(
    page, shot, demo_company, time_machine
):
    from aftersales.warranty.models import Application, ExtendedWarranty, WarrantyCard

    now = timezone.now()
    time_machine.move_to(now, tick=True)
    card = WarrantyCard.objects.select_related("serial", "order").filter(order__isnull=False)
    card = card.filter(product__sku="TV-55A1").first()
    assert card is not None and card.serial is not None

    # The salesperson sells the two-year plan from the TV's certificate, with its order.
    sign_in(page, "zhangwei")
    page.wait_for_url("**/")
    page.goto(card.get_absolute_url())
    form = page.get_by_test_id("extended-sell-form")
    form.locator("select[name=plan]").select_option(
        label="电视整机延保两年（延长 24 个月，¥399.00）"
    )
    assert form.locator("#ew-order").is_checked()
    shot("80-certificate-sells-extended-warranty")
    form.get_by_test_id("extended-sell").click()
    page.wait_for_url("**/warranty/extended/EW-*/")
    contract = ExtendedWarranty.objects.get()
    assert contract.order == card.order
    assert "三包有效期届满后 24 个月" in page.get_by_test_id("contract-terms").inner_text()
    shot("81-extended-warranty-contract")
    page.goto(card.get_absolute_url())
    assert page.get_by_test_id("card-extended-number").inner_text() == contract.number
    log_out(page)

    # Fourteen months on, the TV stops working: the law's year is over, the plan is not.
    time_machine.move_to(now + timedelta(days=430), tick=True)
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/service/new/")
    case_form = page.get_by_test_id("case-form")
    case_form.locator("select[name=channel]").select_option("phone")
    case_form.locator("select[name=kind]").select_option("repair")
    case_form.locator("input[name=customer_name]").fill(card.customer.name)
    case_form.locator("input[name=customer_phone]").fill(card.customer.mobile)
    case_form.locator("input[name=product_sku]").fill("TV-55A1")
    case_form.locator("input[name=serial_no]").fill(card.serial.serial)
    case_form.locator("textarea[name=description]").fill("电视用了一年多，突然无法开机")
    page.get_by_test_id("save-case").click()
    page.wait_for_url("**/service/cases/*/")
    panel = page.get_by_test_id("case-warranty-panel")
    offer = panel.get_by_test_id("option-free_repair").inner_text()
    assert "延保" in offer and contract.number in offer
    # The source says it is the plan, and the end date is the plan's, not the 三包 period's.
    assert "extended" not in offer
    assert "延保有效期至" in panel.inner_text() and "三包有效期至" not in panel.inner_text()
    shot("82-case-repair-under-extended-warranty")
    panel.get_by_test_id("start-application").click()
    page.wait_for_url("**/warranty/new/?case=*")
    page.locator("#rq-free_repair").check()
    page.get_by_test_id("submit-application").click()
    page.wait_for_url("**/warranty/RA-*/")
    claim = Application.objects.get(extended_warranty=contract)
    assert claim.answer["options"][0]["source"] == "extended"
    log_out(page)

    # The vice-president sees the sale's revenue and the claim on the register.
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.goto("/warranty/extended/")
    month = timezone.localtime(now).strftime("%Y-%m")
    assert page.get_by_test_id(f"revenue-{month}-amount").inner_text() == "399.00"
    assert claim.number in page.get_by_test_id("extended-claims").inner_text()
    shot("83-extended-warranty-register")


def test_a_higher_specification_exchange_is_agreed_by_the_customer_on_their_page(
    page, shot, demo_company
):
    from aftersales.service.models import Case
    from aftersales.service.services.tracking import tracking_token
    from aftersales.warranty.models import Application

    bought = timezone.localdate() - timedelta(days=10)
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/service/new/")
    form = page.get_by_test_id("case-form")
    form.locator("select[name=channel]").select_option("phone")
    form.locator("select[name=kind]").select_option("exchange")
    form.locator("input[name=customer_name]").fill("刘洋")
    form.locator("input[name=customer_phone]").fill("13912340000")
    form.locator("input[name=product_sku]").fill("TV-55A1")
    form.locator("input[name=purchase_date]").fill(bought.isoformat())
    form.locator("textarea[name=description]").fill("买了十天的电视，屏幕出现亮线，要求换货")
    page.get_by_test_id("save-case").click()
    page.wait_for_url("**/service/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.get_by_test_id("case-warranty-panel").get_by_test_id("start-application").click()
    page.wait_for_url("**/warranty/new/?case=*")
    page.locator("#rq-exchange").check()
    page.get_by_test_id("submit-application").click()
    page.wait_for_url("**/warranty/RA-*/")
    application = Application.objects.get(case__number=number)
    log_out(page)

    # The reviewer approves the exchange for the 65-inch set; the customer pays the difference.
    sign_in(page, "chenjie")
    page.wait_for_url("**/")
    page.goto(application.get_absolute_url())
    approve = page.get_by_test_id("step-approve")
    approve.locator("#rm-exchange").check()
    approve.get_by_test_id("replacement-product").select_option(
        label="更高规格：65英寸4K智能电视（标价 ¥4599.00）"
    )
    approve.locator("button[type=submit]").click()
    page.wait_for_load_state()
    plan = page.get_by_test_id("handling-plan")
    assert page.get_by_test_id("plan-difference").inner_text() == "¥1300.00 · 客户承担"
    assert page.get_by_test_id("plan-customer-pays").inner_text() == "¥1300.00"
    assert page.get_by_test_id("plan-answer").inner_text() == "等待顾客答复"
    assert page.get_by_test_id("step-request_goods").count() == 0
    shot("84-higher-specification-plan-sent")
    assert "65英寸4K智能电视" in plan.inner_text()
    log_out(page)

    # The customer opens the link from the SMS, reads the plan and agrees.
    token = tracking_token(Case.objects.get(number=number))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/service/track/?t={token}")
    offer = page.get_by_test_id("track-plan")
    assert "为您更换更高规格的产品：65英寸4K智能电视" in offer.inner_text()
    assert page.get_by_test_id("track-plan-difference").inner_text() == "差价 ¥1300.00 由您支付。"
    shot("85-customer-reads-the-plan-on-a-phone")
    page.get_by_test_id("track-plan-agree").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("track-plan-answer").inner_text() == "您已同意该方案"
    shot("86-customer-agreed")
    application.refresh_from_db()
    assert (application.plan_answer, application.plan_answer_via) == ("agreed", "link")

    # Back at the desk, the goods can now be asked for.
    page.set_viewport_size({"width": 1280, "height": 860})
    sign_in(page, "chenjie")
    page.wait_for_url("**/")
    page.goto(application.get_absolute_url())
    assert page.get_by_test_id("plan-answer").inner_text() == "已同意 · 顾客在服务单页面答复"
    assert page.get_by_test_id("step-request_goods").is_visible()
    shot("87-plan-agreed-goods-next")
