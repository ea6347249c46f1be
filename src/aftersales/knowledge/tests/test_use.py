"""Suggestions put to use on a case (FB-4): an article attached (counted once per case, on
the case's timeline), a public article sent to the customer by SMS with its help-centre
link; over the API too, with the suggestions endpoint's query count pinned."""

from __future__ import annotations

import pytest

from aftersales.core.errors import InvalidInput, NotFound
from aftersales.core.models import OutboundMessage
from aftersales.service.models import CaseEvent

from .. import services
from ..models import Article, SuggestionUse, Visibility
from .conftest import MONDAY, solve, take_case
from .factories import published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(writer, tv):
    return take_case(writer, "电视屏幕有横线", product=tv, phone="13912345678")


@pytest.fixture
def public(writer, reviewer, tv, screen_lines):
    return published_article(
        writer,
        reviewer,
        title="屏幕有横线怎么办",
        problem="屏幕有横线",
        solution="关机拔电源一分钟",
        products=[tv],
        fault_codes=[screen_lines],
        visibility=Visibility.PUBLIC,
    )


@pytest.fixture
def internal(writer, reviewer, tv, screen_lines):
    return published_article(
        writer,
        reviewer,
        title="更换屏线",
        problem="屏幕有横线",
        solution="拆后盖更换屏线",
        products=[tv],
        fault_codes=[screen_lines],
    )


def test_attaching_an_article_counts_once_per_case(writer, case, internal, tv):
    """FB-4: attached twice to one case: one use, one timeline entry; another case counts
    again."""
    first = services.suggestion_attach(actor=writer, case=case, article=internal)
    again = services.suggestion_attach(actor=writer, case=case, article=internal)
    assert first.pk == again.pk and first.action == SuggestionUse.Action.ATTACHED
    internal.refresh_from_db()
    assert internal.used == 1
    events = CaseEvent.objects.filter(case=case, action="knowledge")
    assert [e.note for e in events] == [f"{internal.number} 更换屏线"]
    assert not events[0].customer_visible
    other = take_case(writer, "屏幕横线", product=tv, phone="13800000009")
    services.suggestion_attach(actor=writer, case=other, article=internal)
    internal.refresh_from_db()
    assert internal.used == 2


def test_a_similar_case_is_attached_with_its_solution(writer, case, tv):
    solved = solve(
        writer, take_case(writer, "屏幕有横线", product=tv, phone="13800000008"), "换屏线"
    )
    services.suggestion_attach(actor=writer, case=case, similar_case=solved)
    event = CaseEvent.objects.get(case=case, action="knowledge")
    assert event.note == f"{solved.number}: 换屏线"
    with pytest.raises(InvalidInput) as refused:
        services.suggestion_attach(actor=writer, case=case, similar_case=case)
    assert set(refused.value.fields) == {"similar_case"}
    with pytest.raises(InvalidInput) as neither:
        services.suggestion_attach(actor=writer, case=case)
    assert set(neither.value.fields) == {"article"}


def test_sending_a_public_article_texts_the_customer_its_help_link(writer, case, public):
    """FB-4: the SMS carries the help centre's address of the article; the article counts
    it; the customer's timeline shows it."""
    before = OutboundMessage.objects.count()
    use = services.article_send(actor=writer, case=case, article=public)
    assert use.action == SuggestionUse.Action.SENT
    sms = OutboundMessage.objects.order_by("-pk").first()
    assert OutboundMessage.objects.count() == before + 1
    assert sms.channel == OutboundMessage.Channel.SMS and sms.to == "13912345678"
    link = services.article_public_url(public)
    assert link.endswith(f"/help/a/{public.number}/") and link.startswith("http")
    assert link in sms.body and "屏幕有横线怎么办" in sms.body and "王小明" in sms.body
    assert sms.related == case.number
    public.refresh_from_db()
    assert public.sent == 1
    event = CaseEvent.objects.get(case=case, action="knowledge_sent")
    assert event.customer_visible and public.number in event.note


def test_an_internal_article_is_not_sent_to_a_customer(writer, case, internal):
    before = OutboundMessage.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.article_send(actor=writer, case=case, article=internal)
    assert set(refused.value.fields) == {"article"}
    assert OutboundMessage.objects.count() == before
    internal.refresh_from_db()
    assert internal.sent == 0


def test_a_dealer_cannot_attach_an_internal_article(dealer_person, internal, tv):
    """FB-4: the dealer's own case, an article the dealer may not read: not found."""
    own_case = take_case(dealer_person, "电视屏幕有横线", product=tv, phone="13800000007")
    with pytest.raises(NotFound):
        services.suggestion_attach(actor=dealer_person, case=own_case, article=internal)
    assert not SuggestionUse.objects.exists()


def test_the_api_records_a_use(api_as, writer, case, public, internal):
    """FB-4: POST /api/v1/knowledge/uses/ → 201 with the case, the action and the article;
    sending an internal article is a 400 on "article"."""
    client = api_as(writer)
    attached = client.post(
        "/api/v1/knowledge/uses/",
        {"case": case.number, "action": "attach", "article": internal.number},
        format="json",
    )
    assert attached.status_code == 201, attached.json()
    body = attached.json()
    assert (body["case"], body["action"], body["article"]) == (
        case.number,
        "attached",
        internal.number,
    )
    sent = client.post(
        "/api/v1/knowledge/uses/",
        {"case": case.number, "action": "send", "article": public.number},
        format="json",
    )
    assert sent.status_code == 201 and sent.json()["action"] == "sent"
    refused = client.post(
        "/api/v1/knowledge/uses/",
        {"case": case.number, "action": "send", "article": internal.number},
        format="json",
    )
    assert refused.status_code == 400 and "article" in refused.json()["fields"]
    unknown = client.post(
        "/api/v1/knowledge/uses/",
        {"case": "TK-00000000-0000", "action": "attach", "article": public.number},
        format="json",
    )
    assert unknown.status_code == 400 and "case" in unknown.json()["fields"]
    assert Article.objects.get(pk=internal.pk).used == 1


def test_suggestions_for_a_case_over_the_api(
    api_as, writer, reviewer, tv, screen_lines, public, time_machine, django_assert_max_num_queries
):
    """FB-4: GET /api/v1/knowledge/suggestions/?case=… takes the case's text, product and
    fault code; it offers the articles and the other solved cases, not the case itself, in a
    bounded number of queries."""
    time_machine.move_to(MONDAY, tick=False)
    for n in range(3):
        solve(
            writer,
            take_case(writer, "屏幕有横线", product=tv, phone=f"1380000001{n}"),
            f"更换屏线 {n}",
        )
        published_article(
            writer,
            reviewer,
            title=f"横线处理 {n}",
            problem="屏幕有横线",
            solution="更换屏线",
            products=[tv],
            fault_codes=[screen_lines],
        )
    current = solve(writer, take_case(writer, "屏幕有横线", product=tv), "上门检查")
    client = api_as(writer)
    with django_assert_max_num_queries(13):
        response = client.get("/api/v1/knowledge/suggestions/", {"case": current.number})
    assert response.status_code == 200
    body = response.json()
    assert body["fault_codes"] == ["tv-screen-lines"]
    assert len(body["articles"]) == 4
    numbers = [c["number"] for c in body["cases"]]
    assert len(numbers) == 3 and current.number not in numbers
    assert {c["product_sku"] for c in body["cases"]} == {"TV-55A1"}


def test_suggestions_name_bad_parameters(api_as, writer):
    response = api_as(writer).get(
        "/api/v1/knowledge/suggestions/", {"text": " ", "product_sku": "NOPE", "category": "x"}
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"text", "product_sku", "category"}
