"""Every write of the partners app: API keys made and revoked, webhooks registered and
switched off, deliveries sent again, and the record of which key took a case in."""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied

from .authentication import KEY_START, is_partner, secret_hash
from .models import (
    Event,
    PartnerCase,
    PartnerKey,
    Scope,
    Webhook,
    WebhookDelivery,
)
from .permissions import can_manage_partners, can_manage_webhooks_of
from .scopes import EVENT_SCOPES

MAX_RATE = 10_000
MAX_ALLOWED_IPS = 50
MAX_URL_LENGTH = 500
OPEN = (
    WebhookDelivery.Status.PENDING,
    WebhookDelivery.Status.SENDING,
    WebhookDelivery.Status.RETRYING,
)


def _admin_only(actor) -> None:
    if not can_manage_partners(actor):
        raise PermissionDenied(_("Only administrators manage partners' API keys."))


def _clean_scopes(scopes, errors: dict) -> list[str]:
    if not isinstance(scopes, list | tuple) or not scopes:
        errors["scopes"] = [_("Give at least one scope.")]
        return []
    unknown = sorted({str(s) for s in scopes} - set(Scope.values))
    if unknown:
        errors["scopes"] = [
            _("Unknown scope: %(scopes)s. The scopes are: %(all)s.")
            % {"scopes": ", ".join(unknown), "all": ", ".join(Scope.values)}
        ]
        return []
    return [s for s in Scope.values if s in set(scopes)]


def _clean_ips(entries, errors: dict) -> list[str]:
    cleaned, bad = [], []
    for entry in entries or []:
        text = str(entry).strip()
        try:
            cleaned.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            bad.append(text)
    if bad:
        errors["allowed_ips"] = [
            _("Not an address or network: %(entries)s.") % {"entries": ", ".join(bad)}
        ]
    elif len(cleaned) > MAX_ALLOWED_IPS:
        errors["allowed_ips"] = [_("At most %(n)s entries.") % {"n": MAX_ALLOWED_IPS}]
    return list(dict.fromkeys(cleaned))


@transaction.atomic
def key_create(
    *,
    actor,
    name: str,
    scopes,
    dealer=None,
    allowed_ips=(),
    rate_limit: int = 60,
) -> tuple[PartnerKey, str]:
    """A new key for a partner. Returns the key record and the key itself, which is shown
    this once: only its prefix and the SHA-256 of its secret are kept."""
    _admin_only(actor)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the partner or system the key is for.")]
    elif len(name) > 120:
        errors["name"] = [_("At most %(n)s characters.") % {"n": 120}]
    scopes = _clean_scopes(scopes, errors)
    if Scope.ORDERS_READ in scopes and dealer is None:
        errors["scopes"] = [_("orders:read needs the dealer the key acts for.")]
    ips = _clean_ips(allowed_ips, errors)
    if not isinstance(rate_limit, int) or not 1 <= rate_limit <= MAX_RATE:
        errors["rate_limit"] = [_("From 1 to %(n)s requests a minute.") % {"n": MAX_RATE}]
    if dealer is not None and not dealer.active:
        errors["dealer"] = [_("This dealer is no longer active.")]
    if errors:
        raise InvalidInput(fields=errors)
    prefix = secrets.token_hex(6)
    while PartnerKey.objects.filter(prefix=prefix).exists():  # pragma: no cover (2^48)
        prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = PartnerKey(
        name=name,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scopes=scopes,
        dealer=dealer,
        allowed_ips=ips,
        rate_limit=rate_limit,
        created_by=actor,
    )
    key._history_user = actor
    key.save()
    return key, f"{KEY_START}{prefix}.{secret}"


@transaction.atomic
def key_revoke(*, actor, key: PartnerKey) -> PartnerKey:
    """The key answers 403 from now on; its webhooks are no longer sent (deliveries still
    waiting are cancelled). Revoking a revoked key changes nothing."""
    _admin_only(actor)
    key = PartnerKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        return key
    key.revoked_at, key.revoked_by = timezone.now(), actor
    key._history_user = actor
    key.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    _cancel_open(WebhookDelivery.objects.filter(webhook__key=key), _("The API key was revoked."))
    return key


def _cancel_open(deliveries, reason: str) -> None:
    deliveries.filter(status__in=OPEN).update(
        status=WebhookDelivery.Status.CANCELLED,
        next_attempt_at=None,
        finished_at=timezone.now(),
        last_error=reason[:300],
    )


def url_errors(url) -> list[str]:
    """What is wrong with a webhook's address: http(s) only, with a host, no credentials."""
    if not isinstance(url, str) or not url.strip():
        return [_("Give the address to send the events to.")]
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        return [_("At most %(n)s characters.") % {"n": MAX_URL_LENGTH}]
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises)
    except ValueError:
        return [_("Not a valid address.")]
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return [_("Only http:// and https:// addresses can receive events.")]
    if parts.username or parts.password:
        return [_("Leave user names and passwords out of the address.")]
    return []


def _clean_events(key: PartnerKey, events, errors: dict) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        errors["events"] = [_("Choose at least one event.")]
        return []
    unknown = sorted({str(e) for e in events} - set(Event.values))
    if unknown:
        errors["events"] = [
            _("Unknown event: %(events)s. The events are: %(all)s.")
            % {"events": ", ".join(unknown), "all": ", ".join(Event.values)}
        ]
        return []
    lacking = sorted({EVENT_SCOPES[e] for e in events if not key.has_scope(EVENT_SCOPES[e])})
    if lacking:
        errors["events"] = [
            _("The key needs the scope %(scopes)s to be told of these events.")
            % {"scopes": ", ".join(lacking)}
        ]
        return []
    return [e for e in Event.values if e in set(events)]


@transaction.atomic
def webhook_create(*, actor, key: PartnerKey | None, url: str, events) -> Webhook:
    """Register an endpoint for ``key``'s events (an administrator names the key; a key
    registers its own). The answer carries the secret that signs every delivery."""
    if is_partner(actor):
        key = actor.key
    elif not can_manage_partners(actor):
        raise PermissionDenied(_("Only administrators manage partners' webhooks."))
    errors: dict[str, list[str]] = {}
    if key is None:
        errors["key"] = [_("Name the API key the webhook is for.")]
    elif not key.active:
        errors["key"] = [_("This API key has been revoked.")]
    if key is not None and not can_manage_webhooks_of(actor, key):
        raise PermissionDenied()
    problems = url_errors(url)
    if problems:
        errors["url"] = problems
    events = _clean_events(key, events, errors) if key is not None else []
    if errors:
        raise InvalidInput(fields=errors)
    webhook = Webhook(
        key=key,
        url=url.strip(),
        events=events,
        secret=secrets.token_hex(32),
        created_by=None if is_partner(actor) else actor,
    )
    webhook._history_user = None if is_partner(actor) else actor
    webhook.save()
    return webhook


@transaction.atomic
def webhook_deactivate(*, actor, webhook: Webhook) -> Webhook:
    """No more events go to it; deliveries still waiting are cancelled."""
    if not can_manage_webhooks_of(actor, webhook.key):
        raise PermissionDenied()
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    if webhook.active:
        webhook.active = False
        webhook._history_user = None if is_partner(actor) else actor
        webhook.save(update_fields=["active", "updated_at"])
        _cancel_open(webhook.deliveries.all(), _("The webhook was switched off."))
    return webhook


@transaction.atomic
def delivery_resend(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery (a new ``X-Aftersales-Delivery``,
    the same body and event ``id``), after the commit."""
    from .delivery import queue_delivery

    webhook = delivery.webhook
    if not can_manage_webhooks_of(actor, webhook.key):
        raise PermissionDenied()
    if not webhook.active or not webhook.key.active:
        raise Conflict(
            _("The webhook is switched off or its API key is revoked."), code="webhook_inactive"
        )
    again = WebhookDelivery.objects.create(
        webhook=webhook,
        event=delivery.event,
        event_id=delivery.event_id,
        body=delivery.body,
        next_attempt_at=timezone.now(),
        resent_from=delivery,
        resent_by=None if is_partner(actor) else actor,
    )
    queue_delivery(again.pk)
    return again


def case_taken_by_key(key: PartnerKey, case) -> PartnerCase:
    """Inside the intake's transaction: the key took this case in."""
    return PartnerCase.objects.create(key=key, case=case)
