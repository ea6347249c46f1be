from celery import shared_task


@shared_task(name="service.fetch_mail")
def fetch_mail_task() -> dict:
    """Periodic (Celery beat): the after-sales mailbox, when one is configured."""
    from .services.mail import fetch_mail

    result = fetch_mail()
    return {"created": result.created, "replies": result.replies, "failed": result.failed}
