"""Factories of the knowledge tests (FB-4): fault codes, and articles made the way people
make them (written, submitted, approved by the owner department's head)."""

from __future__ import annotations

import factory

from aftersales.catalog.models import FaultCode

from .. import services
from ..models import Article


class FaultCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FaultCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"fault-{n}")
    name = factory.Sequence(lambda n: f"故障{n}")
    keywords = ""


def draft_article(writer, **fields) -> Article:
    """A draft article (version 1) written by ``writer``."""
    data = {"title": "显示屏出现条纹", "problem": "显示屏出现条纹", "solution": "重新插拔屏线"}
    data.update(fields)
    return services.article_create(actor=writer, data=services.ArticleInput(**data))


def published_article(writer, reviewer, **fields) -> Article:
    """An article written by ``writer`` and approved by ``reviewer``, as readers see it."""
    article = draft_article(writer, **fields)
    version = article.versions.get()
    services.version_submit(actor=writer, version=version)
    services.version_review(actor=reviewer, version=version, approve=True)
    article.refresh_from_db()
    return article
