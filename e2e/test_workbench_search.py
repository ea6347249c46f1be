"""The workbench and the global search in a browser (issue 17): the vice-president's and the
customer-service agent's home pages list their own work with counts that lead to exactly those
records, with the weekly trends drawn; a technician's workbench on a 390 px phone; the top bar
finds a case by its number (Enter opens it) and by the last 4 digits of the caller's phone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.tests.test_workbench import NOW, World
from conftest import ARTIFACTS
from test_field_service import PHONE, no_sideways_scroll
from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass12345"  # the user factory's


def make_user(*roles, **fields):
    return UserFactory(roles=list(roles), **fields)


@pytest.fixture
def world(time_machine):
    """The company of the Django tests, on a Wednesday morning, with eight weeks of history
    behind the figures."""
    time_machine.move_to(NOW, tick=True)
    w = World(make_user)
    from aftersales.repairs.models import WorkOrder
    from aftersales.sales.models import Order
    from aftersales.service.models import Case
    from aftersales.service.services.intake import IntakeInput, case_intake

    w.phoned, _created = case_intake(
        actor=w.cs,
        data=IntakeInput(
            channel="phone",
            kind="repair",
            customer_name="王小明",
            customer_phone="13912344444",
            description="冰箱冷藏室不制冷，压缩机不启动",
        ),
    )
    for week, n in enumerate([3, 5, 4, 6, 2, 7, 5]):
        day = NOW - timedelta(weeks=7 - week)
        for i in range(n):
            case = w._case(f"TK-2026{week:02d}{i:02d}-9{week}{i:02d}", status="closed")
            Case.objects.filter(pk=case.pk).update(created_at=day, resolved_at=day)
        for i in range(n // 2 + 1):
            order = w._order(f"SO-2026{week:02d}{i:02d}-9{week}{i:02d}", Order.Status.CLOSED)
            Order.objects.filter(pk=order.pk).update(submitted_at=day, total=1200 * (i + 1))
        done = w._wo(f"WO-2026{week:02d}00-9{week}00", status="completed", technician=w.tech)
        WorkOrder.objects.filter(pk=done.pk).update(completed_at=day)
    return w


def english(page) -> None:
    """Switch the interface to English."""
    page.get_by_test_id("language-menu").click()
    page.locator("[data-testid=language-form] button[data-language=en]").click()
    page.wait_for_load_state()


def todo_count(page, key: str) -> int:
    return int(page.get_by_test_id(f"todo-{key}").get_attribute("data-count"))


def test_the_vice_presidents_workbench(page, shot, world):
    sign_in(page, "vp", PASSWORD)
    page.wait_for_url("**/")
    assert "待办" in page.get_by_test_id("todos").inner_text()
    assert todo_count(page, "sales.approval") == 1
    assert todo_count(page, "quality.releases") == 1
    assert todo_count(page, "warranty.claims_to_decide") == 1
    figures = page.get_by_test_id("figures")
    assert figures.get_by_test_id("sparkline").count() >= 4
    assert page.get_by_test_id("figure-sales.value").get_by_test_id("figure-value").inner_text()
    shot("workbench-01-vice-president")

    page.get_by_test_id("todo-sales.approval").click()
    page.wait_for_url("**/orders/queue/approval/")
    table = page.get_by_test_id("order-table").inner_text()
    assert world.to_approve.number in table and "SO-20261215-0003" not in table


def test_customer_service_workbench_and_the_global_search(page, shot, world):
    sign_in(page, "cs", PASSWORD)
    page.wait_for_url("**/")
    assert todo_count(page, "service.overdue") == 1
    assert todo_count(page, "service.due_today") == 1
    assert todo_count(page, "service.unassigned") == 1
    assert "todo-urgent" in page.get_by_test_id("todo-service.overdue").get_attribute("class")
    shot("workbench-02-customer-service")

    page.get_by_test_id("todo-service.overdue").click()
    page.wait_for_url("**/service/?assignee=me&overdue=1")
    assert page.get_by_test_id("case-count").inner_text() == "1"
    assert world.case_overdue.number in page.get_by_test_id("case-table").inner_text()

    # A number typed in full into the top bar, Enter: the case itself.
    box = page.get_by_test_id("global-search-input")
    box.fill(world.phoned.number)
    box.press("Enter")
    page.wait_for_url(f"**/service/cases/{world.phoned.number}/")
    assert "冰箱冷藏室不制冷" in page.content()
    shot("workbench-03-search-number-opens-the-case")

    # The last 4 digits of the caller's phone: the customer and their cases, grouped.
    box = page.get_by_test_id("global-search-input")
    box.fill("4444")
    box.press("Enter")
    page.wait_for_url("**/search/?q=4444")
    customers = page.get_by_test_id("search-group-customers").inner_text()
    assert "王小明" in customers and "13912344444" in customers
    assert world.phoned.number in page.get_by_test_id("search-group-cases").inner_text()
    shot("workbench-04-search-last-4-digits")


def test_a_technicians_workbench_on_a_phone(browser, live_server, world):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        sign_in(phone, "tech", PASSWORD)
        phone.wait_for_url("**/")
        assert todo_count(phone, "repairs.today") == 1
        assert phone.get_by_test_id("figure-repairs.my_done").is_visible()
        no_sideways_scroll(phone)
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "workbench-05-technician-phone.png"), full_page=True)

        # The day's visits themselves: the Django tests follow this link.
        assert phone.get_by_test_id("todo-repairs.today").get_attribute("href") == "/repairs/my/"
    finally:
        context.close()


def test_the_search_box_keeps_the_top_bar_on_one_line(page, shot, world):
    """The administrator has the most menus: with the search box they still fit one line on
    a laptop screen, in Chinese and in English, without a sideways scroll; the empty workbench
    says so."""
    sign_in(page, "boss", PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_test_id("todos-empty").is_visible()
    for language in ("zh-hans", "en"):
        if language == "en":
            english(page)
        height = page.locator("nav.app-navbar").bounding_box()["height"]
        assert height < 70, f"the top bar wraps in {language}: {height}px"
        # Nor does it push the page sideways (it did, by 12 px in Chinese and far more in
        # English): menus that do not fit scroll inside the bar.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"the page is {width}px wide in {language} on a 1280px screen"
        user_menu = page.get_by_test_id("user-menu").bounding_box()
        assert user_menu["x"] + user_menu["width"] <= 1280, (
            f"the user menu is off-screen ({language})"
        )
    shot("workbench-06-administrator-empty")
