"""The case's time limits (SVC-2, SVC-3): started at intake by the matching policy, stopped as
the workflow reaches each target, paused while the case waits for the customer."""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from aftersales.sla.models import Metric, SlaClock
from aftersales.sla.selectors import sla_policy_for
from aftersales.sla.services import sla_clock_stop, sla_clocks_start, sla_owner_status_changed

from ..models import Case

# The names integrators see (the intake contract) for the policy's metrics.
TARGET_NAMES = {
    Metric.FIRST_RESPONSE: "response",
    Metric.INITIAL_VERIFICATION: "verification",
    Metric.ON_SITE: "onsite",
    Metric.RESOLUTION: "resolution",
}
AT_INTAKE = (Metric.FIRST_RESPONSE, Metric.INITIAL_VERIFICATION, Metric.RESOLUTION)
OPEN = (SlaClock.Status.RUNNING, SlaClock.Status.PAUSED)
UNSET = object()


def clock_policy(case: Case):
    """The SLA policy that matches the case (read before intake's transaction)."""
    return sla_policy_for(
        case_type=case.kind,
        priority=case.priority,
        channel=case.channel,
        customer_level=case.customer.level,
    )


def start_clocks(case: Case, *, at: datetime, metrics=AT_INTAKE, policy=UNSET) -> list[SlaClock]:
    policy = clock_policy(case) if policy is UNSET else policy
    if policy is None:
        return []
    clocks = sla_clocks_start(owner=case, metrics=metrics, started_at=at, policy=policy)
    running = [c.due_at for c in clocks if c.status == SlaClock.Status.RUNNING]
    if running:
        # Clocks only ever start running: the soonest may become the case's next deadline.
        due = min(running)
        if case.next_due_at is None or due < case.next_due_at:
            Case.objects.filter(pk=case.pk).update(next_due_at=due)
            case.next_due_at = due
    return clocks


def refresh_next_due(case: Case) -> None:
    """Keep ``Case.next_due_at`` (the desk's sort key) equal to the soonest running clock.
    A plain UPDATE: it is derived data, not a change anyone made to the case."""
    due = (
        clocks_of(case)
        .filter(status=SlaClock.Status.RUNNING)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if due != case.next_due_at:
        Case.objects.filter(pk=case.pk).update(next_due_at=due)
        case.next_due_at = due


def clocks_of(case: Case):
    return SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(Case), owner_id=case.pk
    ).order_by("started_at", "id")


def stop_clocks(case: Case, *metrics: str, at: datetime | None = None) -> None:
    for clock in clocks_of(case).filter(metric__in=metrics, status__in=OPEN):
        sla_clock_stop(clock=clock, at=at)
    refresh_next_due(case)


def cancel_clocks(case: Case) -> None:
    clocks_of(case).filter(status__in=OPEN).update(status=SlaClock.Status.CANCELLED)
    refresh_next_due(case)


def status_changed(case: Case, *, at: datetime | None = None) -> None:
    sla_owner_status_changed(owner=case, status=case.sla_status, at=at)
    refresh_next_due(case)


def clocks_recomputed(*, owner_type, owner_ids) -> None:
    """The ``sla_clocks_recomputed`` hook: a calendar change moved some due moments."""
    if owner_type != ContentType.objects.get_for_model(Case):
        return
    for case in Case.objects.filter(pk__in=owner_ids):
        refresh_next_due(case)


def sla_summary(case: Case, clocks=None, *, now: datetime | None = None) -> list[dict]:
    """The contract's ``sla``: one entry per target, the latest clock of each, with a state:
    running, paused, overdue (running past due), met, breached, cancelled."""
    now = now or timezone.now()
    latest: dict[str, SlaClock] = {}
    for clock in clocks if clocks is not None else clocks_of(case):
        latest[clock.metric] = clock
    rows = []
    for metric, name in TARGET_NAMES.items():
        clock = latest.get(metric)
        if clock is None:
            continue
        state = clock.status
        if state == SlaClock.Status.RUNNING and clock.due_at < now:
            state = "overdue"
        rows.append(
            {"target": name, "due": clock.due_at, "state": state, "provisional": clock.provisional}
        )
    return rows
