from celery import shared_task


@shared_task(name="warranty.refund_overdue_sweep")
def refund_overdue_sweep_task() -> int:
    """Periodic (Celery beat, hourly): alert once on each refund past its due day (WAR-12)."""
    from .services.refund_alerts import refunds_overdue_alert

    return refunds_overdue_alert().alerted
