"""Reads of SLA policies and clocks."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import SlaClock, SlaEscalation, SlaEscalationStep, SlaPolicy, SlaTarget


def sla_policy_list() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.prefetch_related(
        Prefetch("targets", queryset=SlaTarget.objects.order_by("metric")),
        Prefetch("escalations", queryset=SlaEscalationStep.objects.order_by("level")),
    ).order_by("-active", "name")


def sla_policy_for(
    *, case_type: str = "", priority: str = "", channel: str = "", customer_level: str = ""
) -> SlaPolicy | None:
    """The most specific active policy matching the record; blank policy fields match all."""
    wanted = {
        "case_type": case_type,
        "priority": priority,
        "channel": channel,
        "customer_level": customer_level,
    }
    best, best_score = None, -1
    for policy in SlaPolicy.objects.filter(active=True).order_by("id"):
        fields = {k: getattr(policy, k) for k in wanted}
        if any(v and v != wanted[k] for k, v in fields.items()):
            continue
        score = sum(bool(v) for v in fields.values())
        if score > best_score:
            best, best_score = policy, score
    return best


def sla_clocks_for(owner) -> list[SlaClock]:
    owner_type = ContentType.objects.get_for_model(owner)
    return list(
        SlaClock.objects.filter(owner_type=owner_type, owner_id=owner.pk)
        .select_related("policy")
        .order_by("due_at")
    )


def sla_overdue(*, now: datetime | None = None) -> QuerySet[SlaClock]:
    """Running clocks past their due moment: the stored due moments make this one query."""
    return SlaClock.objects.filter(status=SlaClock.Status.RUNNING, due_at__lt=now or timezone.now())


def sla_escalations_for(owner) -> QuerySet[SlaEscalation]:
    owner_type = ContentType.objects.get_for_model(owner)
    return SlaEscalation.objects.filter(
        clock__owner_type=owner_type, clock__owner_id=owner.pk
    ).select_related("clock")


def time_left(clock: SlaClock, *, now: datetime | None = None):
    """Positive: time remaining; negative: how late. None once the clock stopped."""
    if not clock.is_open:
        return None
    reference = clock.paused_at if clock.status == SlaClock.Status.PAUSED else now
    return clock.due_at - (reference or timezone.now())
