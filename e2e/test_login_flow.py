"""A demo user signs in, sees the home page in Chinese, switches to English and logs out."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def sign_in(page, username: str, password: str = "demo1234"):
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-form] button[type=submit]")


def test_sign_in_chinese_home_switch_to_english_and_log_out(page, shot, demo_company):
    # The browser says en-US; pages are still Chinese until the person switches.
    page.goto("/")
    assert page.locator("h1").inner_text() == "销售与售后服务管理系统"
    assert "请使用工作账号登录" in page.content()
    shot("01-login-zh")

    sign_in(page, "wrong-user", "wrong-password")
    assert page.locator(".alert-danger").is_visible()
    assert "用户名" in page.locator(".alert-danger").inner_text()
    shot("02-login-error-zh")

    sign_in(page, "chenjie")
    page.wait_for_url("**/")
    assert page.get_by_test_id("greeting").inner_text() == "您好，陈杰"
    assert "售后服务部" in page.get_by_test_id("role-cards").inner_text()
    nav = page.get_by_test_id("main-nav").inner_text()
    assert "首页" in nav and "用户与角色" not in nav
    shot("03-home-zh")

    page.get_by_test_id("language-menu").click()
    page.locator("[data-testid=language-form] button[data-language=en]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("greeting").inner_text() == "Hello, 陈杰"
    assert "After-sales service" in page.get_by_test_id("role-cards").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    shot("04-home-en")

    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/accounts/login/")
    assert "Sign in with your work account" in page.content()
    shot("05-logged-out-en")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_administrator_manages_people_and_sees_the_timeline(page, shot, demo_company):
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.click("[data-nav=users]")
    page.wait_for_url("**/accounts/users/")
    assert page.get_by_test_id("user-table").locator("tbody tr").count() == 11  # the demo people
    shot("06-users-zh")

    # The list's own box, not the search box in the top bar.
    page.get_by_test_id("user-filter").locator("input[name=q]").fill("杨")
    # A locator, not a JavaScript string: the pages' Content-Security-Policy forbids eval.
    page.get_by_test_id("user-table").locator("tbody tr").nth(1).wait_for(state="detached")
    assert "杨敏" in page.get_by_test_id("user-table").inner_text()

    page.click("text=杨敏")
    page.click("text=编辑")
    page.check("input[name=roles][value=customer_service]")
    page.fill("input[name=phone]", "12345")
    page.click("[data-testid=user-form] button[type=submit]")
    assert "请输入中国大陆手机号" in page.locator("[data-field-error=phone]").inner_text()
    shot("07-user-edit-error-zh")

    page.fill("input[name=phone]", "13911112222")
    page.click("[data-testid=user-form] button[type=submit]")
    page.wait_for_url("**/accounts/users/*/")
    assert "客服部" in page.get_by_test_id("person-roles").inner_text()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "13800000008" in timeline and "13911112222" in timeline
    assert "系统管理员" in timeline
    shot("08-user-timeline-zh")
