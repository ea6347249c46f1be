"""Webhooks: what happened becomes one delivery per interested webhook after the commit, sent
by Celery, signed, retried with back-off for 24 hours, every attempt logged.

A delivery is ``POST <url>`` with the body ``{"event", "id", "occurred_at", "data"}`` and the
headers ``X-Aftersales-Event``, ``X-Aftersales-Delivery`` (unique per delivery; a resend gets
a new one, the body's ``id`` stays) and ``X-Aftersales-Signature: sha256=<hex HMAC-SHA256 of
the raw body with the webhook's secret>``. A 2xx answer delivers it; anything else (another
status, a redirect, a timeout, a refused connection) is retried after ``BACKOFF`` until 24
hours after the event, then the delivery has failed. The periodic ``partners.retry_webhooks``
task sends the deliveries that are due.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from .models import Event, Webhook, WebhookAttempt, WebhookDelivery
from .scopes import EVENT_SCOPES

# Seconds to wait after the 1st, 2nd, … failed attempt; none after the last.
BACKOFF = (60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600, 12 * 3600)
GIVE_UP_AFTER = timedelta(hours=24)
TIMEOUT_SECONDS = 10
# A delivery claimed by a worker that died is taken up again after this.
STALE_CLAIM = timedelta(minutes=5)
DUE_BATCH = 200
USER_AGENT = "aftersales-webhooks/1"
S = WebhookDelivery.Status


# -- events ---------------------------------------------------------------------------------


def on_case_created(*, case, actor=None, **_ignored) -> None:
    _after_commit((Event.TICKET_CREATED,), "case", case.pk)


def on_case_status_changed(*, case, before=None, **_ignored) -> None:
    if case.status == before:
        return
    events = [Event.TICKET_STATUS_CHANGED]
    if case.status == "resolved":
        events.append(Event.TICKET_RESOLVED)
    elif case.status == "closed":
        events.append(Event.TICKET_CLOSED)
    _after_commit(tuple(events), "case", case.pk)


def on_return_refunded(*, application, **_ignored) -> None:
    _after_commit((Event.RETURN_REFUNDED,), "application", application.pk)


def _after_commit(events: tuple[str, ...], kind: str, pk: int) -> None:
    occurred_at = timezone.now()
    # Robust: a failure here is logged and never undoes or fails the committed change; a
    # delivery already written and not queued is sent by the periodic task.
    transaction.on_commit(partial(emit, events, kind, pk, occurred_at), robust=True)


def _subscribers(events) -> list[Webhook]:
    """Active webhooks of active keys that want any of ``events`` (one query)."""
    wanted = set(events)
    return [
        w
        for w in Webhook.objects.filter(active=True, key__revoked_at__isnull=True).select_related(
            "key", "key__dealer"
        )
        if wanted & set(w.events or [])
    ]


def emit(events, kind: str, pk: int, occurred_at=None) -> list[int]:
    """Write the deliveries of ``events`` about one record (``kind`` ``case`` or
    ``application``) to each webhook whose key may read it, and queue them. Returns the
    deliveries' ids."""
    webhooks = _subscribers(events)
    if not webhooks:
        return []
    occurred_at = occurred_at or timezone.now()
    bodies: dict[str, tuple[uuid.UUID, str]] = {}  # event → (its id, the body)
    made = []
    for webhook in webhooks:
        for event in events:
            if event not in webhook.events or not webhook.key.has_scope(EVENT_SCOPES[event]):
                continue
            record = _visible(kind, pk, webhook.key)
            if record is None:
                continue
            if event not in bodies:
                event_id = uuid.uuid4()
                bodies[event] = event_id, _body(event, event_id, kind, record, occurred_at)
            event_id, body = bodies[event]
            made.append(
                WebhookDelivery(
                    webhook=webhook,
                    event=event,
                    event_id=event_id,
                    body=body,
                    next_attempt_at=timezone.now(),
                )
            )
    ids = []
    for delivery in made:  # one by one: every database gives the ids back
        delivery.save()
        ids.append(delivery.pk)
        queue_delivery(delivery.pk)
    return ids


def _visible(kind: str, pk: int, key):
    """The record as the key may read it, or None: the case through the service's own
    scoped selector, a return through its case (or its customer's dealer)."""
    from aftersales.service.selectors import case_list_for_user

    from .authentication import PartnerClient

    client = PartnerClient(key)
    if kind == "case":
        return case_list_for_user(client).filter(pk=pk).first()
    from aftersales.warranty.models import Application

    application = Application.objects.select_related("case", "customer").filter(pk=pk).first()
    if application is None:
        return None
    if application.case_id:
        if not case_list_for_user(client).filter(pk=application.case_id).exists():
            return None
    elif not key.dealer_id or application.customer.dealer_id != key.dealer_id:
        return None
    return application


def _body(event: str, event_id: uuid.UUID, kind: str, record, occurred_at) -> str:
    """The exact bytes every attempt sends: ``data`` is the case as the intake answers it
    (``CaseSerializer``, phones masked: no person reads it), or the return's refund."""
    if kind == "case":
        from aftersales.service.api import CaseSerializer

        data = CaseSerializer(record).data
    else:
        data = {
            "number": record.number,
            "status": record.status,
            "case_number": record.case.number if record.case_id else None,
            "refund_total": str(record.refund_total) if record.refund_total is not None else None,
            "refunded_at": record.refunded_at.isoformat() if record.refunded_at else None,
        }
    body = {
        "event": event,
        "id": str(event_id),
        "occurred_at": timezone.localtime(occurred_at).isoformat(),
        "data": data,
    }
    return json.dumps(body, ensure_ascii=False, cls=JSONEncoder)


# -- sending ----------------------------------------------------------------------------------


def queue_delivery(delivery_id: int) -> None:
    """Send it by Celery once the surrounding transaction (if any) has committed."""
    from .tasks import deliver_webhook

    transaction.on_commit(partial(deliver_webhook.delay, delivery_id), robust=True)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(delivery_id: int) -> str:
    """One attempt of a due delivery: claimed first, so two workers never send it at once."""
    now = timezone.now()
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status__in=(S.PENDING, S.RETRYING), next_attempt_at__lte=now)
            | Q(status=S.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .update(status=S.SENDING, claimed_at=now)
    )
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("webhook__key").get(pk=delivery_id)
    webhook = delivery.webhook
    if not webhook.active or webhook.key.revoked_at is not None:
        delivery.status, delivery.finished_at = S.CANCELLED, now
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "finished_at", "next_attempt_at"])
        return "cancelled"
    body = delivery.body.encode()
    started = time.perf_counter()
    status_code, error = post(
        webhook.url,
        body,
        {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Aftersales-Event": delivery.event,
            "X-Aftersales-Delivery": str(delivery.delivery_id),
            "X-Aftersales-Signature": signature(webhook.secret, body),
        },
    )
    duration_ms = int((time.perf_counter() - started) * 1000)
    number = delivery.attempts + 1
    at = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        attempted_at=at,
        status_code=status_code,
        error=error[:300],
        duration_ms=duration_ms,
    )
    delivery.attempts, delivery.last_status_code, delivery.last_error = number, status_code, error
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.next_attempt_at, delivery.finished_at = S.SUCCEEDED, None, at
    else:
        wait = BACKOFF[number - 1] if number <= len(BACKOFF) else None
        retry_at = at + timedelta(seconds=wait) if wait is not None else None
        if retry_at is None or retry_at > delivery.created_at + GIVE_UP_AFTER:
            delivery.status, delivery.next_attempt_at, delivery.finished_at = S.FAILED, None, at
        else:
            delivery.status, delivery.next_attempt_at = S.RETRYING, retry_at
    delivery.last_error = delivery.last_error[:300]
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "last_error",
            "status",
            "next_attempt_at",
            "finished_at",
        ]
    )
    return delivery.status


def due_deliveries(now=None) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(status__in=(S.PENDING, S.RETRYING), next_attempt_at__lte=now)
            | Q(status=S.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: it is not followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    """POST the body; (status code, error text). No status code when nothing answered."""
    refused = _refused_address(url)
    if refused:
        return None, refused
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as answer:
            answer.read(65536)
            return answer.status, ""
    except urllib.error.HTTPError as exc:
        with _quietly():
            exc.read(65536)
        return exc.code, f"HTTP {exc.code} {exc.reason}".strip()
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return None, f"{type(exc).__name__}: {reason}"


class _quietly:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return True


def _refused_address(url: str) -> str:
    """Outside deployments that allow it (``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``), an address
    that resolves to this machine or a private network is not called: a partner must not
    reach the company's internal services through its webhook."""
    if getattr(settings, "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        return ""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        return f"DNS: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            return f"Address not allowed: {address} (WEBHOOK_ALLOW_PRIVATE_ADDRESSES)"
    return ""
