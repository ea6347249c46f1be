"""Reads of partners' keys, webhooks and deliveries, and what an API key may read of the
other apps' records (the ``case_scope`` and ``order_scope`` hooks)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .authentication import is_partner
from .models import PartnerKey, Webhook, WebhookAttempt, WebhookDelivery
from .permissions import can_manage_partners


def key_list(user) -> QuerySet[PartnerKey]:
    if not can_manage_partners(user):
        return PartnerKey.objects.none()
    return PartnerKey.objects.select_related("dealer", "created_by", "revoked_by")


def key_get(user, *, key_id: int) -> PartnerKey | None:
    return key_list(user).filter(pk=key_id).first()


def webhook_list(user) -> QuerySet[Webhook]:
    """Administrators: every webhook; a key: its own."""
    webhooks = Webhook.objects.select_related("key", "key__dealer")
    if is_partner(user):
        return webhooks.filter(key=user.key)
    if can_manage_partners(user):
        return webhooks
    return Webhook.objects.none()


def webhook_get(user, *, webhook_id: int) -> Webhook | None:
    return webhook_list(user).filter(pk=webhook_id).first()


def delivery_list(user) -> QuerySet[WebhookDelivery]:
    """Deliveries of the webhooks the reader sees, newest first, each with its attempts."""
    return (
        WebhookDelivery.objects.filter(webhook__in=webhook_list(user))
        .select_related("webhook", "webhook__key", "resent_by")
        .prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-id")
    )


def delivery_get(user, *, delivery_id: int) -> WebhookDelivery | None:
    return delivery_list(user).filter(pk=delivery_id).first()


def key_case_filter(key) -> Q:
    """The cases a key reads: those it took in, and its dealer's."""
    q = Q(partner_link__key=key)
    if key.dealer_id:
        q |= Q(dealer_id=key.dealer_id)
    return q


def case_scope(*, user, cases):
    """``case_scope`` hook of the service app: a key's cases; None for a person."""
    if not is_partner(user):
        return None
    return cases.filter(key_case_filter(user.key))


def order_scope(*, user, orders):
    """``order_scope`` hook of the sales app: a key acting for a dealer reads that dealer's
    orders as the dealer's people do; a key without a dealer reads none. None for a person."""
    if not is_partner(user):
        return None
    own = user.key.dealer_id
    if own is None:
        return orders.none()
    return orders.filter(Q(dealer_id=own) | Q(dealer__isnull=True, customer__dealer_id=own))
