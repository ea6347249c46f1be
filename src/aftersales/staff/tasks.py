from celery import shared_task


@shared_task(name="staff.daily")
def daily_task() -> dict:
    """Periodic (Celery beat, daily in the morning): qualifications about to run out are told
    to their holders and heads once; on the month's first working day last month's
    scorecards are computed as drafts and the department heads asked to review them."""
    from .services.scorecards import monthly_scorecards_due
    from .services.training import expiry_reminders

    told = expiry_reminders()
    period = monthly_scorecards_due()
    return {"expiry_reminders": told, "scorecards": period}
