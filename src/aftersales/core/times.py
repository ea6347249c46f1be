"""Times as people read them: in the company's time zone (``settings.TIME_ZONE``), never UTC.

The database hands datetimes back in UTC (PostgreSQL always does). Templates' ``|date``
converts them, but text made in Python — PDFs, Excel cells, SMS, notes, ``__str__`` — must
convert first, or an order made at 00:30 on 12-07 in China prints as 12-06 16:30.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def local(value):
    """An aware datetime moved to the company's time zone; anything else as it is (a date, a
    naive datetime already meant as local time, None)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def local_day(value) -> date | None:
    """The company's calendar day of a moment (a date stays as it is)."""
    value = local(value)
    return value.date() if isinstance(value, datetime) else value


def local_text(value, fmt: str = "%Y-%m-%d %H:%M", *, empty: str = "") -> str:
    """A moment (or a day) as text in the company's time zone; ``empty`` for no value."""
    if value is None:
        return empty
    return local(value).strftime(fmt)
