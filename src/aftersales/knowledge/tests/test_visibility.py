"""Who reads which article (FB-4, SEC): the company's staff read every published article, a
dealer's people the dealers' and the public ones, the public (no sign-in) the public ones
only — in suggestions, in search, in lists and through the API alike. Drafts are for the
writers and reviewers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from ..models import Visibility
from ..search import Query
from ..selectors import article_list_for_user, article_search, public_articles, suggest_articles
from .factories import draft_article, published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(writer, reviewer, tv, screen_lines):
    """The same text at the three levels, and a public draft."""

    def one(visibility, title):
        return published_article(
            writer,
            reviewer,
            title=title,
            problem="显示屏出现条纹",
            solution="重新插拔屏线",
            products=[tv],
            fault_codes=[screen_lines],
            visibility=visibility,
        )

    return {
        "internal": one(Visibility.INTERNAL, "条纹：内部维修步骤"),
        "dealers": one(Visibility.DEALERS, "条纹：经销商检修指引"),
        "public": one(Visibility.PUBLIC, "条纹：用户自查"),
        "draft": draft_article(
            writer, title="条纹：草稿", products=[tv], visibility=Visibility.PUBLIC
        ),
    }


def titles(articles):
    return {a.title for a in articles}


def test_a_dealer_and_the_public_are_never_offered_an_internal_article(
    articles, writer, dealer_person, tv
):
    """FB-4: suggestions for 屏幕有横线: all three for the staff, the dealers' and the public
    one for a dealer, the public one only for anyone not signed in; never the draft."""
    query = Query.build("屏幕有横线", product=tv)
    seen = {
        who: titles(h.article for h in suggest_articles(user, query))
        for who, user in (("staff", writer), ("dealer", dealer_person), ("public", AnonymousUser()))
    }
    assert seen["staff"] == {"条纹：内部维修步骤", "条纹：经销商检修指引", "条纹：用户自查"}
    assert seen["dealer"] == {"条纹：经销商检修指引", "条纹：用户自查"}
    assert seen["public"] == {"条纹：用户自查"}
    assert suggest_articles(None, query)[0].article == articles["public"]


def test_lists_and_search_keep_to_the_readers_levels(articles, writer, dealer_person):
    """FB-4: the article list and its search (by words or by the number typed in full)."""
    internal = articles["internal"]
    assert titles(article_list_for_user(dealer_person)) == {
        "条纹：经销商检修指引",
        "条纹：用户自查",
    }
    assert titles(article_list_for_user(AnonymousUser())) == {"条纹：用户自查"}
    assert titles(public_articles()) == {"条纹：用户自查"}
    # The writer sees the draft too.
    assert "条纹：草稿" in titles(article_list_for_user(writer))
    for_dealer = article_list_for_user(dealer_person)
    assert titles(article_search(for_dealer, "条纹")) == {"条纹：经销商检修指引", "条纹：用户自查"}
    assert list(article_search(for_dealer, internal.number)) == []
    assert list(article_search(article_list_for_user(writer), internal.number)) == [internal]
    assert titles(article_search(public_articles(), "屏线")) == {"条纹：用户自查"}


def test_the_api_answers_404_for_an_article_the_reader_may_not_see(
    articles, api_as, api_client, dealer_person, writer
):
    """FB-4: GET /api/v1/knowledge/articles/{number}/ — a dealer gets 404 for the internal
    article and the draft, 200 for the dealers' one; without sign-in nothing is shown."""
    dealer = api_as(dealer_person)
    url = "/api/v1/knowledge/articles/{}/"
    for key in ("internal", "draft"):
        response = dealer.get(url.format(articles[key].number))
        assert response.status_code == 404, key
        assert articles[key].title not in response.content.decode()
    shown = dealer.get(url.format(articles["dealers"].number))
    assert shown.status_code == 200
    assert shown.json()["title"] == "条纹：经销商检修指引"
    assert shown.json()["solution_steps"] == ["重新插拔屏线"]
    assert shown.json()["public_url"] is None  # not for customers
    public = dealer.get(url.format(articles["public"].number)).json()
    assert public["public_url"] == f"/help/a/{articles['public'].number}/"
    assert api_as(writer).get(url.format(articles["internal"].number)).status_code == 200
    anonymous = api_client.get(url.format(articles["internal"].number))
    assert anonymous.status_code in (401, 403)
    assert "条纹" not in anonymous.content.decode()


def test_the_api_list_and_suggestions_keep_to_the_readers_levels(
    articles, api_as, api_client, dealer_person, tv
):
    """FB-4: /api/v1/knowledge/articles/?q= and /api/v1/knowledge/suggestions/ for a
    dealer: the dealers' and the public article, never the internal one."""
    dealer = api_as(dealer_person)
    listed = dealer.get("/api/v1/knowledge/articles/", {"q": "条纹"})
    assert listed.status_code == 200
    assert {a["title"] for a in listed.json()["results"]} == {
        "条纹：经销商检修指引",
        "条纹：用户自查",
    }
    suggested = dealer.get(
        "/api/v1/knowledge/suggestions/", {"text": "屏幕有横线", "product_sku": tv.sku}
    )
    assert suggested.status_code == 200
    body = suggested.json()
    assert body["fault_codes"] == ["tv-screen-lines"]
    assert {h["article"]["title"] for h in body["articles"]} == {
        "条纹：经销商检修指引",
        "条纹：用户自查",
    }
    assert articles["internal"].number not in suggested.content.decode()
    anonymous = api_client.get("/api/v1/knowledge/suggestions/", {"text": "屏幕有横线"})
    assert anonymous.status_code in (401, 403)
