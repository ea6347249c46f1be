"""A service desk's case (issue 17): the agent writes an internal note and logs a call on the
case page, both appear on the case's history, and a link a person may not follow leads to a
friendly page inside the layout instead of Django's own."""

import pytest
from django.core.management import call_command

from test_login_flow import sign_in
from test_sales import log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_a_note_and_a_call_on_the_case_page(page, shot, demo_company):
    from aftersales.service.models import Case, CaseCall, CaseNote

    case = Case.objects.filter(kind="complaint", status="new").order_by("id").first()
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto(f"/service/cases/{case.number}/")

    note = page.get_by_test_id("note-form")
    note.locator("textarea[name=text]").fill("客户情绪激动，已安抚；周五上午前务必回电")
    note.locator("button").click()
    page.wait_for_load_state()

    call = page.get_by_test_id("call-form")
    call.locator("select[name=direction]").select_option("outbound")
    call.locator("input[name=minutes]").fill("3")
    call.locator("input[name=seconds]").fill("20")
    call.locator("select[name=outcome]").select_option("reached")
    call.locator("input[name=note]").fill("约好周五上午工程师上门")
    shot("60-case-log-call-form")
    call.locator("button").click()
    page.wait_for_load_state()

    saved = CaseCall.objects.get(case=case)
    assert (saved.direction, saved.duration_seconds, saved.outcome) == ("outbound", 200, "reached")
    assert CaseNote.objects.get(case=case).author.username == "sunli"
    history = page.get_by_test_id("timeline")
    assert "客户情绪激动，已安抚" in history.inner_text()
    assert "约好周五上午工程师上门" in history.inner_text()
    assert history.locator(".bi-telephone-outbound").count() == 1
    assert history.locator(".bi-journal-text").count() == 1
    shot("61-case-log-on-the-timeline")
    log_out(page)

    # The customer's link shows neither.
    from urllib.parse import urlsplit

    from aftersales.service.services.tracking import tracking_url

    link = urlsplit(tracking_url(case))
    page.goto(f"{link.path}?{link.query}")
    assert page.get_by_test_id("track-status").is_visible()
    assert "客户情绪激动" not in page.content() and "约好周五" not in page.content()


def test_a_page_out_of_reach_is_friendly(page, shot, demo_company):
    sign_in(page, "zhoujing")  # a dealer's person: quality records are not theirs
    page.wait_for_url("**/")
    page.goto("/quality/")
    error = page.get_by_test_id("error-page")
    assert error.get_attribute("data-status") == "404"
    assert page.get_by_test_id("main-nav").is_visible()  # inside the layout
    assert "Traceback" not in page.content()
    shot("62-not-found-inside-the-layout")
    page.get_by_test_id("error-way-back").locator("a.btn-primary").click()
    page.wait_for_url("**/")
