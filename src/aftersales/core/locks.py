"""A lock on a name for the rest of the transaction, where no row exists yet to lock.

Two intakes from one new phone number at the same moment must make one customer, not two:
there is no customer row to ``SELECT … FOR UPDATE``, and a family may share a phone, so a
unique constraint would be wrong. On PostgreSQL a transaction-scoped advisory lock on the
number serialises the two; SQLite serialises every writing transaction already.
"""

from __future__ import annotations

from django.db import connection


def name_lock(name: str) -> None:
    """Hold a lock on ``name`` until the current transaction ends (PostgreSQL)."""
    if not connection.in_atomic_block:
        raise RuntimeError("name_lock() must be called inside a transaction")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
