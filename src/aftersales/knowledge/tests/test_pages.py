"""The knowledge pages (FB-4): suggestions on the intake form, the case page and the
technician's visit page; attaching and sending them; 写成知识 from a solved case; the review
on the pages; the technical support manual PDF; and the public help centre."""

from __future__ import annotations

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.messaging import OutboundMessage
from aftersales.core.testing import assert_pdf_reads_well, no_missing_glyphs
from aftersales.service.models import Case, CaseEvent

from ..models import Article, ArticleVersion, HelpfulVote, SuggestionUse
from .conftest import solve, take_case
from .factories import draft_article, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripes(writer, reviewer, tv, screen_lines):
    """A public article in other words than the customer's: 条纹, where callers say 横线."""
    return published_article(
        writer,
        reviewer,
        title="显示屏出现条纹",
        problem="开机后显示屏出现彩色条纹",
        cause="屏线接触不良或T-CON板故障",
        solution="断电后重新插拔屏线\n仍有条纹时更换T-CON板",
        parts="T-CON板",
        safety="断电操作，防止触电",
        visibility="public",
        products=[tv],
        fault_codes=[screen_lines],
    )


@pytest.fixture
def internal(writer, reviewer, tv, screen_lines):
    return published_article(
        writer,
        reviewer,
        title="屏幕横线的维修工艺（内部）",
        problem="屏幕横线",
        solution="拆机更换屏体",
        visibility="internal",
        products=[tv],
        fault_codes=[screen_lines],
    )


def test_intake_form_suggests_while_typing_and_attaches_the_ticked_article(
    client, writer, tv, stripes
):
    """FB-4: the intake form asks for suggestions as the description is typed; the article
    found through the fault code appears, and ticking it attaches it to the new case."""
    client.force_login(writer)
    form = client.get("/service/new/")
    assert 'data-testid="kb-intake"' in form.content.decode()
    fragment = client.get(
        "/knowledge/suggest/", {"description": "电视屏幕有横线", "product_sku": "TV-55A1"}
    ).content.decode()
    assert "显示屏出现条纹" in fragment
    assert f'name="attach_article" value="{stripes.number}"' in fragment
    answer = client.post(
        "/service/new/",
        {
            "channel": "phone",
            "kind": "repair",
            "customer_name": "王小明",
            "customer_phone": "13912345678",
            "product_sku": "TV-55A1",
            "priority": "normal",
            "description": "电视屏幕有横线",
            "fault_code": "tv-screen-lines",
            "attach_article": [stripes.number],
            "form_key": "k1",
        },
    )
    assert answer.status_code == 302
    case = Case.objects.get()
    assert case.fault_code.code == "tv-screen-lines"
    assert SuggestionUse.objects.filter(case=case, article=stripes, action="attached").exists()
    stripes.refresh_from_db()
    assert stripes.used == 1


def test_case_page_offers_suggestions_to_attach_and_send(client, writer, tv, stripes, internal):
    """FB-4: the case page lists the articles and similar cases; "send to the customer" is
    offered for public articles only, queues an SMS with the help centre's link and shows on
    the customer's timeline."""
    case = take_case(writer, "电视屏幕有横线，开机就有", product=tv)
    client.force_login(writer)
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert 'data-testid="kb-case-panel"' in page
    assert f'data-testid="kb-send-{stripes.number}"' in page
    assert f'data-testid="kb-attach-{internal.number}"' in page
    assert f'data-testid="kb-send-{internal.number}"' not in page  # internal: never sent
    client.post(
        f"/knowledge/cases/{case.number}/use/", {"action": "send", "article": stripes.number}
    )
    sms = OutboundMessage.objects.filter(related=case.number, body__contains="显示屏出现条纹")
    assert sms.count() == 1
    assert f"/help/a/{stripes.number}/" in sms.get().body
    event = CaseEvent.objects.get(case=case, action="knowledge_sent")
    assert event.customer_visible
    page = client.get(f"/service/cases/{case.number}/").content.decode()
    assert f'data-testid="kb-sent-{stripes.number}"' in page
    answer = client.post(
        f"/knowledge/cases/{case.number}/use/", {"action": "send", "article": internal.number}
    )
    assert answer.status_code == 302
    assert OutboundMessage.objects.filter(related=case.number, body__contains="内部").count() == 0


def test_write_it_up_prefills_the_article_from_the_solved_case(client, writer, tv, screen_lines):
    """FB-4: "写成知识" on a solved case fills the form from the case; saving keeps the case
    as the source of version 1."""
    case = take_case(writer, "电视屏幕有横线", product=tv, fault_code="tv-screen-lines")
    case = solve(writer, case, "重新插拔屏线后正常")
    client.force_login(writer)
    panel = client.get(f"/service/cases/{case.number}/").content.decode()
    assert f"/knowledge/new/?case={case.number}" in panel
    form = client.get("/knowledge/new/", {"case": case.number}).content.decode()
    assert "液晶电视：屏幕横线/条纹" in form
    assert "重新插拔屏线后正常" in form
    answer = client.post(
        "/knowledge/new/",
        {
            "title": "液晶电视屏幕横线",
            "visibility": "public",
            "products": [tv.pk],
            "fault_codes": [screen_lines.pk],
            "problem": "电视屏幕有横线",
            "solution": "重新插拔屏线",
            "cases": case.number,
        },
    )
    article = Article.objects.get()
    assert answer.status_code == 302
    assert list(article.versions.get().cases.all()) == [case]


def test_the_review_on_the_pages(client, writer, reviewer, tv):
    """FB-4: a draft is submitted, the owner department's head approves it on the page, and
    it is published; the writer sees no approve button."""
    article = draft_article(writer, products=[tv])
    client.force_login(writer)
    client.post(f"/knowledge/{article.number}/submit/")
    page = client.get(f"/knowledge/{article.number}/?version=open").content.decode()
    assert 'data-testid="kb-approve"' not in page
    client.force_login(reviewer)
    assert article.number in client.get("/knowledge/review/").content.decode()
    client.post(f"/knowledge/{article.number}/review/", {"decision": "approve"})
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published.status == ArticleVersion.Status.PUBLISHED


def test_bad_article_input_is_named_on_the_form(client, writer):
    """FB-4: a form without a product or category says so on the field."""
    client.force_login(writer)
    page = client.post(
        "/knowledge/new/",
        {"title": "无产品", "visibility": "internal", "problem": "x", "solution": "y"},
    )
    assert page.status_code == 200
    assert "products" in page.context["form"].errors
    assert not Article.objects.exists()


def test_the_support_manual_prints_the_published_articles_with_contents(
    client, writer, tv, stripes
):
    """FB-4 (S6, S18): the technical support manual of a product is a PDF with a table of
    contents and each article's steps."""
    draft_article(writer, title="草稿不应出现", products=[tv])
    client.force_login(writer)
    with no_missing_glyphs():
        pdf = client.get("/knowledge/manual.pdf", {"product": tv.pk})
        assert pdf["Content-Type"] == "application/pdf"
        text = assert_pdf_reads_well(
            pdf.content, "技术支持手册", "目录", "显示屏出现条纹", "T-CON板"
        )
    assert "草稿不应出现" not in text
    assert client.get("/knowledge/manual.pdf").status_code == 400


def test_help_centre_search_vote_and_request(client, stripes, internal, tv):
    """FB-4: the public help centre finds the article by the customer's words, counts "did
    this solve your problem?" once per visitor, and a "no" leads to a request for service
    that becomes a web case; an internal article is never shown."""
    index = client.get("/help/", {"q": "条纹"}).content.decode()
    assert stripes.number in index
    assert internal.number not in client.get("/help/", {"q": "横线"}).content.decode()
    assert client.get(f"/help/a/{internal.number}/").status_code == 404
    article = client.get(f"/help/a/{stripes.number}/").content.decode()
    assert "断电后重新插拔屏线" in article
    answer = client.post(f"/help/a/{stripes.number}/vote/", {"helpful": "no"})
    assert answer.status_code == 302 and "/help/request/" in answer["Location"]
    client.post(f"/help/a/{stripes.number}/vote/", {"helpful": "no"})  # counted once
    stripes.refresh_from_db()
    assert (stripes.helpful, stripes.not_helpful) == (0, 1)
    assert HelpfulVote.objects.count() == 1
    done = client.post(
        f"/help/request/?article={stripes.number}",
        {"name": "李女士", "phone": "13800001111", "product": tv.pk, "description": "还是有条纹"},
    )
    assert done.status_code == 200
    case = Case.objects.get()
    assert case.channel == "web" and case.created_by is None
    assert stripes.number in case.description
    bad = client.post("/help/request/", {"name": "李", "phone": "12", "description": "坏了"})
    assert "phone" in bad.context["form"].errors


def test_technician_visit_page_shows_how_it_was_fixed_before(client, make_user, tv, stripes):
    """FB-4: the technician's phone page for the visit shows the matching articles with
    their steps and safety notes."""
    from aftersales.repairs.services.work_orders import work_order_from_case

    dispatcher = make_user(Role.SERVICE, username="disp9", full_name="周敏")
    tech = make_user(Role.SERVICE, username="tech9", full_name="陈杰")
    case = take_case(dispatcher, "电视屏幕有横线", product=tv)
    type(case.customer).objects.filter(pk=case.customer_id).update(
        province="上海市", city="上海市", district="浦东新区", street="张江路 88 号"
    )
    case.refresh_from_db()
    wo = work_order_from_case(actor=dispatcher, case=case, kind="onsite_repair")
    type(wo).objects.filter(pk=wo.pk).update(technician=tech)
    client.force_login(tech)
    page = client.get(f"/repairs/my/{wo.number}/").content.decode()
    assert 'data-testid="kb-visit"' in page
    assert "断电后重新插拔屏线" in page and "断电操作，防止触电" in page
