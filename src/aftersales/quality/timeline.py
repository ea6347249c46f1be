from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent, actor_name

from .models import Nonconformance


def nonconformance_events(nc: Nonconformance) -> list[TimelineEvent]:
    """The actions on the nonconformance's own timeline: planned, and done."""
    events = []
    for action in nc.actions.select_related("owner"):
        planned = action.history.order_by("history_date").select_related("history_user").first()
        events.append(
            TimelineEvent(
                action.created_at,
                actor_name(planned.history_user if planned else None),
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
                    actor_name(action.owner),
                    _("Action done: %(action)s") % {"action": action.description},
                    "transition",
                    note=action.result,
                    icon="check2-circle",
                )
            )
    return events
