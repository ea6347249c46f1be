"""The demo's support knowledge (FB-4): 20+ published articles written from the demo's own
solved cases, of every visibility, one waiting for review, and a seed that runs twice."""

import pytest

from aftersales.core.demo import seed_all
from aftersales.knowledge import demo
from aftersales.knowledge.models import Article, ArticleVersion, SuggestionUse, Visibility
from aftersales.service.models import Case

pytestmark = pytest.mark.django_db


def test_demo_articles_come_from_solved_cases_and_seeding_again_adds_none():
    ctx = seed_all()

    published = Article.objects.filter(status=Article.Status.PUBLISHED).select_related("published")
    assert published.count() >= 20
    for article in published:
        sources = list(article.published.cases.all())
        assert sources, article.number
        assert all(c.status in ("resolved", "confirmed", "closed") for c in sources)
    by_visibility = {v: published.filter(visibility=v).count() for v in Visibility.values}
    assert by_visibility[Visibility.PUBLIC] >= 10
    assert by_visibility[Visibility.DEALERS] and by_visibility[Visibility.INTERNAL]
    assert Article.objects.filter(status=Article.Status.REVIEW).exists()
    assert Article.objects.filter(status=Article.Status.DRAFT).exists()
    assert ArticleVersion.objects.filter(status=ArticleVersion.Status.SUPERSEDED).exists()
    # Reviewed by the owner department's head, not by their writers.
    assert not ArticleVersion.objects.filter(
        status=ArticleVersion.Status.PUBLISHED, reviewed_by=None
    ).exists()
    assert all(
        v.reviewed_by_id != v.written_by_id
        for v in ArticleVersion.objects.filter(status=ArticleVersion.Status.PUBLISHED)
    )
    # The demo's history is classified: solved cases with a product carry fault codes.
    assert Case.objects.filter(status="closed", fault_code__isnull=False).count() >= 40
    assert SuggestionUse.objects.exists()

    counts = (
        Article.objects.count(),
        ArticleVersion.objects.count(),
        Case.objects.count(),
        SuggestionUse.objects.count(),
    )
    demo.seed(ctx)
    assert (
        Article.objects.count(),
        ArticleVersion.objects.count(),
        Case.objects.count(),
        SuggestionUse.objects.count(),
    ) == counts
