from celery import shared_task


@shared_task(name="feedback.daily")
def daily_task() -> dict:
    """Periodic (Celery beat, daily in the morning): follow-ups past their deadline are told to
    customer service, and on the month's first working day the complaint analysis of the
    month before is made and sent to the policy's roles (FB-3)."""
    from .services.followups import overdue_follow_ups_alert
    from .services.reports import monthly_report_due

    overdue = overdue_follow_ups_alert()
    report = monthly_report_due()
    return {"overdue_follow_ups": overdue, "complaint_report": str(report) if report else None}
