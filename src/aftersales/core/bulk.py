"""A fast path for inserting many rows whose values are already in database form.

``bulk_create`` builds a model instance and prepares every field of every row; on a sweep
writing tens of thousands of rows that is most of the time. Callers of ``insert_rows`` adapt
each *distinct* value once (e.g. the one timestamp all rows share) with ``db_datetime`` and
pass plain tuples. No signals, no history: use it only for append-only rows that keep none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connections, models


def db_datetime(value: datetime, using: str = "default"):
    return connections[using].ops.adapt_datetimefield_value(value)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    using: str = "default",
) -> int:
    """One multi-row ``INSERT ... VALUES (...), (...)`` per batch: a round trip per batch, not
    per row (PostgreSQL is several times faster this way than with ``executemany``)."""
    if not rows:
        return 0
    connection = connections[using]
    quote = connection.ops.quote_name
    names = [model._meta.get_field(c).column for c in columns]
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) "
    group = "(" + ", ".join(["%s"] * len(names)) + ")"
    limit = connection.features.max_query_params or 30000
    per_batch = max(1, min(1000, limit // len(names)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            params = [value for row in batch for value in row]
            cursor.execute(head + "VALUES " + ", ".join([group] * len(batch)), params)
    return len(rows)
