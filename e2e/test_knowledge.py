"""Knowledge where the work happens (FB-4), in the browser: the agent types the customer's
words on the intake form, a support article written in other words appears, is attached to
the new case and sent to the customer, who opens it on the public help centre on a phone."""

import re

import pytest
from django.core.management import call_command

from conftest import ARTIFACTS
from test_login_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_company():
    call_command("seed_demo", verbosity=0)


def test_a_suggestion_attached_sent_and_read_by_the_customer(page, shot, browser, demo_company):
    from aftersales.core.models import OutboundMessage
    from aftersales.knowledge.models import Article, SuggestionUse
    from aftersales.service.models import Case

    expected = (
        Article.objects.filter(
            status="published", visibility="public", fault_codes__code="tv-screen-lines"
        )
        .order_by("number")
        .first()
    )
    assert expected is not None, "the demo has a public article on TV screen lines"
    sign_in(page, "sunli")
    page.wait_for_url("**/")
    page.goto("/service/new/")
    form = page.get_by_test_id("case-form")
    form.locator("input[name=customer_name]").fill("赵女士")
    form.locator("input[name=customer_phone]").fill("13855556666")
    form.locator("input[name=product_sku]").fill("TV-55A1")
    # The customer's words, not the article's: typed as an agent types them.
    form.locator("textarea[name=description]").press_sequentially("电视屏幕有横线", delay=60)
    suggestion = page.get_by_test_id(f"kb-article-{expected.number}")
    suggestion.wait_for()
    shot("143-knowledge-intake-suggestion")
    page.get_by_test_id(f"kb-attach-{expected.number}").check()
    page.get_by_test_id("save-case").click()
    page.wait_for_url("**/service/cases/*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    case = Case.objects.get(number=number)
    assert SuggestionUse.objects.filter(case=case, article=expected, action="attached").exists()
    panel = page.get_by_test_id("kb-case-panel")
    panel.get_by_test_id(f"kb-attached-{expected.number}").wait_for()
    panel.get_by_test_id(f"kb-send-{expected.number}").click()
    page.wait_for_load_state()
    page.get_by_test_id(f"kb-sent-{expected.number}").wait_for()
    page.get_by_test_id("kb-case-panel").scroll_into_view_if_needed()
    shot("144-knowledge-case-panel")
    sms = OutboundMessage.objects.filter(related=number, body__contains=expected.title).get()
    link = re.search(r"https?://\S+/help/a/\S+/", sms.body).group(0)

    # The customer, on a phone, opens the link from the SMS.
    phone = browser.new_context(
        base_url=page.context.pages[0].url.split("/service/")[0],
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
    )
    mobile = phone.new_page()
    mobile.goto("/help/" + link.split("/help/", 1)[1])
    assert mobile.get_by_test_id("help-title").inner_text() == expected.published.title
    assert mobile.get_by_test_id("help-steps").locator("li").count() >= 2
    mobile.screenshot(path=str(ARTIFACTS / "145-help-centre-article.png"), full_page=True)
    mobile.get_by_test_id("help-yes").click()
    mobile.wait_for_load_state()
    assert "很高兴" in mobile.get_by_test_id("help-vote").inner_text()
    expected.refresh_from_db()
    assert expected.helpful >= 1 and expected.sent >= 1
    mobile.goto("/help/?q=条纹")
    mobile.get_by_test_id(f"help-article-{expected.number}").wait_for()
    mobile.screenshot(path=str(ARTIFACTS / "146-help-centre-search.png"), full_page=True)
    phone.close()

    # Back at the desk: the article counts the use and the customer's answer.
    page.goto(f"/knowledge/{expected.number}/")
    assert int(page.get_by_test_id("kb-used").inner_text()) >= 1
    assert page.get_by_test_id("kb-helpful").inner_text().startswith(str(expected.helpful))
    shot("147-knowledge-article")
    page.goto("/knowledge/")
    page.get_by_test_id("kb-table").wait_for()
    shot("148-knowledge-list")
    page.goto("/knowledge/common-problems/")
    page.get_by_test_id("kb-problems").wait_for()
    shot("149-knowledge-common-problems")
