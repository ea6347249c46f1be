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
