"""Reads for the cockpit and the reports may go to a replica (``DATABASE_REPLICA_URL``).

Only the code that asks for it reads there (``with reporting():``), so a page that writes and
then reads its own write never sees a replica's lag; every write stays on the default database.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reporting: ContextVar[bool] = ContextVar("reporting", default=False)


@contextmanager
def reporting():
    """Within this block, reads go to the reporting database (the replica when configured)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reporting_db() -> str:
    return getattr(settings, "REPORTING_DATABASE", "default")


class ReportingRouter:
    def db_for_read(self, model, **hints):
        if _reporting.get():
            return reporting_db()
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the default database

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
