"""Human document numbers: a prefix per kind and a gap-free daily sequence, e.g. TK-20261128-0007.

The counter row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE
transactions serialise writers) and incremented inside the *caller's* transaction. If the use
case that asked for the number fails, its rollback returns the number too, so no gap is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from .errors import InvalidInput
from .models import NumberCounter, NumberSeries


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    prefix: str
    name: str


_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(kind: str, *, prefix: str, name: str) -> None:
    """Declare a kind of document and its default prefix (apps call this in ``ready()``).

    An administrator may change the prefix later on the ``NumberSeries`` row; the default only
    seeds that row the first time a number is asked for.
    """
    _KINDS[kind] = DocumentKind(kind=kind, prefix=prefix, name=str(name))


def document_kinds() -> dict[str, DocumentKind]:
    return dict(_KINDS)


def document_number_next(*, kind: str, on: date | None = None) -> str:
    """Allocate the next number of ``kind`` for the day ``on`` (today in Asia/Shanghai)."""
    if kind not in _KINDS and not NumberSeries.objects.filter(kind=kind).exists():
        raise InvalidInput(
            fields={"kind": [f"unknown document kind {kind!r}"]}, code="unknown_document_kind"
        )
    if not transaction.get_connection().in_atomic_block:
        # Outside the use case's transaction a failed use case could not return the number.
        raise RuntimeError("document_number_next must run inside the use case's transaction")
    day = on or timezone.localdate()
    series = _series(kind)
    return series.format(day, _counter_next(series, day))


def _counter_next(series: NumberSeries, day: date) -> int:
    """One statement: create the day's counter at 1 or add 1 to it, and read the value back.
    The row stays locked by the use case's transaction, so racing callers queue up and none
    gets a number twice (PostgreSQL and SQLite 3.35+ both have UPSERT … RETURNING)."""
    table = connection.ops.quote_name(NumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (series_id, day, last_value) VALUES (%s, %s, 1) "
            f"ON CONFLICT (series_id, day) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [series.pk, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()[0]


def _series(kind: str) -> NumberSeries:
    series = NumberSeries.objects.filter(kind=kind).first()
    if series is not None:
        return series
    default = _KINDS[kind]
    NumberSeries.objects.bulk_create(
        [NumberSeries(kind=kind, prefix=default.prefix, name=default.name)],
        ignore_conflicts=True,
    )
    return NumberSeries.objects.get(kind=kind)
