"""The after-sales desk end to end (SVC-1 … SVC-8, S18 registers): an agent takes a phone
complaint, routing gives it to the after-sales department, a technician resolves it, the
customer confirms through the link in the SMS, the agent closes it, and it is on both
registers."""

import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from test_login_flow import sign_in
from test_sales import log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_a_phone_complaint_from_intake_to_the_registers(page, shot, demo_company):
    from aftersales.core.models import OutboundMessage
    from aftersales.service.models import Case

    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.click("[data-nav=service]")
    page.wait_for_url("**/service/")
    page.get_by_test_id("new-case").click()
    form = page.get_by_test_id("case-form")
    form.locator("select[name=channel]").select_option("phone")
    form.locator("select[name=kind]").select_option("complaint")
    form.locator("input[name=customer_name]").fill("王小明")
    form.locator("input[name=customer_phone]").fill("13812345678")
    form.locator("select[name=category]").select_option("quality")
    form.locator("textarea[name=description]").fill("新买的电视开机后屏幕有一条横线")
    form.locator("input[name=requested_remedy]").fill("上门维修")
    shot("50-case-intake")
    page.get_by_test_id("save-case").click()
    page.wait_for_url("**/service/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    case = Case.objects.get(number=number)
    assert case.department.name == "售后服务部" and case.assignee is not None
    assert "售后服务部" in page.get_by_test_id("case-handler").inner_text()
    page.get_by_test_id("step-accept").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已受理"
    shot("51-case-accepted")
    log_out(page)

    sign_in(page, case.assignee.username)
    page.wait_for_url("**/")
    page.goto(f"/service/cases/{number}/")
    page.get_by_test_id("step-start").locator("button").click()
    page.wait_for_load_state()
    resolve = page.get_by_test_id("step-resolve")
    resolve.locator("input[name=solution]").fill("上门更换屏幕排线")
    resolve.locator("input[name=result]").fill("显示正常")
    resolve.locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已解决"
    shot("52-case-resolved")
    log_out(page)

    # The customer opens the link in the SMS and confirms.
    sms = OutboundMessage.objects.filter(related=number, body__contains="上门更换屏幕排线").get()
    link = re.search(r"(/service/track/\?t=\S+)", sms.body).group(1)
    page.goto(link)
    assert page.get_by_test_id("track-status").inner_text() == "已解决"
    shot("53-customer-confirms")
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("track-status").inner_text() == "客户已确认"

    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto(f"/service/cases/{number}/")
    page.get_by_test_id("step-close").locator("button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("case-status").inner_text() == "已关闭"
    shot("54-case-closed")
    # Today's cases (the demo company has months of history before them).
    today = timezone.localdate().isoformat()
    page.goto(f"/service/register/?date_from={today}")
    assert number in page.get_by_test_id("register-table").inner_text()
    page.goto(f"/service/register/complaints/?date_from={today}")
    row = page.get_by_test_id("register-table").locator("tr", has_text=number)
    assert "上门更换屏幕排线" in row.inner_text()
    shot("55-complaint-register")


def test_the_desk_overview_leads_to_the_queue_and_bulk_assignment(page, shot, demo_company):
    """The morning at the desk: the overview shows the open work by status and department; the
    agent opens the unassigned cases, ticks them from the keyboard and hands them to the
    after-sales department in one go (SVC-5)."""
    from aftersales.service.models import Case

    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/service/overview/")
    open_count = int(page.get_by_test_id("kpi-open").inner_text())
    assert open_count == Case.objects.exclude(status__in=["closed", "cancelled"]).count() > 0
    assert page.get_by_test_id("by-department").is_visible()
    shot("56-desk-overview")
    waiting = Case.objects.exclude(status__in=["closed", "cancelled"]).filter(assignee=None)
    if not waiting.exists():  # the demo routes everything: free two cases for the test
        for case in Case.objects.exclude(status__in=["closed", "cancelled"])[:2]:
            Case.objects.filter(pk=case.pk).update(assignee=None, department=None)
    numbers = set(waiting.values_list("number", flat=True))
    page.get_by_test_id("kpi-unassigned").click()
    page.wait_for_url("**/service/?assignee=none")
    table = page.get_by_test_id("case-table")
    for _ in numbers:  # j moves down a row, x ticks it
        page.keyboard.press("j")
        page.keyboard.press("x")
    assert table.locator("input[name=cases]:checked").count() == len(numbers)
    bulk = page.get_by_test_id("bulk-assign")
    bulk.locator("select[name=department]").select_option(label="售后服务部")
    shot("57-bulk-assign")
    page.get_by_test_id("bulk-assign-submit").click()
    page.wait_for_load_state()
    assert str(len(numbers)) in page.locator(".alert-success").inner_text()
    shot("58-bulk-assigned")
    for case in Case.objects.filter(number__in=numbers):
        assert case.department.name == "售后服务部"
