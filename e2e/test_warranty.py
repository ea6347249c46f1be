"""A TV bought five days ago with a fault, end to end (R5, WAR-11): the agent takes the
case and sees return, exchange and repair offered with the rule cited; the reviewer approves
a return; the goods come back intact; the refund is recorded and the case closes."""

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


def test_a_tv_with_a_fault_in_its_first_week_is_returned_and_refunded(page, shot, demo_company):
    from aftersales.service.models import Case
    from aftersales.warranty.models import Application

    bought = timezone.localdate() - timedelta(days=5)
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/service/new/")
    form = page.get_by_test_id("case-form")
    form.locator("select[name=channel]").select_option("phone")
    form.locator("select[name=kind]").select_option("return")
    form.locator("input[name=customer_name]").fill("王小明")
    form.locator("input[name=customer_phone]").fill("13812345678")
    form.locator("input[name=product_sku]").fill("TV-55A1")
    form.locator("input[name=purchase_date]").fill(bought.isoformat())
    form.locator("textarea[name=description]").fill("买了五天的电视，开机后屏幕有横线，要求退货")
    page.get_by_test_id("save-case").click()
    page.wait_for_url("**/service/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]

    # The case page says what the law gives, with the rule.
    panel = page.get_by_test_id("case-warranty-panel")
    for remedy in ("return", "exchange", "free_repair"):
        assert panel.get_by_test_id(f"option-{remedy}").is_visible()
    offer = panel.get_by_test_id("option-return").inner_text()
    assert "可退货" in offer and "售出 7 日内" in offer
    assert "部分商品修理更换退货责任规定 第九条" in offer
    shot("70-case-warranty-answer")

    panel.get_by_test_id("start-application").click()
    page.wait_for_url("**/warranty/new/?case=*")
    assert page.get_by_test_id("option-return").is_visible()
    page.locator("#rq-return").check()
    shot("71-application-form")
    page.get_by_test_id("submit-application").click()
    page.wait_for_url("**/warranty/RA-*/")
    application = Application.objects.get(case__number=number)
    assert page.get_by_test_id("application-status").inner_text() == "已申请"
    log_out(page)

    # The after-sales department reviews, asks for the goods, receives and refunds.
    sign_in(page, "chenjie")
    page.wait_for_url("**/")
    page.goto(application.get_absolute_url())
    approve = page.get_by_test_id("step-approve")
    assert approve.locator("#rm-return").is_checked()
    approve.locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("application-status").inner_text() == "已批准"
    # S2: the customer agrees to the handling plan first; here they rang to say so.
    assert page.get_by_test_id("plan-answer").inner_text() == "等待顾客答复"
    answer = page.get_by_test_id("plan-answer-form")
    answer.locator("input[name=note]").fill("14:20 顾客来电同意退货方案")
    answer.locator("button[name=agree][value='1']").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("plan-answer").inner_text() == "已同意 · 电话"
    goods = page.get_by_test_id("step-request_goods")
    goods.locator("input[name=return_address]").fill("上海市浦东新区张江路 88 号 售后仓")
    goods.locator("input[name=return_contact]").fill("赵磊")
    goods.locator("input[name=return_phone]").fill("021-50001234")
    goods.locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("application-status").inner_text() == "等待退回商品"
    receive = page.get_by_test_id("step-receive")
    receive.locator("#in1").check()
    receive.locator("select[name=disposition]").select_option("quarantine")
    receive.locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("application-status").inner_text() == "已收到商品"
    assert "完好" in page.get_by_test_id("goods-received").inner_text()
    refund = page.get_by_test_id("step-refund")
    assert refund.get_by_test_id("refund-total").inner_text() == "¥3299.00"
    shot("72-application-refund")
    page.once("dialog", lambda dialog: dialog.accept())  # "record the refund? …"
    refund.locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("application-status").inner_text() == "已退款"
    assert "¥3299.00" in page.get_by_test_id("refunded").inner_text()
    page.get_by_test_id("step-close").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("application-status").inner_text() == "已关闭"
    shot("73-application-closed")

    assert Case.objects.get(number=number).status == Case.Status.CLOSED
    page.goto(f"/service/cases/{number}/")
    assert page.get_by_test_id("case-status").inner_text() == "已关闭"
