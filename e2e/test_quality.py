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
