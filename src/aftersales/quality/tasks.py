from celery import shared_task


@shared_task(name="quality.remind_overdue_actions")
def remind_overdue_actions_task() -> int:
    """Periodic: owners of overdue corrective actions are reminded, once a day (QC-7)."""
    from .services.nonconformances import corrective_actions_remind_overdue

    return corrective_actions_remind_overdue()
