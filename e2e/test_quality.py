"""An inspector records a failing finished-goods inspection: the batch is blocked, the
nonconformance is on the quality manager's list, and the trace page shows it all (QC-1,
QC-2, QC-5, QC-7)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from test_login_flow import sign_in
from test_sales import log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_failing_inspection_blocks_the_batch_and_reaches_the_quality_manager(
    page, shot, demo_company
):
    from aftersales.catalog.models import Batch

    batch_no = f"TV{timezone.localdate():%Y%m%d}03"
    assert Batch.objects.get(batch_no=batch_no).quality_status == "pending"

    sign_in(page, "wangfang")
    page.wait_for_url("**/")
    page.click("[data-nav=quality]")
    page.wait_for_url("**/quality/")
    shot("40-quality-home-inspector")
    page.get_by_test_id("quality-tabs").get_by_role("link", name="检验记录").click()
    page.get_by_test_id(f"inspect-{batch_no}").click()
    page.get_by_test_id("plan-choices").get_by_role("link").first.click()
    form = page.get_by_test_id("inspection-form")
    form.get_by_test_id("pass-1").click()
    form.get_by_test_id("fail-2").click()  # dead pixels: a critical item
    form.locator("input[name$='-note']").nth(1).fill("5台中2台屏幕有亮点")
    form.get_by_test_id("value-3").fill("1232")
    form.get_by_test_id("pass-4").click()
    form.get_by_test_id("pass-5").click()
    shot("41-inspection-form")
    form.get_by_test_id("save-inspection").click()
    page.wait_for_url("**/quality/inspections/*/")
    assert "不合格" in page.get_by_test_id("failed-alert").inner_text()
    assert page.get_by_test_id("batch-status").inner_text() == "不合格"
    shot("42-inspection-failed")
    assert Batch.objects.get(batch_no=batch_no).quality_status == "failed"
    log_out(page)

    sign_in(page, "lina")
    page.wait_for_url("**/")
    page.goto("/quality/")
    page.get_by_test_id("quality-tabs").get_by_role("link", name="不合格品").click()
    table = page.get_by_test_id("nc-table")
    row = table.locator("tr", has_text=batch_no)
    assert row.count() == 1 and "致命" in row.inner_text()
    shot("43-nonconformances-quality-manager")
    row.get_by_role("link").first.click()
    assert "屏幕无坏点、亮点" in page.locator("body").inner_text()
    action = page.get_by_test_id("action-form")
    action.locator("input[name=description]").fill("屏幕来料全检，隔离该批次")
    action.locator("select[name=owner]").select_option(label="王芳")
    action.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("nc-status").inner_text() == "措施实施中"
    shot("44-nonconformance-action")
    page.get_by_role("link", name=batch_no).first.click()
    page.wait_for_url("**/quality/trace/batches/*/")
    assert page.get_by_test_id("batch-status").inner_text() == "不合格"
    assert "QI-" in page.get_by_test_id("trace-inspections").inner_text()
    shot("45-batch-trace")


def test_a_liaison_form_goes_to_the_department_and_back(page, shot, demo_company):
    """QC-8: customer service writes down what a caller said; the quality department records
    its analysis and measures; the originator verifies and the form closes."""
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/quality/liaison/new/")
    form = page.get_by_test_id("liaison-form")
    form.locator("input[name=kind][value=complaint]").check()
    form.locator("input[name=contact]").fill("李先生 139 0000 1234")
    form.locator("select[name=department]").select_option(label="品质部")
    form.locator("textarea[name=content]").fill("客户说冰箱门封条用了两个月就变形，关不严。")
    shot("46-liaison-new")
    page.get_by_test_id("liaison-submit").click()
    page.wait_for_url("**/quality/liaison/*/")
    detail_url = page.url
    assert page.get_by_test_id("liaison-status").inner_text() == "待部门处理"
    log_out(page)

    sign_in(page, "lina")
    page.wait_for_url("**/")
    page.goto("/quality/liaison/")
    row = page.get_by_test_id("liaison-table").locator("tr", has_text="门封条")
    row.get_by_role("link").first.click()
    handle = page.get_by_test_id("step-handle")
    handle.locator("textarea[name=analysis]").fill("门封条供应商更换材料，耐温性能下降。")
    handle.locator("textarea[name=measures]").fill("恢复原材料；已为李先生上门更换封条。")
    handle.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("liaison-status").inner_text() == "待验证效果"
    log_out(page)

    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto(detail_url)
    verify = page.get_by_test_id("step-verify")
    verify.locator("input[name=effective][value=yes]").check()
    verify.locator("textarea[name=verification]").fill("回访李先生，门已关严，满意。")
    verify.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("liaison-status").inner_text() == "已验证关闭"
    assert "回访李先生" in page.get_by_test_id("liaison-verification").inner_text()
    shot("47-liaison-closed")
