"""People (STF-1, STF-2) in the browser: the supervisor (杨敏, head of the after-sales
department) reviews 陈杰's computed scorecard and adjusts a scored item with a reason; 陈杰
acknowledges it from his own home page; the department ranking shows it; the training record
has the certificate; a dispatcher sees a technician without the category qualification not
offered, and why."""

import pytest
from django.core.management import call_command

from conftest import ARTIFACTS
from test_login_flow import sign_in
from test_sales import log_out

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def _latest_card(username: str):
    from aftersales.staff.models import Scorecard

    return Scorecard.objects.filter(user__username=username).order_by("-period").first()


def test_review_acknowledge_and_ranking(page, shot, demo_company):
    card = _latest_card("chenjie")
    assert card.status == "draft"  # the demo leaves last month's for the supervisor

    # The supervisor's home page lists the scorecards to review.
    sign_in(page, "yangmin")
    page.wait_for_url("**/")
    todo = page.get_by_test_id("todo-staff.scorecards_to_review")
    assert todo.get_attribute("data-count") == "1"
    todo.click()
    page.wait_for_load_state()
    page.get_by_test_id("rank-chenjie").get_by_role("link").click()
    page.wait_for_load_state()
    assert "陈杰" in page.locator("h1").inner_text()
    shot("130-scorecard-draft")

    # A computed value opens to the records it came from.
    page.get_by_test_id("value-csat").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("line-records").locator("tbody tr").count() >= 1
    shot("131-scorecard-records")
    page.go_back()

    # Scoring without a reason is refused, and names the item.
    page.get_by_test_id("score-input-knowledge").fill("75")
    page.get_by_test_id("score-input-conduct").fill("90")
    page.get_by_test_id("reason-input-knowledge").fill("")
    page.get_by_test_id("reason-input-conduct").fill("客户表扬两次")
    page.get_by_test_id("review-submit").click()
    page.wait_for_load_state()
    assert "请说明“业务知识”评 75.0 分的理由" in page.content()
    page.get_by_test_id("reason-input-knowledge").fill("两张工单故障判断有误，需加强学习")
    page.fill("#comment", "整体不错，注意故障判断。")
    page.get_by_test_id("review-submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status-reviewed").is_visible()
    assert page.get_by_test_id("score-knowledge").inner_text() == "75.0"
    assert "两张工单故障判断有误" in page.get_by_test_id("line-knowledge").inner_text()
    log_out(page)

    # The employee acknowledges it from his own home page.
    sign_in(page, "chenjie")
    page.wait_for_url("**/")
    todo = page.get_by_test_id("todo-staff.scorecard_to_answer")
    assert todo.get_attribute("data-count") == "1"
    todo.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("scorecard-waiting").is_visible()
    assert page.get_by_test_id("qualifications").locator("li").count() >= 2
    shot("132-my-record")
    page.get_by_test_id(f"open-waiting-{card.period}").click()
    page.wait_for_load_state()
    assert "整体不错" in page.get_by_test_id("supervisor-comment").inner_text()
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status-acknowledged").is_visible()
    log_out(page)

    # The department ranking shows it, with its total and status.
    card.refresh_from_db()
    sign_in(page, "yangmin")
    page.wait_for_url("**/")
    page.goto(f"/staff/scorecards/?period={card.period}&department=service")
    row = page.get_by_test_id("rank-chenjie")
    assert row.get_by_test_id("status-acknowledged").is_visible()
    assert page.get_by_test_id("total-chenjie").inner_text() == str(card.total)
    assert page.get_by_test_id("rank-yangmin").is_visible()
    shot("133-ranking")
    # The head sees the visit on 陈杰's record as having opened it.
    log_out(page)
    sign_in(page, "chenjie")
    page.wait_for_url("**/")
    page.goto(f"/staff/scorecards/{card.pk}/")
    assert "杨敏" in page.get_by_test_id("scorecard-views").inner_text()


def test_a_technician_without_the_qualification_is_not_offered(page, shot, demo_company):
    """The policy requires the product category's qualification: 陈杰 failed the TV course,
    杨敏 passed it; a TV visit offers 杨敏 only and says why not 陈杰."""
    from aftersales.catalog.models import Product
    from aftersales.customers.models import Customer
    from aftersales.repairs.services.work_orders import work_order_create
    from aftersales.staff.models import StaffPolicy

    StaffPolicy.objects.update(category_qualification="require")
    from aftersales.accounts.models import User

    tv = Product.objects.filter(category__code="tv").first()
    wo = work_order_create(
        actor=User.objects.get(username="yangmin"),
        kind="onsite_repair",
        customer=Customer.objects.first(),
        product=tv,
        problem="电视开机黑屏",
        address="上海市浦东新区张江路 88 号",
        region="浦东新区",
    )
    sign_in(page, "yangmin")
    page.wait_for_url("**/")
    page.goto(f"/repairs/work-orders/{wo.number}/")
    not_offered = page.get_by_test_id("not-offered")
    assert "陈杰" in not_offered.inner_text() and "没有电视的有效资格" in not_offered.inner_text()
    options = page.get_by_test_id("schedule-form").locator("select[name=technician] option")
    assert options.all_inner_texts() == ["杨敏"]
    shot("134-dispatch-qualification")


def test_a_technician_reads_his_record_and_scorecard_on_a_phone(demo_company, browser, live_server):
    """陈杰 on his phone: his record and last month's scorecard fit the screen (no sideways
    scrolling), with the figures and the acknowledgement in reach."""
    card = _latest_card("chenjie")
    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=2, is_mobile=True
    )
    mobile = phone.new_page()
    sign_in(mobile, "chenjie")
    mobile.wait_for_url("**/")
    ARTIFACTS.mkdir(exist_ok=True)
    for path, name in (
        ("/staff/", "135-my-record-phone"),
        (card.get_absolute_url(), "136-scorecard-phone"),
    ):
        mobile.goto(path)
        mobile.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
    assert mobile.get_by_test_id("scorecard-total").inner_text() == str(card.total)
    assert mobile.get_by_test_id("score-csat").is_visible()
    phone.close()
