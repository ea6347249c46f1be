from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent, actor_name

from .models import Order


def order_events(order: Order) -> list[TimelineEvent]:
    labels = dict(Order.Status.choices)
    events = []
    for event in order.events.select_related("actor"):
        title = str(labels.get(event.to_status, event.to_status))
        if event.from_status:
            title = _("%(from)s → %(to)s") % {
                "from": labels.get(event.from_status, event.from_status),
                "to": title,
            }
        events.append(
            TimelineEvent(event.at, actor_name(event.actor), title, "transition", note=event.note)
        )
    return events
