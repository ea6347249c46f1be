"""Suggestions and search over Chinese text (FB-4).

A description is cut into words with jieba (the same segmentation as the cases' search text)
and matched to fault codes by the words customers use for them (横线, 条纹 → 屏幕横线/条纹).
Candidates come from an index — PostgreSQL's full-text GIN over the stored words, any of them
(``a | b | c``), or the fault code — and are then ranked here, the same way on every database:

    score = word overlap (cosine of the two word sets)
          + 0.6 when they share a fault code
          + 0.3 for the same product, 0.15 for the same category

so a description written differently from an article still finds it through their fault
code, and the product decides between two equally close texts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q

from aftersales.catalog.models import Category, FaultCode
from aftersales.service.services.search import TOPIC_STOPWORDS, segment

MAX_WORDS = 30
CANDIDATES = 60
FAULT_BOOST = 0.6
PRODUCT_BOOST = 0.3
CATEGORY_BOOST = 0.15
_WORD = re.compile(r"\w+")
# Words that join a description but say nothing about the fault.
STOPWORDS = TOPIC_STOPWORDS | {"的", "了", "有", "是", "在", "不", "和", "就", "也", "都"}


def words(text: str, *, cap: int | None = MAX_WORDS) -> list[str]:
    """The telling words of a text, in order, without repeats: jieba's words and sub-words
    of two characters or more (or Latin and digits), without stop words."""
    out: list[str] = []
    for w in segment(text).split():
        if w in STOPWORDS or not _WORD.fullmatch(w):
            continue
        if len(w) < 2 and not w.isascii():
            continue
        if w not in out:
            out.append(w)
        if cap is not None and len(out) >= cap:
            break
    return out


def fault_codes_in(text: str, category_ids: set[int] | None = None) -> list[FaultCode]:
    """The active fault codes whose customers' words occur in the text (of the product's
    category tree, or of any product)."""
    lowered = (text or "").lower()
    if not lowered.strip():
        return []
    found = []
    for code in FaultCode.objects.filter(active=True).only(
        "pk", "code", "name", "keywords", "category_id"
    ):
        if category_ids and code.category_id and code.category_id not in category_ids:
            continue
        if any(w in lowered for w in code.words()):
            found.append(code)
    return found


@dataclass
class Query:
    """What the suggestions are for: the words, the fault codes found (or chosen), the product
    and its category tree."""

    text: str
    terms: list[str]
    fault_ids: set[int]
    product_id: int | None = None
    category_ids: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, text: str, *, product=None, category=None, fault_code=None) -> Query:
        category = category or (product.category if product is not None else None)
        tree = _category_tree(category) if category is not None else set()
        codes = fault_codes_in(text, tree or None)
        if fault_code is not None and fault_code not in codes:
            codes.append(fault_code)
        terms = words(text)
        for code in codes:  # the fault's other words find texts that use them
            for w in words(code.keywords + " " + code.name):
                if w not in terms:
                    terms.append(w)
        return cls(
            text=text,
            terms=terms[: MAX_WORDS * 2],
            fault_ids={c.pk for c in codes},
            product_id=product.pk if product is not None else None,
            category_ids=tree,
        )

    @property
    def empty(self) -> bool:
        return not self.terms and not self.fault_ids

    def tsquery(self) -> str:
        return " | ".join(self.terms)

    def score(self, text_words: set[str], *, fault_ids, product_ids, category_ids) -> float:
        own = set(self.terms)
        overlap = (
            len(own & text_words) / math.sqrt(len(own) * len(text_words))
            if own and text_words
            else 0.0
        )
        score = overlap
        if self.fault_ids & set(fault_ids):
            score += FAULT_BOOST
        if self.product_id is not None and self.product_id in product_ids:
            score += PRODUCT_BOOST
        elif self.category_ids & set(category_ids):
            score += CATEGORY_BOOST
        return round(score, 4)


def _category_tree(category: Category) -> set[int]:
    """The category, its ancestors and its descendants: a TV's articles may be written for
    电视 or for 电子产品; a category's for any of its products' categories."""
    ids = {c.pk for c in category.path()}
    frontier = [category.pk]
    while frontier:
        children = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = [c for c in children if c not in ids]
        ids.update(frontier)
    return ids


def postgres() -> bool:
    return connection.vendor == "postgresql"


def text_match(queryset, table: str, query: Query):
    """Rows whose stored words have any of the query's words (PostgreSQL: the GIN index)."""
    if not query.terms:
        return queryset.none()
    if postgres():
        return queryset.extra(
            where=[f'"{table}"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)'],
            params=[query.tsquery()],
        )
    # Whole words, as the tsvector matches them: E1 must not find E10.
    any_word = Q()
    for term in query.terms:
        any_word |= (
            Q(search_text=term)
            | Q(search_text__startswith=f"{term} ")
            | Q(search_text__endswith=f" {term}")
            | Q(search_text__contains=f" {term} ")
        )
    return queryset.filter(any_word)


def ranked_by_text(queryset, table: str, query: Query):
    """On PostgreSQL, the best text matches first (ts_rank), so the candidates are the
    closest ones; elsewhere the newest first."""
    if postgres() and query.terms:
        return queryset.extra(
            select={
                "text_rank": f'ts_rank("{table}"."search_vector", '
                "to_tsquery('simple'::regconfig, %s))"
            },
            select_params=[query.tsquery()],
            order_by=["-text_rank"],
        )
    return queryset
