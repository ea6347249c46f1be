"""Counting 三包 deadlines again once a year's official holiday schedule is loaded (R43).

An application keeps the engine's answer it was decided on, and a return its refund due day.
Both were counted on the calendar of the day; a date that fell in a year without a published
schedule was provisional. When an administrator imports that year's notice, the calendar
listener below moves those dates to the official schedule and says how many moved.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from aftersales.workdays import current_calendar
from aftersales.workdays.calendar import WorkCalendar

from ..engine import EngineError, evaluate
from ..models import Application
from .policies import policy_for

S = Application.Status
# Applications whose deadlines still matter: nothing has been refunded, exchanged or repaired.
DEADLINES_MATTER = (S.APPLIED, S.APPROVED, S.AWAITING_GOODS, S.GOODS_RECEIVED)


def _was_provisional(before: WorkCalendar | None, value: str | date | None) -> bool:
    if not value:
        return False
    year = value.year if isinstance(value, date) else int(str(value)[:4])
    if before is None:
        return True
    return before.year_status(year) == "provisional"


def answer_with_dates_recounted(answer: dict, facts: dict, policy_key: str | None) -> dict | None:
    """``answer`` with each option's last day, the end of the 三包 period and their
    provisional marks counted again on today's calendar; ``None`` when nothing moved. The
    remedies decided stay as they were: only the dates are recounted."""
    try:
        fresh = evaluate(facts, policy_for(policy_key), calendar=current_calendar())
    except (EngineError, ValueError, LookupError):
        return None
    fresh_options = {o["remedy"]: o for o in fresh["options"]}
    options = []
    moved = False
    for option in answer.get("options", []):
        new = fresh_options.get(option["remedy"])
        if new is not None and (
            new["deadline"] != option.get("deadline")
            or new["provisional"] != option.get("provisional", False)
        ):
            option = {**option, "deadline": new["deadline"], "provisional": new["provisional"]}
            moved = True
        options.append(option)
    end_moved = fresh["warranty_end"] != answer.get("warranty_end") or fresh[
        "warranty_end_provisional"
    ] != answer.get("warranty_end_provisional", False)
    if not moved and not end_moved:
        return None
    notes = [n for n in answer.get("notes", []) if not n.startswith("R43：")]
    notes += [n for n in fresh["notes"] if n.startswith("R43：")]
    return {
        **answer,
        "options": options,
        "warranty_end": fresh["warranty_end"],
        "warranty_end_provisional": fresh["warranty_end_provisional"],
        "notes": notes,
    }


def application_deadlines_recount(*, before: WorkCalendar | None = None) -> int:
    """Calendar listener: move the provisional deadlines of open applications (their answer's
    last days and the refund due day, R34/R38) to the calendar now in force. Returns how many
    applications changed."""
    changed = 0
    calendar = current_calendar()
    rows = Application.objects.select_for_update().filter(status__in=DEADLINES_MATTER)
    for app in rows:
        fields = []
        answer = app.answer or {}
        dates = [o.get("deadline") for o in answer.get("options", [])]
        dates.append(answer.get("warranty_end"))
        if any(_was_provisional(before, d) for d in dates):
            recounted = answer_with_dates_recounted(answer, app.facts or {}, app.policy_key)
            if recounted is not None:
                app.answer = recounted
                fields.append("answer")
        if (
            app.refund_due_on
            and app.refunded_at is None
            and app.goods_received_at
            and _was_provisional(before, app.refund_due_on)
        ):
            due = _refund_due_recounted(app, calendar)
            if due is not None and due != app.refund_due_on:
                app.refund_due_on = due
                fields.append("refund_due_on")
        if fields:
            app._change_reason = "R43: recounted on the official holiday schedule"
            app.version += 1
            app.save(update_fields=[*fields, "version", "updated_at"])
            changed += 1
    return changed


def _refund_due_recounted(app: Application, calendar: WorkCalendar) -> date | None:
    from .applications import _refund_clocks, _refund_days

    days = _refund_days(app)
    if days:
        return calendar.period_end(timezone.localtime(app.goods_received_at).date(), days)
    # The SLA policy's refund target: its clock was recounted by the SLA listener.
    clock = _refund_clocks(app).order_by("-started_at").first()
    return timezone.localtime(clock.due_at).date() if clock else None
