from celery import shared_task


@shared_task(name="feedback.daily")
def daily_task() -> dict:
    """Periodic (Celery beat, daily in the morning): follow-ups past their deadline are told to
    customer service; on the month's first working day the complaint analysis of the month
    before is made and sent to the policy's roles (FB-3), and the month's self-inspection of
    each active checklist is made, sampling the month before's resolved cases (FB-5; a day
    missed is caught up on the next run, and a month has one per checklist)."""
    from .services.followups import overdue_follow_ups_alert
    from .services.reports import monthly_report_due
    from .services.self_inspections import monthly_self_inspections_due

    overdue = overdue_follow_ups_alert()
    report = monthly_report_due()
    inspections = monthly_self_inspections_due()
    return {
        "overdue_follow_ups": overdue,
        "complaint_report": str(report) if report else None,
        "self_inspections": [i.number for i in inspections],
    }
