"""Reads of the support knowledge, scoped to the reader (FB-4)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from aftersales.catalog.models import FaultCode, Product
from aftersales.service.models import Case

from . import permissions
from .models import Article, ArticleVersion
from .search import CANDIDATES, Query, postgres, ranked_by_text, text_match

# A solved case's solution of at least this many characters says how; shorter ones ("已处理")
# only that it was done.
INFORMATIVE_SOLUTION = 12
SOLUTION_BOOST = 0.2
# Similar cases are ranked among this many of the newest solved cases first.
RECENT_CASES = 1000
SOLVED = (Case.Status.RESOLVED, Case.Status.CONFIRMED, Case.Status.CLOSED)


def article_list_for_user(user) -> QuerySet[Article]:
    """Published articles the reader may see; for writers and reviewers also the drafts."""
    articles = Article.objects.select_related("published", "owner_department")
    published = articles.filter(
        status=Article.Status.PUBLISHED, visibility__in=permissions.visible_levels(user)
    )
    if permissions.can_see_drafts(user):
        return articles.exclude(status=Article.Status.ARCHIVED) | published
    return published


def public_articles() -> QuerySet[Article]:
    return article_list_for_user(None)


def article_get_for_user(user, number: str) -> Article | None:
    return article_list_for_user(user).filter(number=number).first()


def article_search(articles: QuerySet[Article], text: str) -> QuerySet[Article]:
    """Articles with every word of the query (a search box: all words, like the case search);
    the article number typed in full is that article."""
    from aftersales.core.selectors import clean_query

    from .search import words

    text = clean_query(text)
    if not text:
        return articles
    by_number = articles.filter(number=text.upper())
    if by_number.exists():
        return by_number
    terms = words(text) or [t for t in text.lower().split() if t]
    if postgres():
        return articles.extra(
            where=[
                '"knowledge_article"."search_vector" @@ plainto_tsquery(\'simple\'::regconfig, %s)'
            ],
            params=[" ".join(terms)],
        )
    every = Q()
    for term in terms:
        every &= Q(search_text__contains=term)
    return articles.filter(every)


@dataclass
class ArticleHit:
    article: Article
    score: float


@dataclass
class CaseHit:
    case: Case
    score: float


def suggest_articles(user, query: Query, *, limit: int = 5) -> list[ArticleHit]:
    """The published articles closest to the query that this reader may see."""
    if query.empty:
        return []
    visible = Article.objects.filter(
        status=Article.Status.PUBLISHED, visibility__in=permissions.visible_levels(user)
    )
    by_text = text_match(visible, "knowledge_article", query)
    candidates = ranked_by_text(by_text, "knowledge_article", query)
    ids = list(candidates.values_list("pk", flat=True)[:CANDIDATES])
    if query.fault_ids:
        # The newest written first: the primary key walks back and stops at the last one
        # needed, where ordering by the last change sorted every article of the code.
        ids += list(
            visible.filter(fault_codes__in=query.fault_ids)
            .exclude(pk__in=ids)
            .order_by("-pk")
            .values_list("pk", flat=True)[:CANDIDATES]
        )
    articles = Article.objects.filter(pk__in=ids).select_related("published")
    if postgres():
        # The candidates' links come as arrays in the same query, and only the articles
        # shown get their related objects: building them for up to 120 candidates was a
        # third of a suggestion's time (bench/knowledge.py).
        articles = articles.annotate(**_link_arrays())
    else:
        articles = articles.prefetch_related(*_article_links())
    hits = []
    for article in articles:
        fault_ids, product_ids, category_ids = _links_of(article)
        score = query.score(
            set(article.search_text.split()),
            fault_ids=fault_ids,
            product_ids=product_ids,
            category_ids=category_ids,
        )
        if score > 0:
            hits.append(ArticleHit(article, score))
    hits.sort(key=lambda h: (-h.score, -h.article.used, h.article.number))
    hits = hits[:limit]
    if postgres():
        prefetch_related_objects([h.article for h in hits], *_article_links())
    return hits


def _article_links() -> tuple:
    """What a suggested article comes with: its fault codes, products and categories."""
    return (
        Prefetch("fault_codes", queryset=FaultCode.objects.only("pk", "code", "name")),
        Prefetch("products", queryset=Product.objects.only("pk", "category_id")),
        "categories",
    )


def _link_arrays() -> dict:
    from django.contrib.postgres.expressions import ArraySubquery

    def ids(through, column):
        return ArraySubquery(through.objects.filter(article_id=OuterRef("pk")).values(column))

    return {
        "link_fault_ids": ids(Article.fault_codes.through, "faultcode_id"),
        "link_product_ids": ids(Article.products.through, "product_id"),
        "link_product_category_ids": ids(Article.products.through, "product__category_id"),
        "link_category_ids": ids(Article.categories.through, "category_id"),
    }


def _links_of(article: Article) -> tuple[set[int], set[int], set[int]]:
    """The article's fault codes, products, and categories (its own and its products')."""
    if hasattr(article, "link_fault_ids"):
        return (
            set(article.link_fault_ids),
            set(article.link_product_ids),
            set(article.link_category_ids) | set(article.link_product_category_ids),
        )
    products = list(article.products.all())
    return (
        {f.pk for f in article.fault_codes.all()},
        {p.pk for p in products},
        {c.pk for c in article.categories.all()} | {p.category_id for p in products},
    )


def similar_cases(
    user, query: Query, *, exclude: int | None = None, limit: int = 5
) -> list[CaseHit]:
    """Solved cases of the same product or category (or, with neither, of the same fault
    code) that the reader may see, closest first.

    On PostgreSQL the text rank is worked out over the newest ``RECENT_CASES`` solved cases
    of the product (read from the index ``service_case_solved_idx`` alone), and over all of
    them only when those give fewer than ``limit`` and there are more: every case of a
    product has the product's name among its words, so at a million cases a busy product's
    hundred thousand all matched and ranking them took over half a second
    (bench/knowledge.py)."""
    from aftersales.service.selectors import case_list_for_user

    if query.empty:
        return []
    scope = case_list_for_user(user).filter(status__in=SOLVED, resolved_at__isnull=False)
    if exclude:
        scope = scope.exclude(pk=exclude)
    if query.product_id is not None:
        scope = scope.filter(product_id=query.product_id)
    elif query.category_ids:
        # The products by id, not a join: the planner then knows how many cases they have.
        products = Product.objects.filter(category_id__in=query.category_ids)
        scope = scope.filter(product_id__in=list(products.values_list("pk", flat=True)))
    elif query.fault_ids:
        scope = scope.filter(fault_code_id__in=query.fault_ids)
    else:
        return []
    solved = scope.exclude(solution="")
    pool = text_match(solved, "service_case", query)
    if query.fault_ids:
        pool = pool | solved.filter(fault_code_id__in=query.fault_ids)
    if postgres():
        recent = scope.order_by("-resolved_at").values("pk")[:RECENT_CASES]
        lately = pool.filter(pk__in=recent).annotate(
            older=Exists(scope.values("pk")[RECENT_CASES : RECENT_CASES + 1])
        )
        cases = _case_candidates(ranked_by_text(lately, "service_case", query))
        if len(cases) < limit and (not cases or cases[0].older):
            # Too few like it lately, and there is more history: all of it.
            cases = _case_candidates(ranked_by_text(pool, "service_case", query))
    else:
        cases = _case_candidates(pool.order_by("-resolved_at"))
    hits = []
    for case in cases:
        score = query.score(
            set(case.search_text.split()),
            fault_ids={case.fault_code_id} if case.fault_code_id else set(),
            product_ids={case.product_id} if case.product_id else set(),
            category_ids={case.product.category_id} if case.product_id else set(),
        )
        if score > 0:
            # A solution a colleague can learn from ranks above "已上门处理".
            if len(case.solution.strip()) >= INFORMATIVE_SOLUTION:
                score = round(score + SOLUTION_BOOST, 4)
            hits.append(CaseHit(case, score))
    hits.sort(key=lambda h: (-h.score, -(h.case.resolved_at.timestamp())))
    return hits[:limit]


def _case_candidates(cases: QuerySet[Case]) -> list[Case]:
    return list(
        cases.select_related(None)
        .select_related("product")
        .only(
            "pk",
            "number",
            "description",
            "solution",
            "search_text",
            "product_id",
            "product__name",
            "product__sku",
            "product__category_id",
            "fault_code_id",
            "resolved_at",
        )[:CANDIDATES]
    )


def article_versions(article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("written_by", "reviewed_by").prefetch_related(
        Prefetch("cases", queryset=Case.objects.only("pk", "number", "description"))
    )


def open_version(article: Article) -> ArticleVersion | None:
    """The draft or the version in review, if any (one at a time)."""
    return (
        article.versions.filter(
            status__in=[ArticleVersion.Status.DRAFT, ArticleVersion.Status.REVIEW]
        )
        .order_by("-number")
        .first()
    )


def review_queue(user) -> QuerySet[ArticleVersion]:
    """Versions waiting for this reviewer."""
    versions = ArticleVersion.objects.filter(status=ArticleVersion.Status.REVIEW).select_related(
        "article", "written_by"
    )
    if permissions.user_has_role(user, permissions.Role.ADMIN):
        return versions
    return versions.filter(article__owner_department__head=user)


@dataclass
class CommonProblem:
    """A frequent fault of a product (by fault code, or by topic word when the cases have no
    code), how many solved cases it had, and the article that covers it (if any)."""

    product: Product
    fault_code: FaultCode | None
    topic: str
    cases: int
    latest: Case | None
    article: Article | None


def common_problems(*, since=None, product=None, limit: int = 30, uncovered: bool = False):
    """The most frequent faults per product among solved cases, with whether an article
    covers them: the manual grows where it is needed (FB-4)."""
    cases = Case.objects.filter(status__in=SOLVED, product__isnull=False)
    if since is not None:
        cases = cases.filter(resolved_at__gte=since)
    if product is not None:
        cases = cases.filter(product=product)
    coded = (
        cases.exclude(fault_code=None)
        .values("product_id", "fault_code_id")
        .annotate(n=Count("pk"))
        .order_by("-n")[: limit * 3]
    )
    rows: list[tuple[int, int | None, str, int]] = [
        (r["product_id"], r["fault_code_id"], "", r["n"]) for r in coded
    ]
    # Cases without a code: their most frequent topic word (jieba keywords stored at intake).
    topics: Counter = Counter()
    for product_id, keywords in (
        cases.filter(fault_code=None)
        .exclude(keywords="")
        .values_list("product_id", "keywords")[:5000]
    ):
        first = keywords.split()[:1]
        if first:
            topics[(product_id, first[0])] += 1
    rows += [(p, None, topic, n) for (p, topic), n in topics.most_common(limit * 2) if n > 1]
    rows.sort(key=lambda r: -r[3])
    rows = rows[: limit * 2]
    products = Product.objects.in_bulk({r[0] for r in rows})
    codes = FaultCode.objects.in_bulk({r[1] for r in rows if r[1]})
    published = Article.objects.filter(status=Article.Status.PUBLISHED).prefetch_related(
        "products", "categories", "fault_codes"
    )
    out = []
    for product_id, code_id, topic, n in rows:
        item = products[product_id]
        article = _covering(published, item, code_id, topic)
        if uncovered and article is not None:
            continue
        latest_cases = cases.filter(product_id=product_id)
        latest_cases = (
            latest_cases.filter(fault_code_id=code_id)
            if code_id
            else latest_cases.filter(keywords__startswith=topic)
        )
        out.append(
            CommonProblem(
                product=item,
                fault_code=codes.get(code_id),
                topic=topic,
                cases=n,
                latest=latest_cases.order_by("-resolved_at").only("pk", "number").first(),
                article=article,
            )
        )
        if len(out) >= limit:
            break
    return out


def _covering(published, product, code_id, topic) -> Article | None:
    tree = {c.pk for c in product.category.path()}
    for article in published:
        for_product = product.pk in {p.pk for p in article.products.all()} or bool(
            tree & {c.pk for c in article.categories.all()}
        )
        if not for_product:
            continue
        if code_id and code_id in {f.pk for f in article.fault_codes.all()}:
            return article
        if topic and topic in article.search_text.split():
            return article
    return None


def manual_articles(*, product=None, category=None) -> list[Article]:
    """The published articles of a product or a category's products, for the technical
    support manual, grouped by fault code order then title."""
    articles = Article.objects.filter(status=Article.Status.PUBLISHED).select_related("published")
    if product is not None:
        tree = {c.pk for c in product.category.path()}
        articles = articles.filter(Q(products=product) | Q(categories__in=tree))
    elif category is not None:
        from .search import _category_tree

        tree = _category_tree(category)
        articles = articles.filter(Q(categories__in=tree) | Q(products__category__in=tree))
    return list(
        articles.distinct().prefetch_related("fault_codes", "products").order_by("title", "number")
    )
