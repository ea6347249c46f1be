"""A system check (``manage.py check``) that reminds people of a missing holiday schedule (R43).

Time limits started today that reach a year without the State Council's published schedule are
counted on the statutory holidays alone, so their deadlines are provisional. This is a warning
people see (on every ``manage.py`` command, the administrator's home page, the calendar page and
``/healthz``), not a failing test: the notice for a year can come out as late as December.
"""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError
from django.utils import timezone

W_PROVISIONAL = "workdays.W001"


def _years_ahead() -> list[int]:
    from .calendar import official_calendar
    from .selectors import WARNING_HORIZON_DAYS, provisional_years_ahead

    try:
        return provisional_years_ahead()
    except (DatabaseError, RuntimeError):
        # No database yet (a fresh clone before migrate), or none allowed (a test process
        # starting a Celery worker): the built-in schedule alone.
        from datetime import timedelta

        today = timezone.localdate()
        last = today + timedelta(days=WARNING_HORIZON_DAYS)
        cal = official_calendar()
        return [y for y in range(today.year, last.year + 1) if cal.year_status(y) != "official"]


@checks.register("calendar")
def provisional_schedule_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Warning(
            f"Time limits started today reach {year}, which has no published holiday "
            f"schedule; deadlines in {year} are provisional.",
            hint=(
                f"Import the State Council's notice for {year} on the calendar page "
                f"(/calendar/{year}/notice/) or POST /api/v1/workdays/notices/ as soon as it is "
                "published; the next release ships it as workdays/schedules/"
                f"{year}.csv."
            ),
            id=W_PROVISIONAL,
        )
        for year in _years_ahead()
    ]
