"""Customers and products in the browser: import a workbook, see the rows, mask and reveal."""

import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def customers_workbook(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "类型", "手机", "省份", "城市", "区县", "详细地址", "客户等级"])
    for row in [
        ["钱多多", "个人", "13611112222", "上海市", "上海市", "长宁区", "延安西路1号", "VIP"],
        ["孙悟净", "个人", "13622223333", "江苏省", "无锡市", "梁溪区", "中山路2号", "普通"],
    ]:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    path.write_bytes(data.getvalue())
    return path


def test_import_customers_through_the_page(page, shot, demo_company, tmp_path):
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.click("[data-nav=customers]")
    page.wait_for_url("**/customers/")
    shot("20-customers-zh")
    page.get_by_test_id("import-link").click()
    page.wait_for_url("**/import/customers/")
    shot("21-import-start-zh")
    form = page.get_by_test_id("import-form")
    form.locator("input[name=file]").set_input_files(str(customers_workbook(tmp_path / "c.xlsx")))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "2 行全部正确" in page.get_by_test_id("import-ok").inner_text()
    assert "钱多多" in page.get_by_test_id("import-preview").inner_text()
    shot("22-import-preview-zh")
    page.get_by_test_id("import-apply").click()
    page.wait_for_url("**/customers/")
    table = page.get_by_test_id("customer-table").inner_text()
    assert "钱多多" in table and "孙悟净" in table
    assert "已导入 2 行" in page.content()
    shot("23-customers-imported-zh")


def test_a_bad_workbook_shows_each_problem_and_saves_nothing(page, shot, demo_company, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机"])
    sheet.append(["好客户", "13611112222"])
    sheet.append(["坏客户", "12345"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/import/customers/")
    page.get_by_test_id("import-form").locator("input[name=file]").set_input_files(str(path))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    problems = page.get_by_test_id("import-problems").inner_text()
    assert "3" in problems and "手机" in problems and "13–19" in problems
    shot("24-import-problems-zh")
    page.goto("/customers/?q=好客户")
    assert page.get_by_test_id("empty-customers").is_visible()


def test_masked_phone_is_revealed_on_demand(page, shot, demo_company):
    sign_in(page, "lina")  # quality department: no need to see phone numbers
    page.wait_for_url("**/")
    page.goto("/customers/?q=王小明")
    page.click("text=王小明")
    page.wait_for_url("**/customers/*/")
    assert page.get_by_test_id("mobile").inner_text().startswith("138****5678")
    page.get_by_test_id("reveal-mobile").click()
    page.get_by_test_id("revealed-mobile").wait_for()
    assert page.get_by_test_id("revealed-mobile").inner_text() == "13812345678"
    shot("25-customer-detail-zh")
