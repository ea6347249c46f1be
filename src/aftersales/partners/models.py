"""Partners' access to the API (the shop, the platform, the call centre): API keys with
scopes, the dealer they act for, an address allow-list and a rate limit; webhooks that tell
a partner what happened; and the log of every delivery and attempt."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class Scope(models.TextChoices):
    TICKETS_CREATE = "tickets:create", _("Take cases in")
    TICKETS_READ = "tickets:read", _("Read its cases")
    ORDERS_READ = "orders:read", _("Read its dealer's orders")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage its webhooks")


class Event(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Case taken in")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Case status changed")
    TICKET_RESOLVED = "ticket.resolved", _("Case resolved")
    TICKET_CLOSED = "ticket.closed", _("Case closed")
    RETURN_REFUNDED = "return.refunded", _("Return refunded")


class PartnerKey(BaseModel):
    """An API key. Only its prefix (to find it) and the SHA-256 of its secret are kept: the
    key itself is shown once, when it is made."""

    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    dealer = models.ForeignKey(
        "customers.Dealer",
        verbose_name=_("acts for dealer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Addresses or networks (``203.0.113.0/24``); empty: any address.
    allowed_ips = models.JSONField(_("allowed addresses"), default=list, blank=True)
    rate_limit = models.PositiveIntegerField(_("requests a minute"), default=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    timeline_ignored_fields = ("secret_hash", "last_used_at")

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class Webhook(BaseModel):
    """A partner's endpoint and the events it wants. The secret signs every delivery."""

    key = models.ForeignKey(
        PartnerKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="webhooks"
    )
    url = models.CharField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    timeline_ignored_fields = ("secret",)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent to one webhook: the body is fixed when the event happens, so every
    attempt (and a resend) sends the same bytes with the same signature. The sender's log,
    not a business record: its attempts are its history."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Will retry")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    event_id = models.UUIDField(_("event id"))
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True)
    body = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resends"
    )
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="partners_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"


class WebhookAttempt(models.Model):
    """One try of a delivery: what the endpoint answered (or the error) and how long it took.
    Append-only."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    attempted_at = models.DateTimeField(_("at"))
    status_code = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class PartnerCase(models.Model):
    """Which API key took a case in: written once with the case. The key reads its own
    cases through it."""

    key = models.ForeignKey(PartnerKey, on_delete=models.PROTECT, related_name="cases")
    case = models.OneToOneField(
        "service.Case", on_delete=models.CASCADE, related_name="partner_link"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case taken in by a partner")
        verbose_name_plural = _("cases taken in by partners")

    def __str__(self) -> str:
        return f"{self.case_id} ← {self.key_id}"
