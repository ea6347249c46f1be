from celery import shared_task


@shared_task(name="management.refresh")
def refresh_task() -> dict:
    """Periodic (Celery beat, every few minutes): the summary tables take in the records
    changed since the last run."""
    from .facts import refresh

    return refresh()


@shared_task(name="management.daily")
def daily_task() -> dict:
    """Periodic (daily): on the month's first working day, the summary tables are brought up
    to date and last month's management report is made and sent."""
    from .facts import refresh
    from .services import monthly_report_due

    refresh()
    report = monthly_report_due()
    return {"management_report": str(report) if report else None}
