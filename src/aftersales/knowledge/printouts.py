"""The technical support manual (FB-4, S6): a product's or a category's published articles
with a table of contents, printed in Chinese."""

from __future__ import annotations

from urllib.parse import quote

from django.utils import timezone

from aftersales.core.pdf import render_pdf

from . import permissions
from .selectors import manual_articles


def manual_pdf(user, *, product=None, category=None) -> tuple[bytes, str]:
    """The PDF and its file name. A reader sees only the articles they may read: a dealer's
    manual has no internal article."""
    levels = permissions.visible_levels(user)
    articles = [
        a for a in manual_articles(product=product, category=category) if a.visibility in levels
    ]
    for article in articles:
        article.products_text = "、".join(p.name for p in article.products.all())
    subject = f"{product.name} {product.model}".strip() if product is not None else category.name
    title = f"技术支持手册 {subject}"
    pdf = render_pdf(
        "knowledge/print/manual.html",
        {"articles": articles, "subject": subject, "today": timezone.localdate()},
        title=title,
    )
    return pdf, quote(f"{title}.pdf")
