"""SLA events on the owning record's timeline: clocks started and stopped, escalations."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.timeline import TimelineEvent

from .models import SlaClock, SlaEscalation


def sla_timeline_events(obj) -> list[TimelineEvent]:
    if obj.pk is None:
        return []
    owner_type = ContentType.objects.get_for_model(obj)
    clocks = SlaClock.objects.filter(owner_type=owner_type, owner_id=obj.pk).prefetch_related(
        Prefetch("escalations", queryset=SlaEscalation.objects.order_by("level"))
    )
    events = []
    for clock in clocks:
        due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
        note = _("Due %(due)s") % {"due": due}
        if clock.provisional:
            note += " " + _("(provisional: the official holiday schedule is not loaded)")
        events.append(
            TimelineEvent(
                clock.started_at,
                _("System"),
                _("Time limit started: %(metric)s") % {"metric": clock.get_metric_display()},
                "note",
                note=note,
                icon="stopwatch",
            )
        )
        if clock.stopped_at:
            title = (
                _("Time limit met: %(metric)s")
                if clock.status == SlaClock.Status.MET
                else _("Time limit missed: %(metric)s")
            ) % {"metric": clock.get_metric_display()}
            events.append(TimelineEvent(clock.stopped_at, _("System"), title, "note", icon="flag"))
        for escalation in clock.escalations.all():
            title = (
                _("Overdue, escalated to level %(level)s")
                if escalation.breached
                else _("Due soon, escalated to level %(level)s")
            ) % {"level": escalation.level}
            events.append(
                TimelineEvent(
                    escalation.at,
                    _("System"),
                    f"{clock.get_metric_display()} · {title}",
                    "alert",
                    note=_("Notified: %(who)s") % {"who": escalation.recipients or "—"},
                )
            )
    return events
