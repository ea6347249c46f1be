"""When the working-day calendar changes (a State Council notice imported), the follow-ups
not yet called move with it: the due day is counted again from the event, the deadline from
the due day."""

from __future__ import annotations

from aftersales.workdays import add_working_days

from ..models import FollowUp
from .policy import working_day_on_or_after


def follow_up_deadlines_recount() -> int:
    moved = 0
    rows = FollowUp.objects.filter(status=FollowUp.Status.DUE, attempts=0).select_related("rule")
    for follow_up in rows.iterator(chunk_size=500):
        rule = follow_up.rule
        if rule is None:
            continue
        due = working_day_on_or_after(follow_up.starts_on, rule.working_days)
        deadline = (
            add_working_days(due, rule.deadline_working_days) if rule.deadline_working_days else due
        )
        if (due, deadline) != (follow_up.due_on, follow_up.deadline_on):
            FollowUp.objects.filter(pk=follow_up.pk).update(due_on=due, deadline_on=deadline)
            moved += 1
    return moved
