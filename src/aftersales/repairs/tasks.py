from celery import shared_task


@shared_task(name="repairs.daily_care")
def daily_care_task() -> dict:
    """Periodic (Celery beat, daily): maintenance visits due within their lead time become
    work orders (WAR-16), and the dispatchers hear about overdue loaners (R15)."""
    from .services.loaners import loaners_overdue_notify
    from .services.maintenance import maintenance_generate

    created = maintenance_generate()
    overdue = loaners_overdue_notify()
    return {"maintenance_work_orders": [wo.number for wo in created], "overdue_loans": overdue}
