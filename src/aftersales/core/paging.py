"""Pages of long lists that sort on an index and load only the rows shown."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.core.paginator import Page, Paginator


class DeferredJoinPaginator(Paginator):
    """Sorts and slices the primary keys only, then loads the page's rows with ``load``.

    A list sorted over tens of thousands of matches otherwise sorts whole rows (long texts and
    joined tables included) to show 25 of them; the keys alone sort from the index, and the
    25 rows are fetched by primary key with whatever joins the page needs."""

    def __init__(
        self, object_list, per_page, *, load: Callable, count_limit: int | None = None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
        self.count_limit = count_limit
        self.capped = False

    @cached_property
    def count(self) -> int:
        """With ``count_limit``, counting stops there (``capped`` says so): a search with tens
        of thousands of matches needs its first pages, not an exact total."""
        if self.count_limit is None:
            return super().count
        n = self.object_list[: self.count_limit + 1].count()
        self.capped = n > self.count_limit
        return min(n, self.count_limit)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.load(ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
