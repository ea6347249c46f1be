from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent, actor_name

from .models import DisputeResolution, Order


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
    resolutions = DisputeResolution.objects.filter(
        shipment_line__shipment__order=order
    ).select_related(
        "actor", "reship", "shipment_line__shipment", "shipment_line__order_line__product"
    )
    for row in resolutions:
        line = row.shipment_line
        title = _("%(what)s: %(n)s × %(product)s of %(note)s") % {
            "what": row.get_kind_display(),
            "n": row.quantity,
            "product": line.order_line.product,
            "note": line.shipment.number,
        }
        details = []
        if row.reship_id:
            details.append(_("new delivery note %(note)s") % {"note": row.reship.number})
        if row.amount is not None:
            details.append(_("credit ¥%(amount)s") % {"amount": row.amount})
        if row.note:
            details.append(row.note)
        events.append(
            TimelineEvent(
                row.created_at,
                actor_name(row.actor),
                title,
                "note",
                note=" · ".join(str(d) for d in details),
                icon="arrow-repeat" if row.kind == DisputeResolution.Kind.RESHIP else "cash-coin",
            )
        )
    return events
