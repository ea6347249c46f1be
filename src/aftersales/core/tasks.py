from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(name="core.ping")
def ping() -> str:
    """A no-op job, used to check that a worker is consuming from the broker."""
    return "pong"


@shared_task(name="core.send_email", autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_email(*, to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@shared_task(name="core.deliver_message", bind=True, max_retries=5, default_retry_delay=60)
def deliver_message(self, message_id: int) -> str:
    """Send one queued customer message; on failure record the error and retry later."""
    from django.utils import timezone

    from .messaging import sms_backend
    from .models import OutboundMessage

    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None or message.status == OutboundMessage.Status.SENT:
        return "skipped"
    message.attempts += 1
    try:
        if message.channel == OutboundMessage.Channel.SMS:
            sms_backend().send(message.to, message.body)
        else:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
    except Exception as exc:  # a provider error of any kind: record it and retry
        message.error = f"{type(exc).__name__}: {exc}"[:300]
        final = self.request.retries >= self.max_retries or self.request.is_eager
        message.status = OutboundMessage.Status.FAILED if final else OutboundMessage.Status.QUEUED
        message.save(update_fields=["attempts", "error", "status"])
        if not final:
            raise self.retry(exc=exc) from None
        return "failed"
    message.status, message.sent_at, message.error = OutboundMessage.Status.SENT, timezone.now(), ""
    message.save(update_fields=["attempts", "status", "sent_at", "error"])
    return "sent"
