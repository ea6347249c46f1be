"""Articles in reviewed versions (FB-4): written as a draft, submitted, approved by the head
of the owner department and then published; sent back with a note; an edit of a published
article is a new version that readers see only once approved; archived articles are gone
for readers. Bad input names its fields."""

from __future__ import annotations

import pytest

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification

from .. import services
from ..models import Article, ArticleVersion, Visibility
from ..search import Query
from ..selectors import article_list_for_user, review_queue, suggest_articles
from .conftest import MONDAY
from .factories import draft_article, published_article

pytestmark = pytest.mark.django_db
V = ArticleVersion.Status


def text(**fields) -> services.ArticleInput:
    data = {"title": "显示屏出现条纹", "problem": "显示屏出现条纹", "solution": "重新插拔屏线"}
    data.update(fields)
    return services.ArticleInput(**data)


def test_draft_submit_approve_publishes_with_its_words(
    writer, reviewer, tv, screen_lines, time_machine
):
    """FB-4: draft v1 → in review (the head is told) → approved by the head of the owner
    department (电子产品 → 技术部) → published, found by its words."""
    time_machine.move_to(MONDAY, tick=False)
    article = services.article_create(
        actor=writer,
        data=text(
            products=[tv],
            fault_codes=[screen_lines],
            visibility=Visibility.PUBLIC,
            solution="关机\n重新插拔屏线\n\n开机观察",
        ),
    )
    assert article.number == "ZS-20261221-0001"
    assert article.status == Article.Status.DRAFT and article.published is None
    assert article.owner_department.head == reviewer
    version = article.versions.get()
    assert (version.number, version.status, version.written_by) == (1, V.DRAFT, writer)
    query = Query.build("屏幕有横线", product=tv)
    assert suggest_articles(writer, query) == []  # a draft is nobody's suggestion

    services.version_submit(actor=writer, version=version)
    version.refresh_from_db()
    article.refresh_from_db()
    assert version.status == V.REVIEW and article.status == Article.Status.REVIEW
    assert list(review_queue(reviewer)) == [version]
    assert Notification.objects.filter(recipient=reviewer, title__contains=article.number).exists()

    services.version_review(actor=reviewer, version=version, approve=True)
    article.refresh_from_db()
    version.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published == version and version.status == V.PUBLISHED
    assert version.published_at == MONDAY and version.reviewed_by == reviewer
    assert version.steps() == ["关机", "重新插拔屏线", "开机观察"]
    words = article.search_text.split()
    assert {"显示屏", "条纹", "屏线", "横线", "液晶电视"} <= set(words)
    assert [h.article for h in suggest_articles(writer, query)] == [article]
    assert list(review_queue(reviewer)) == []
    # The writer hears that it is published.
    assert Notification.objects.filter(recipient=writer, title__contains=article.number).exists()


def test_nobody_approves_their_own_text_but_an_administrator(make_user, reviewer, tv):
    """FB-4: the head of the department who wrote the version may not approve it (403);
    another writer may not approve at all; an administrator may approve their own."""
    article = draft_article(reviewer, products=[tv])
    version = article.versions.get()
    services.version_submit(actor=reviewer, version=version)
    with pytest.raises(PermissionDenied):
        services.version_review(actor=reviewer, version=version, approve=True)
    colleague = make_user(Role.CUSTOMER_SERVICE, username="cs2")
    with pytest.raises(PermissionDenied):
        services.version_review(actor=colleague, version=version, approve=True)
    version.refresh_from_db()
    assert version.status == V.REVIEW

    admin = make_user(Role.ADMIN, username="admin9")
    own = draft_article(admin, products=[tv])
    own_version = own.versions.get()
    services.version_submit(actor=admin, version=own_version)
    services.version_review(actor=admin, version=own_version, approve=True)
    own.refresh_from_db()
    assert own.status == Article.Status.PUBLISHED and own.published == own_version


def test_sending_back_needs_a_note_and_returns_the_draft(writer, reviewer, tv):
    """FB-4: a rejection without a note is refused (field "note"); with one, the version
    is a draft again with the note, and the writer may change and resubmit it."""
    article = draft_article(writer, products=[tv])
    version = article.versions.get()
    services.version_submit(actor=writer, version=version)
    with pytest.raises(InvalidInput) as refused:
        services.version_review(actor=reviewer, version=version, approve=False, note="  ")
    assert set(refused.value.fields) == {"note"}
    version.refresh_from_db()
    assert version.status == V.REVIEW

    services.version_review(actor=reviewer, version=version, approve=False, note="补充安全提示")
    version.refresh_from_db()
    article.refresh_from_db()
    assert version.status == V.DRAFT and version.review_note == "补充安全提示"
    assert article.status == Article.Status.DRAFT and article.published is None
    assert Notification.objects.filter(recipient=writer, body="补充安全提示").exists()

    services.article_edit(actor=writer, article=article, data=text(products=[tv], safety="先断电"))
    assert article.versions.count() == 1  # the draft itself was changed
    version.refresh_from_db()
    assert version.safety == "先断电"
    services.version_submit(actor=writer, version=version)
    version.refresh_from_db()
    assert version.status == V.REVIEW and version.review_note == ""


def test_an_edit_of_a_published_article_is_a_new_version_readers_see_once_approved(
    writer, reviewer, tv, api_as, dealer_person
):
    """FB-4: editing a published article makes v2 a draft; readers keep v1 (title, steps,
    words) until v2 is approved, which supersedes v1."""
    article = published_article(
        writer,
        reviewer,
        title="屏幕闪烁",
        problem="屏幕闪烁",
        solution="关闭节能模式",
        products=[tv],
        visibility=Visibility.DEALERS,
    )
    v1 = article.published
    reader = api_as(dealer_person)
    url = f"/api/v1/knowledge/articles/{article.number}/"

    v2 = services.article_edit(
        actor=writer,
        article=article,
        data=text(
            title="屏幕闪烁或背光忽明忽暗",
            problem="屏幕闪烁，背光忽明忽暗",
            solution="关闭节能模式\n更新固件",
            products=[tv],
            visibility=Visibility.DEALERS,
        ),
    )
    assert (v2.number, v2.status) == (2, V.DRAFT)
    article.refresh_from_db()
    assert article.published == v1 and article.title == "屏幕闪烁"
    shown = reader.get(url).json()
    assert (shown["version"], shown["title"], shown["solution_steps"]) == (
        1,
        "屏幕闪烁",
        ["关闭节能模式"],
    )
    assert "固件" not in article.search_text.split()
    services.version_submit(actor=writer, version=v2)
    with pytest.raises(Conflict):  # one open version at a time, and it is in review
        services.article_edit(actor=writer, article=article, data=text(products=[tv]))

    services.version_review(actor=reviewer, version=v2, approve=True)
    article.refresh_from_db()
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert article.published == v2 and article.title == "屏幕闪烁或背光忽明忽暗"
    assert (v1.status, v2.status) == (V.SUPERSEDED, V.PUBLISHED)
    shown = reader.get(url).json()
    assert shown["version"] == 2
    assert shown["solution_steps"] == ["关闭节能模式", "更新固件"]
    assert "固件" in article.search_text.split()


def test_a_wider_audience_waits_for_the_reviewer(writer, reviewer, tv, client):
    """FB-4: a new version that would make an internal article public changes nothing for
    the public until the owner department approves it."""
    article = published_article(
        writer, reviewer, title="压缩机更换工艺", problem="压缩机损坏", solution="更换压缩机",
        products=[tv], visibility=Visibility.INTERNAL,
    )  # fmt: skip
    v2 = services.article_edit(
        actor=writer,
        article=article,
        data=text(title="压缩机更换工艺", products=[tv], visibility=Visibility.PUBLIC),
    )
    article.refresh_from_db()
    assert article.visibility == Visibility.INTERNAL
    assert client.get(f"/help/a/{article.number}/").status_code == 404
    services.version_submit(actor=writer, version=v2)
    services.version_review(actor=reviewer, version=v2, approve=True)
    article.refresh_from_db()
    assert article.visibility == Visibility.PUBLIC
    assert client.get(f"/help/a/{article.number}/").status_code == 200


def test_an_archived_article_is_gone_for_readers(writer, reviewer, tv, api_as, dealer_person):
    """FB-4: the head withdraws an article: no list, no suggestion, the API says 404; a
    writer may not withdraw it."""
    article = published_article(writer, reviewer, products=[tv], visibility=Visibility.PUBLIC)
    with pytest.raises(PermissionDenied):
        services.article_archive(actor=writer, article=article)
    archived = services.article_archive(actor=reviewer, article=article)
    assert archived.status == Article.Status.ARCHIVED
    query = Query.build("显示屏出现条纹", product=tv)
    for reader in (writer, dealer_person, None):
        assert article not in article_list_for_user(reader)
        assert suggest_articles(reader, query) == []
    response = api_as(dealer_person).get(f"/api/v1/knowledge/articles/{article.number}/")
    assert response.status_code == 404


def test_an_article_without_its_essentials_names_each_missing_field(writer):
    """FB-4: no title, problem, solution, nor product or category: one error per field,
    and nothing is written."""
    empty = services.ArticleInput(title=" ", problem="", solution="\n")
    with pytest.raises(InvalidInput) as refused:
        services.article_create(actor=writer, data=empty)
    assert set(refused.value.fields) == {"title", "problem", "solution", "products"}
    assert not Article.objects.exists()


def test_an_unknown_visibility_and_overlong_text_are_refused(writer, tv):
    with pytest.raises(InvalidInput) as refused:
        services.article_create(
            actor=writer, data=text(products=[tv], visibility="everyone", cause="因" * 5001)
        )
    assert set(refused.value.fields) == {"visibility", "cause"}


def test_only_writers_write(dealer_person, make_user, tv):
    """FB-4: a dealer's person or a salesperson may not write support articles."""
    for person in (dealer_person, make_user(Role.SALES, username="sales1")):
        with pytest.raises(PermissionDenied):
            services.article_create(actor=person, data=text(products=[tv]))
