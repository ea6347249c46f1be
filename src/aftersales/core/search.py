"""Global search (the box in the top bar): one query, every app's records, grouped by kind.

Each app registers a *search provider* in ``AppConfig.ready()``
(``register_search_provider(key, label, fn, order=...)``). A provider is
``fn(user, query, limit) -> list[SearchHit]`` and starts from the app's own
``*_list_for_user`` selector, so a reader finds exactly what the app's lists show them (a
dealer never another dealer's records) and phones come out masked as on those lists. ``core``
knows no app: it cleans the query, asks every provider, and groups what comes back.

A hit is ``exact`` when the query is the record's own number (a document number typed in full):
when exactly one record is, Enter on the search box opens it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .selectors import clean_query

MIN_LENGTH = 2
PER_GROUP = 5
_SEPARATORS = re.compile(r"[\s-]")


@dataclass(frozen=True)
class SearchQuery:
    """What was typed, cleaned, with the readings the providers need."""

    text: str

    @property
    def upper(self) -> str:
        return self.text.upper()

    @property
    def digits(self) -> str:
        """The query as a phone number (spaces and dashes dropped), or "" if it is not one."""
        compact = _SEPARATORS.sub("", self.text)
        return compact if compact.isdigit() else ""

    @property
    def is_phone_tail(self) -> bool:
        """Four digits: the end of a phone number (a masked number shows them too)."""
        return len(self.digits) == 4


@dataclass(frozen=True)
class SearchHit:
    title: str  # the number, the serial, the customer's name
    url: str
    subtitle: str = ""  # what the record is about, phones as the reader may see them
    exact: bool = False  # the query is this record's own number


@dataclass
class SearchGroup:
    key: str
    label: str
    hits: list[SearchHit]
    more: bool = False  # more than the hits shown
    more_url: str = ""  # the app's list, searched for the same words


@dataclass(frozen=True)
class SearchResult:
    query: str
    groups: list[SearchGroup] = field(default_factory=list)

    @property
    def exact(self) -> SearchHit | None:
        """The one record whose number the query is, if exactly one is."""
        hits = [h for g in self.groups for h in g.hits if h.exact]
        return hits[0] if len(hits) == 1 else None

    @property
    def count(self) -> int:
        return sum(len(g.hits) for g in self.groups)


# fn(user, query, limit) -> hits (at most limit + 1: one more says "more")
SearchFunction = Callable[[object, SearchQuery, int], list[SearchHit]]


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: object  # a lazy translation
    search: SearchFunction
    more_url: Callable[[object, SearchQuery], str] | None = None
    order: int = 100


_PROVIDERS: dict[str, SearchProvider] = {}


def register_search_provider(
    key: str,
    label,
    search: SearchFunction,
    *,
    more_url: Callable[[object, SearchQuery], str] | None = None,
    order: int = 100,
) -> None:
    """Add a group of results: ``search(user, query, limit)`` returns up to ``limit + 1``
    hits, scoped to ``user``; ``more_url(user, query)`` is the app's list searched the same
    way ("" where the reader has no such list)."""
    _PROVIDERS[key] = SearchProvider(key, label, search, more_url, order)


def global_search(user, text: str, *, limit: int = PER_GROUP) -> SearchResult:
    text = clean_query(text)
    if not getattr(user, "is_authenticated", False) or len(text) < MIN_LENGTH:
        return SearchResult(query=text)
    query = SearchQuery(text)
    groups = []
    for provider in sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key)):
        hits = list(provider.search(user, query, limit) or ())
        if not hits:
            continue
        groups.append(
            SearchGroup(
                key=provider.key,
                label=str(provider.label),
                hits=hits[:limit],
                more=len(hits) > limit,
                more_url=provider.more_url(user, query) if provider.more_url else "",
            )
        )
    return SearchResult(query=text, groups=groups)
