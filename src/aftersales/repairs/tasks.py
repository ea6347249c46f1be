from celery import shared_task


@shared_task(name="repairs.daily_care")
def daily_care_task() -> dict:
    """Periodic (Celery beat, daily): maintenance visits due within their lead time become
    work orders (WAR-16), the dispatchers hear about overdue loaners (R15), and repairs past
    their limit get the remedy proposed (S3)."""
    from .services.loaners import loaners_overdue_notify
    from .services.maintenance import maintenance_generate
    from .services.repair_centre import repair_limit_check

    created = maintenance_generate()
    overdue = loaners_overdue_notify()
    late = repair_limit_check()  # S3, WAR-7: remedies proposed for repairs past their limit
    return {
        "maintenance_work_orders": [wo.number for wo in created],
        "overdue_loans": overdue,
        "repairs_past_limit": [wo.number for wo in late],
    }
