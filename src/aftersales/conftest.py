"""Fixtures shared by every app's tests.

``AFTERSALES_TEST_TODAY=2027-01-04 make test`` runs the suite as if today were that day (at
10:00 China time, the clock then ticking on): no test may depend on the real date, and CI runs
the date-sensitive suites once more on a day in a year without a published holiday schedule.
"""

import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from rest_framework.test import APIClient

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory

_traveller = None


def pytest_configure(config):
    global _traveller
    raw = os.environ.get("AFTERSALES_TEST_TODAY", "").strip()
    if not raw:
        return
    import time_machine

    try:
        today = date.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(
            f"AFTERSALES_TEST_TODAY={raw!r} is not a date like 2027-01-04"
        ) from None
    moment = datetime.combine(today, time(10, 0), tzinfo=ZoneInfo("Asia/Shanghai"))
    _traveller = time_machine.travel(moment, tick=True)
    _traveller.start()


def pytest_unconfigure(config):
    if _traveller is not None:
        _traveller.stop()


def pytest_report_header(config):
    if _traveller is not None:
        return f"today is frozen: AFTERSALES_TEST_TODAY={os.environ['AFTERSALES_TEST_TODAY']}"
    return None


@pytest.fixture(autouse=True)
def _fresh_company_calendar():
    """Each test starts from the database's calendar, not one cached by an earlier test."""
    from aftersales.workdays.store import forget_company_calendar

    forget_company_calendar()
    yield
    forget_company_calendar()


@pytest.fixture(autouse=True)
def _fresh_message_templates():
    """Each test reads administrators' message texts from its own database, not a copy kept
    by the process from an earlier test."""
    from aftersales.core.messaging import forget_message_templates

    forget_message_templates()
    yield
    forget_message_templates()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the limits kept there (tracking per address and
    per number) count this test's tries, not those of the tests before it."""
    from django.core.cache import cache

    from aftersales.core.company import remember_no_profile

    cache.clear()
    # A test's database starts without a company profile: the cache knows it from the start,
    # so a page's pinned query count is the page's own (the profile is cached across pages).
    remember_no_profile()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Code outside a request speaks the default language (a request may have switched it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db):
    def make(*roles: Role, **fields):
        return UserFactory(roles=list(roles), **fields)

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="admin1", full_name="管理员甲")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """A separate API client signed in as each person (two people can act in one test)."""

    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture
def on_postgres(db) -> bool:
    return connection.vendor == "postgresql"
