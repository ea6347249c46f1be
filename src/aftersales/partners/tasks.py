from celery import shared_task


@shared_task(name="partners.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    """One attempt of one webhook delivery (see ``delivery.deliver``)."""
    from .delivery import deliver

    return deliver(delivery_id)


@shared_task(name="partners.retry_webhooks")
def retry_webhooks() -> int:
    """Every minute: send the deliveries whose next attempt is due (retries with back-off,
    and any a stopped worker left behind)."""
    from .delivery import due_deliveries

    due = due_deliveries()
    for delivery_id in due:
        deliver_webhook.delay(delivery_id)
    return len(due)
