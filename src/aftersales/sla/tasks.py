from celery import shared_task


@shared_task(name="sla.sweep")
def sla_sweep_task() -> dict:
    """Periodic (Celery beat, every few minutes): escalate clocks about to breach or breached."""
    from .services import sla_sweep

    result = sla_sweep()
    return {"checked": result.checked, "escalated": result.escalated, "notified": result.notified}
