"""Limits on the public lookups (order and case tracking), in two layers.

- Per address: DRF's scoped rate (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``), keyed on the
  trusted client address (``core.clientip``), for the API and the pages alike.
- Per number: a few wrong guesses of one order's (or case's) phone digits within the window
  (``TRACK_FAILURE_LIMIT`` per ``TRACK_FAILURE_WINDOW_MINUTES``), from whatever addresses, and
  the number answers nothing more until the window ends. A right answer does not count, so a
  customer who looks often is never the one who locks the number.

Counters live in Django's cache; a deployment with several processes or servers needs a shared
one (``CACHE_URL``), or each process counts on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework import throttling

from .clientip import client_ip
from .errors import TooManyRequests

T = TypeVar("T")


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    """DRF's scoped throttle, keyed on the trusted client address, not on whatever
    ``X-Forwarded-For`` a client sends."""

    def get_ident(self, request) -> str:
        return client_ip(request)


def address_rate_exceeded(request, scope: str) -> bool:
    """For pages: True once the client's address has used up the rate of ``scope`` (the same
    counter the API's throttle of that scope uses). Counts this request."""
    throttle = ScopedRateThrottle()
    return not throttle.allow_request(request, SimpleNamespace(throttle_scope=scope))


def _keys(scope: str, subject: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{scope}\x00{subject}".encode()).hexdigest()[:32]
    return f"guess:{digest}:count", f"guess:{digest}:until"


def guarded_lookup(scope: str, subject: str, lookup: Callable[[], T | None]) -> T | None:
    """``lookup()`` unless ``subject`` (a normalised order or case number) has had
    ``TRACK_FAILURE_LIMIT`` wrong guesses in the window; raises ``TooManyRequests`` then.

    The attempt is counted before the lookup (atomic ``incr``), so parallel guesses cannot slip
    past the limit together, and given back when it found the record."""
    limit = settings.TRACK_FAILURE_LIMIT
    window = settings.TRACK_FAILURE_WINDOW_MINUTES * 60
    count_key, until_key = _keys(scope, subject)
    now = time.time()
    cache.add(until_key, now + window, window)
    cache.add(count_key, 0, window)
    try:
        attempts = cache.incr(count_key)
    except ValueError:  # the window ended between the two calls: a fresh one
        cache.set(until_key, now + window, window)
        cache.set(count_key, 1, window)
        attempts = 1
    if attempts > limit:
        until = cache.get(until_key) or now + window
        wait = max(60, int(until - now))
        raise TooManyRequests(
            _(
                "Too many wrong tries for this number. For your security it is locked for "
                "about %(minutes)d minutes; please try again later."
            )
            % {"minutes": (wait + 59) // 60},
            code="too_many_wrong_tries",
            retry_after=wait,
        )
    found = lookup()
    if found is not None:
        with contextlib.suppress(ValueError):  # the window ended meanwhile
            cache.decr(count_key)
    return found
