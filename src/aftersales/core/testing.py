"""Small helpers for tests. No test may depend on the real date: dates that must lie ahead
of "today" are computed from it (``AFTERSALES_TEST_TODAY`` may move today)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone


def soon(days: int = 10) -> date:
    """A day ``days`` ahead of today in China, e.g. an order's promised delivery date."""
    return timezone.localdate() + timedelta(days=days)
