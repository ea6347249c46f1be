"""The public help centre (FB-4): anyone, without signing in, reads the public articles at
/help/; an internal or a dealers' article is not there, not even by its number (404)."""

from __future__ import annotations

import pytest

from ..models import Visibility
from .factories import published_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(writer, reviewer, tv, screen_lines):
    def one(visibility, title, solution):
        return published_article(
            writer,
            reviewer,
            title=title,
            problem="显示屏出现条纹",
            solution=solution,
            products=[tv],
            fault_codes=[screen_lines],
            visibility=visibility,
        )

    return {
        "internal": one(Visibility.INTERNAL, "条纹：内部维修步骤", "拆机更换逻辑板"),
        "dealers": one(Visibility.DEALERS, "条纹：经销商检修指引", "检查屏线接口"),
        "public": one(Visibility.PUBLIC, "条纹：用户自查", "关机拔掉电源一分钟后重新开机"),
    }


def test_the_help_centre_lists_and_searches_public_articles_only(client, articles):
    """FB-4: /help/ and /help/?q=条纹 show the public article, never the others."""
    for params in ({}, {"q": "条纹"}):
        page = client.get("/help/", params)
        assert page.status_code == 200
        text = page.content.decode()
        assert "条纹：用户自查" in text
        assert "条纹：内部维修步骤" not in text and "条纹：经销商检修指引" not in text


def test_a_public_article_reads_on_the_help_centre_and_others_are_404(client, articles):
    """FB-4: /help/a/<number>/ shows the public article's steps; the internal and the
    dealers' article answer 404 without a word of their text."""
    page = client.get(f"/help/a/{articles['public'].number}/")
    assert page.status_code == 200
    assert "关机拔掉电源一分钟后重新开机" in page.content.decode()
    for key, secret in (("internal", "拆机更换逻辑板"), ("dealers", "检查屏线接口")):
        response = client.get(f"/help/a/{articles[key].number}/")
        assert response.status_code == 404, key
        assert secret not in response.content.decode()
        assert articles[key].title not in response.content.decode()
