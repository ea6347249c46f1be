"""Work-order steps on the work order's own timeline and on its case's (the issue asks for all
steps on the case's timeline)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent, actor_name

from .models import WorkOrder, WorkOrderEvent
from .services.work_orders import ACTION_LABELS


def _title(event: WorkOrderEvent) -> str:
    label = ACTION_LABELS.get(event.action)
    if label is not None:
        return str(label)
    return {
        "part": _("Part used"),
        "part_return": _("Part returned to stock"),
        "test": _("Tested"),
        "limit": _("Repair limit passed"),
        "warranty": _("Three Guarantees (三包) decision set by hand"),
        "charge": _("Charges"),
        "charge_add": _("Charge added"),
        "charge_remove": _("Charge removed"),
        "quote": _("Quotation"),
        "quote_send": _("Quotation sent"),
        "quote_accept": _("Quotation accepted"),
        "quote_decline": _("Quotation declined"),
        "cost_split": _("Cost split recorded"),
        "maintenance_plan": _("From the maintenance plan"),
        "loaner": _("Loaner"),
        "photo": _("Photos"),
    }.get(event.action, event.action)


def _events(rows, prefix: str = "") -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=e.at,
            actor=actor_name(e.actor),
            title=f"{prefix}{_title(e)}",
            kind="transition" if e.to_status else "note",
            note=e.note,
            icon="tools",
        )
        for e in rows
    ]


def work_order_events(work_order: WorkOrder) -> list[TimelineEvent]:
    # "create" is already the record's own history entry on this timeline.
    return _events(work_order.events.exclude(action="create").select_related("actor"))


def case_work_order_events(case) -> list[TimelineEvent]:
    rows = WorkOrderEvent.objects.filter(work_order__case=case).select_related(
        "actor", "work_order"
    )
    out = []
    for e in rows:
        out.extend(_events([e], prefix=f"{e.work_order.number} · "))
    return out
