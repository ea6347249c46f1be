"""Health checks behind /healthz: the database always, the broker when one is configured.

A check returns ``(state, detail)`` with state ``ok``, ``warning`` or ``error``. Only an error
makes the endpoint answer 503; a warning (e.g. something an administrator should do soon) is
reported with 200 so load balancers keep the node in service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

Check = Callable[[], tuple[str, str]]
_CHECKS: dict[str, Check] = {}
_SUMMARIES: dict[str, Callable[[], dict]] = {}


def register_health_check(name: str, check: Check) -> None:
    _CHECKS[name] = check


def register_health_summary(name: str, summary: Callable[[], dict]) -> None:
    """A top-level section of /healthz (e.g. ``"calendar": {"provisional_from": …}``)."""
    _SUMMARIES[name] = summary


def check_database() -> tuple[str, str]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        # The driver's message names the host, port and database: logged, not answered.
        logger.warning("health check: the database is down: %s", exc)
        return "error", type(exc).__name__
    return "ok", connections["default"].vendor


def check_broker() -> tuple[str, str]:
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return "ok", "not configured: tasks run in-process"
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health check: the broker is down: %s", exc)
        return "error", type(exc).__name__
    return "ok", url.split("://", 1)[0]


register_health_check("database", check_database)
register_health_check("broker", check_broker)


def run_health_checks() -> tuple[bool, dict[str, dict[str, str]]]:
    results = {}
    for name, check in _CHECKS.items():
        try:
            state, detail = check()
        except Exception as exc:  # e.g. the database is down: report it, never a 500
            state, detail = "error", type(exc).__name__
        results[name] = {"status": state, "detail": detail}
    healthy = all(r["status"] != "error" for r in results.values())
    return healthy, results


def run_health_summaries() -> dict[str, dict]:
    """The sections other apps add; one that cannot be read (database down) is left out."""
    out = {}
    for name, summary in _SUMMARIES.items():
        try:
            out[name] = summary()
        except Exception:  # a summary must never turn a health answer into a 500
            continue
    return out
