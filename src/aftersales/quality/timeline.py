from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent, actor_name

from .models import CorrectiveAction, Nonconformance


def nonconformance_events(nc: Nonconformance) -> list[TimelineEvent]:
    """The actions on the nonconformance's own timeline: planned, and done."""
    events = []
    actions = list(nc.actions.select_related("owner", "done_by"))
    # Who planned each action: the user on its first history row (one query for them all).
    planners = {}
    for row in (
        CorrectiveAction.history.filter(id__in=[a.pk for a in actions], history_type="+")
        .select_related("history_user")
        .order_by("history_date")
    ):
        planners.setdefault(row.id, row.history_user)
    for action in actions:
        events.append(
            TimelineEvent(
                action.created_at,
                actor_name(planners.get(action.pk)),
                _("Action planned: %(action)s (due %(due)s)")
                % {"action": action.description, "due": action.due_on.isoformat()},
                "note",
                icon="list-check",
            )
        )
        if action.done_at:
            events.append(
                TimelineEvent(
                    action.done_at,
                    actor_name(action.done_by or action.owner),
                    _("Action done: %(action)s") % {"action": action.description},
                    "transition",
                    note=action.result,
                    icon="check2-circle",
                )
            )
    return events
