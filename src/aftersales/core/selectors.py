"""Cross-cutting reads: a person's own recent activity across every model with history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps


@dataclass(frozen=True)
class Activity:
    at: datetime
    action: str  # "+", "~", "-"
    model_name: str
    record: str


def _history_models():
    for model in apps.get_models():
        if model.__module__.startswith("aftersales.") and hasattr(model, "instance_type"):
            yield model


def recent_activity_for_user(user, *, limit: int = 10) -> list[Activity]:
    """What this person created, changed or deleted most recently, over all history tables.

    One small query per history table (a handful), each using the history_user/date index.
    """
    rows: list[Activity] = []
    for model in _history_models():
        name = model.instance_type._meta.verbose_name
        for record in model.objects.filter(history_user=user).order_by("-history_date")[:limit]:
            rows.append(
                Activity(record.history_date, record.history_type, str(name), str(record.instance))
            )
    rows.sort(key=lambda a: a.at, reverse=True)
    return rows[:limit]


def clean_query(value) -> str:
    """A search or filter value from a URL: text without NUL or control characters (which
    PostgreSQL refuses), trimmed, at most 100 characters."""
    text = str(value or "")
    return "".join(ch for ch in text if ch >= " " or ch == "\t").strip()[:100]
