"""An administrator runs the calendar and the SLA policies; an escalation reaches the bell."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ANNOUNCEMENT = """kind,start,end,name
holiday,2027-01-01,2027-01-03,元旦
holiday,2027-02-05,2027-02-12,春节
workday,2027-02-14,,春节调休上班
workday,2027-02-20,,春节调休上班
"""


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_calendar_overrides_and_announcement(page, shot, demo_company, tmp_path):
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.click("[data-nav=calendar]")
    page.wait_for_url("**/calendar/*/")
    page.goto("/calendar/2026/")
    assert page.get_by_test_id("year-status").inner_text() == "官方安排"
    assert page.locator("[data-date='2026-02-14']").get_attribute("data-kind") == "makeup_workday"
    shot("10-calendar-2026-zh")

    form = page.get_by_test_id("override-form")
    form.locator("input[name=day]").fill("2026-12-31")
    form.locator("select[name=is_workday]").select_option("0")
    form.locator("input[name=name]").fill("公司年会")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-date='2026-12-31']").get_attribute("data-kind") == "company_rest"
    assert "公司年会" in page.get_by_test_id("overrides").inner_text()

    page.goto("/calendar/2027/")
    assert page.get_by_test_id("year-status").inner_text() == "暂定"
    shot("11-calendar-2027-provisional-zh")
    csv = Path(tmp_path) / "2027.csv"
    csv.write_text(ANNOUNCEMENT, encoding="utf-8")
    form = page.get_by_test_id("announcement-form")
    form.locator("input[name=notice]").fill("国务院办公厅关于2027年部分节假日安排的通知")
    form.locator("input[name=file]").set_input_files(str(csv))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("year-status").inner_text() == "官方安排"
    assert page.locator("[data-date='2027-02-14']").get_attribute("data-kind") == "makeup_workday"
    shot("12-calendar-2027-loaded-zh")


def test_sla_policy_edit(page, shot, demo_company):
    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.goto("/sla/policies/")
    assert "标准服务时限（制度预设）" in page.content()
    assert page.get_by_test_id("target-resolution").first.inner_text() == "15 工作日"
    shot("13-sla-policies-zh")
    page.get_by_test_id("policy").first.locator("a:has-text('编辑')").click()
    page.wait_for_url("**/edit/")
    page.fill("input[name=t-3-amount]", "10")
    shot("14-sla-policy-edit-zh")
    page.click("[data-testid=policy-form] button[type=submit]")
    page.wait_for_url("**/sla/policies/")
    assert page.get_by_test_id("target-resolution").first.inner_text() == "10 工作日"


def test_an_overdue_clock_reaches_customer_service(page, shot, demo_company):
    from aftersales.accounts.models import User
    from aftersales.sla.models import SlaPolicy
    from aftersales.sla.services import sla_clock_start, sla_sweep

    owner = User.objects.get(username="zhoujing")
    policy = SlaPolicy.objects.get(name="标准服务时限（制度预设）")
    sla_clock_start(
        owner=owner,
        metric="first_response",
        policy=policy,
        started_at=timezone.now() - timedelta(hours=30),
    )
    from aftersales.core.models import Notification

    unread = Notification.objects.filter(recipient__username="sunli", read_at__isnull=True)
    before = unread.count()  # the demo's own (this month's self-inspection)
    sla_sweep()
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    assert page.get_by_test_id("unread-count").inner_text() == str(before + 1)
    page.get_by_test_id("bell").click()
    page.wait_for_url("**/notifications/")
    assert "已超时：首次响应 · 周静（第 2 级）" in page.get_by_test_id("notifications").inner_text()
    shot("15-notifications-zh")


NOTICE_2027 = (
    Path(__file__).resolve().parent.parent / "src/aftersales/workdays/tests/notices/2027-sample.txt"
).read_text(encoding="utf-8")


def test_the_state_council_notice_is_pasted_previewed_and_imported(page, shot, demo_company):
    """R43 end to end: a case's verification clock runs over the 2027 Spring Festival on the
    provisional calendar ("暂定"); the administrator pastes the notice, sees the days that
    change, imports it, and the clock is recounted on the official schedule."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from aftersales.service.models import Case
    from aftersales.sla.models import SlaPolicy
    from aftersales.sla.services import sla_clock_start

    case = Case.objects.order_by("created_at").first()
    clock = sla_clock_start(
        owner=case,
        metric="initial_verification",
        policy=SlaPolicy.objects.get(name="标准服务时限（制度预设）"),
        started_at=datetime(2027, 2, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    )
    assert clock.provisional

    sign_in(page, "admin")
    page.wait_for_url("**/")
    page.goto(f"/service/cases/{case.number}/")
    item = page.get_by_test_id("sla-item-verification")
    assert "02-15" in item.get_by_test_id("sla-verification").inner_text()
    assert item.get_by_test_id("provisional").is_visible()
    shot("13-case-provisional-deadline-zh")

    page.goto("/calendar/2027/")
    page.get_by_test_id("notice-link").click()
    page.wait_for_url("**/calendar/2027/notice/")
    page.locator("textarea[name=text]").fill(NOTICE_2027)
    page.get_by_test_id("notice-preview").click()
    page.wait_for_load_state()
    assert "11 天与暂定日历不同" in page.get_by_test_id("notice-diff-count").inner_text()
    assert "2027-02-14" in page.get_by_test_id("notice-differences").inner_text()
    assert page.locator("[data-date='2027-02-14']").get_attribute("data-changed") == "1"
    shot("14-notice-preview-zh")

    page.get_by_test_id("notice-import").click()
    page.wait_for_url("**/calendar/2027/")
    assert page.get_by_test_id("year-status").inner_text() == "官方安排"
    message = page.locator(".alert-success").first.inner_text()
    assert "已导入 2027 年节假日安排" in message and "服务时限计时 1" in message
    shot("15-notice-imported-zh")

    page.goto(f"/service/cases/{case.number}/")
    item = page.get_by_test_id("sla-item-verification")
    assert "02-16" in item.get_by_test_id("sla-verification").inner_text()
    assert item.get_by_test_id("provisional").count() == 0
    clock.refresh_from_db()
    assert clock.provisional is False
