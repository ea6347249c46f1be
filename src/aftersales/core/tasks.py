import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


@shared_task(name="core.ping")
def ping() -> str:
    """A no-op job, used to check that a worker is consuming from the broker."""
    return "pong"


@shared_task(name="core.send_email", autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@shared_task(name="core.deliver_message", bind=True, max_retries=5, default_retry_delay=60)
def deliver_message(self, message_id: int) -> str:
    """Send one queued customer message; on failure record the error and retry later. An
    error that says trying again cannot help (``permanent``, e.g. an SMS provider without a
    template for the message) fails the message at once."""
    from django.utils import timezone

    from .messaging import deliver_sms
    from .models import OutboundMessage

    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None or message.status == OutboundMessage.Status.SENT:
        return "skipped"
    message.attempts += 1
    try:
        if message.channel == OutboundMessage.Channel.SMS:
            deliver_sms(message)
        else:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
    except Exception as exc:  # a provider error of any kind: record it and retry
        message.error = f"{type(exc).__name__}: {exc}"[:300]
        final = (
            getattr(exc, "permanent", False)
            or self.request.retries >= self.max_retries
            or self.request.is_eager
        )
        message.status = OutboundMessage.Status.FAILED if final else OutboundMessage.Status.QUEUED
        message.save(update_fields=["attempts", "error", "status"])
        if not final:
            logger.warning(
                "Customer message %s not sent, trying again: %s", message.pk, message.error
            )
            raise self.retry(exc=exc) from None
        logger.error("Customer message %s failed: %s", message.pk, message.error)
        return "failed"
    message.status, message.sent_at, message.error = OutboundMessage.Status.SENT, timezone.now(), ""
    message.save(update_fields=["attempts", "status", "sent_at", "error"])
    return "sent"
