"""``Authorization: Api-Key <key>``: a partner's system calls the API as its key, not as a
person. The key answers only the operations ``scopes.ENDPOINTS`` opens to it, from an allowed
address, within its rate limit."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from aftersales.core.clientip import client_ip

from .scopes import required_scope

KEYWORD = "Api-Key"
KEY_START = "ak_"
# last_used_at is written at most this often per key (not on every request).
LAST_USED_EVERY_SECONDS = 60


class PartnerClient(AnonymousUser):
    """Who a request made with an API key is: authenticated, but no person — it holds no role,
    belongs to no dealer as a person, and writes as nobody. What it may read is decided by the
    partners app (``selectors.case_scope``, ``order_scope``)."""

    def __init__(self, key):
        self.key = key

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def username(self) -> str:
        return f"api-key:{self.key.prefix}"

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return self.key.name

    def __str__(self) -> str:
        return self.key.name

    def __eq__(self, other) -> bool:
        return isinstance(other, PartnerClient) and other.key.pk == self.key.pk

    def __hash__(self) -> int:
        return hash(("partner-key", self.key.pk))


def is_partner(user) -> bool:
    return isinstance(user, PartnerClient)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(raw: str) -> tuple[str, str] | None:
    """``ak_<prefix>.<secret>`` → (prefix, secret), or None for anything else."""
    if not raw.startswith(KEY_START) or "." not in raw:
        return None
    prefix, _dot, secret = raw[len(KEY_START) :].partition(".")
    if not prefix or not secret or len(prefix) > 16 or len(secret) > 200:
        return None
    return prefix, secret


def _find_key(raw: str):
    from .models import PartnerKey

    parts = split_key(raw)
    if parts is None:
        return None
    prefix, secret = parts
    key = PartnerKey.objects.select_related("dealer").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(secret)):
        return None
    return key


def address_allowed(key, address: str) -> bool:
    if not key.allowed_ips:
        return True
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in key.allowed_ips:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _rate_check(key) -> None:
    """At most ``rate_limit`` requests in each minute (a fixed window of the clock's minute),
    counted in the shared cache; over it, 429 ``throttled`` with ``Retry-After``."""
    now = time.time()
    window = int(now // 60)
    counter = f"partner-key-rate:{key.pk}:{window}"
    cache.add(counter, 0, 120)
    try:
        used = cache.incr(counter)
    except ValueError:  # expired between the two calls
        cache.set(counter, 1, 120)
        used = 1
    if used > key.rate_limit:
        wait = max(1, math.ceil((window + 1) * 60 - now))
        raise exceptions.Throttled(
            wait=wait,
            detail=_("This API key has used its %(limit)s requests of this minute.")
            % {"limit": key.rate_limit},
            code="throttled",
        )


def _forget_request_user_for_history() -> None:
    """django-simple-history takes the request's user as the author of what a request
    changes; DRF has just made that the key, which is no person. A partner's writes are
    recorded without an author (the services say who, where it matters)."""
    from simple_history.models import HistoricalRecords

    if hasattr(HistoricalRecords.context, "request"):
        HistoricalRecords.context.request = None


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key ak_<prefix>.<secret>``.

    - an unknown or malformed key: 401 ``authentication_failed``;
    - a revoked key: 403 ``api_key_revoked``;
    - an operation keys may not call: 403 ``api_key_not_accepted``;
    - a key without the operation's scope: 403 ``missing_scope``;
    - an address outside the key's allow-list: 403 ``address_not_allowed``;
    - over the key's rate: 429 ``throttled`` with ``Retry-After``.
    """

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Api-Key <key>."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raw = ""
        key = _find_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Unknown API key."))
        if not key.active:
            raise exceptions.PermissionDenied(
                _("This API key has been revoked."), code="api_key_revoked"
            )
        match = getattr(request._request, "resolver_match", None)
        scope = required_scope(match.url_name if match else None, request.method)
        if scope is None:
            raise exceptions.PermissionDenied(
                _("This operation does not accept API keys."), code="api_key_not_accepted"
            )
        if not address_allowed(key, client_ip(request)):
            raise exceptions.PermissionDenied(
                _("This API key may not be used from this address."), code="address_not_allowed"
            )
        if not key.has_scope(scope):
            raise exceptions.PermissionDenied(
                _("This API key lacks the scope %(scope)s.") % {"scope": scope},
                code="missing_scope",
            )
        _rate_check(key)
        _touch(key)
        _forget_request_user_for_history()
        return PartnerClient(key), key

    def authenticate_header(self, request) -> str:
        return KEYWORD


def _touch(key) -> None:
    from .models import PartnerKey

    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= (
        LAST_USED_EVERY_SECONDS
    ):
        PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
