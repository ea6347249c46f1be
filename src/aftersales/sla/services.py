"""SLA clocks: start, pause, resume, stop, recompute, and the escalation sweep.

Every function is a use case in one transaction; the due moment is always stored, so
"overdue" is a query (``selectors.sla_overdue``), never a computation over all records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.bulk import db_datetime, insert_rows
from aftersales.core.errors import Conflict, InvalidInput
from aftersales.core.hooks import call_hook
from aftersales.core.notifications import Message, notify_many
from aftersales.workdays import current_calendar

from .clock_math import Target, due_moment
from .models import Metric, SlaClock, SlaEscalation, SlaPause, SlaPolicy
from .selectors import sla_policy_for

OPEN = (SlaClock.Status.RUNNING, SlaClock.Status.PAUSED)
MAX_AMOUNT = 3650  # ten years of days; anything larger is a typing mistake


def _target_of(clock: SlaClock) -> Target:
    return Target(
        clock.amount, clock.unit, clock.end_of_business, clock.business_opens, clock.business_closes
    )


def _now(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput(fields={"at": [_("Give a time with a time zone.")]})
    return at


@transaction.atomic
def sla_clock_start(
    *,
    owner,
    metric: str,
    started_at: datetime | None = None,
    policy: SlaPolicy | None = None,
    amount: int | None = None,
    unit: str | None = None,
    **match: str,
) -> SlaClock:
    """Start the ``metric`` clock of ``owner`` under ``policy`` (or the best match for it).
    ``amount``/``unit`` replace the policy's target where the record itself sets the time
    limit (a refund due within the days the 三包 decision gave); escalations stay the
    policy's."""
    started_at = _now(started_at)
    policy = policy or sla_policy_for(**match)
    if policy is None:
        raise InvalidInput(fields={"policy": [_("No active SLA policy matches this record.")]})
    target_row = policy.targets.filter(metric=metric).first()
    if target_row is None:
        raise InvalidInput(
            fields={
                "metric": [
                    _("The policy %(policy)s has no target for %(metric)s.")
                    % {
                        "policy": policy,
                        "metric": Metric(metric).label if metric in Metric.values else metric,
                    }
                ]
            }
        )
    target = Target(
        amount if amount is not None else target_row.amount,
        unit or target_row.unit,
        target_row.end_of_business,
        policy.business_opens,
        policy.business_closes,
    )
    try:
        due_at, provisional = due_moment(current_calendar(), started_at, target)
    except (ValueError, OverflowError):
        raise InvalidInput(
            fields={"started_at": [_("The time limit would end beyond the supported calendar.")]}
        ) from None
    return SlaClock.objects.create(
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        policy=policy,
        metric=metric,
        amount=target.amount,
        unit=target.unit,
        end_of_business=target.end_of_business,
        business_opens=target.opens,
        business_closes=target.closes,
        started_at=started_at,
        due_at=due_at,
        provisional=provisional,
    )


def sla_clocks_start(*, owner, metrics, started_at: datetime, policy: SlaPolicy) -> list[SlaClock]:
    """Start several clocks of ``owner`` at once: the metrics ``policy`` has targets for (the
    others are skipped). One read of the targets, one insert of the clocks and one of their
    history, where ``sla_clock_start`` per metric would do each for every clock."""
    from simple_history.utils import bulk_create_with_history

    started_at = _now(started_at)
    owner_type = ContentType.objects.get_for_model(owner)
    targets = {t.metric: t for t in policy.targets.filter(metric__in=list(metrics))}
    calendar = current_calendar()
    clocks = []
    for metric in metrics:
        row = targets.get(metric)
        if row is None:
            continue
        target = Target(
            row.amount, row.unit, row.end_of_business, policy.business_opens, policy.business_closes
        )
        try:
            due_at, provisional = due_moment(calendar, started_at, target)
        except (ValueError, OverflowError):
            raise InvalidInput(
                fields={
                    "started_at": [_("The time limit would end beyond the supported calendar.")]
                }
            ) from None
        clocks.append(
            SlaClock(
                owner_type=owner_type,
                owner_id=owner.pk,
                policy=policy,
                metric=metric,
                amount=target.amount,
                unit=target.unit,
                end_of_business=target.end_of_business,
                business_opens=target.opens,
                business_closes=target.closes,
                started_at=started_at,
                due_at=due_at,
                provisional=provisional,
            )
        )
    if clocks:
        clocks = bulk_create_with_history(clocks, SlaClock)
    return clocks


def _locked(clock: SlaClock) -> SlaClock:
    return SlaClock.objects.select_for_update().get(pk=clock.pk)


@transaction.atomic
def sla_clock_pause(*, clock: SlaClock, at: datetime | None = None, reason: str = "") -> SlaClock:
    at = _now(at)
    clock = _locked(clock)
    if clock.status != SlaClock.Status.RUNNING:
        raise Conflict(_("Only a running clock can be paused."), code="clock_not_running")
    clock.status, clock.paused_at = SlaClock.Status.PAUSED, at
    clock._change_reason = reason[:100]
    clock.save(update_fields=["status", "paused_at", "updated_at"])
    SlaPause.objects.create(clock=clock, started_at=at, reason=reason[:120])
    return clock


@transaction.atomic
def sla_clock_resume(*, clock: SlaClock, at: datetime | None = None) -> SlaClock:
    """Resume a paused clock; the due moment moves by the working time spent paused."""
    at = _now(at)
    clock = _locked(clock)
    if clock.status != SlaClock.Status.PAUSED:
        raise Conflict(_("Only a paused clock can be resumed."), code="clock_not_paused")
    SlaPause.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=at)
    clock.due_at, clock.provisional = _rebuilt_due(clock)
    clock.status, clock.paused_at = SlaClock.Status.RUNNING, None
    clock.save(update_fields=["status", "paused_at", "due_at", "provisional", "updated_at"])
    return clock


@transaction.atomic
def sla_clock_stop(*, clock: SlaClock, at: datetime | None = None) -> SlaClock:
    """The target was reached (e.g. first response sent): met, or finished late."""
    at = _now(at)
    clock = _locked(clock)
    if clock.status not in OPEN:
        raise Conflict(_("This clock has already stopped."), code="clock_stopped")
    if clock.status == SlaClock.Status.PAUSED:
        # Stopped while paused: the clock stood still since the pause, so judge it then.
        late = clock.paused_at > clock.due_at
        SlaPause.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=at)
        clock.paused_at = None
    else:
        late = at > clock.due_at
    clock.status = SlaClock.Status.BREACHED if late else SlaClock.Status.MET
    clock.stopped_at = at
    clock.save(update_fields=["status", "stopped_at", "paused_at", "updated_at"])
    return clock


@transaction.atomic
def sla_owner_status_changed(*, owner, status: str, at: datetime | None = None) -> list[SlaClock]:
    """Pause the owner's clocks when its new status is one its policy pauses in; resume them
    when it leaves such a status (e.g. waiting for the customer)."""
    at = _now(at)
    owner_type = ContentType.objects.get_for_model(owner)
    changed = []
    clocks = SlaClock.objects.filter(
        owner_type=owner_type, owner_id=owner.pk, status__in=OPEN
    ).select_related("policy")
    for clock in clocks:
        pauses_here = clock.policy is not None and status in (clock.policy.pause_statuses or [])
        if pauses_here and clock.status == SlaClock.Status.RUNNING:
            changed.append(sla_clock_pause(clock=clock, at=at, reason=status))
        elif not pauses_here and clock.status == SlaClock.Status.PAUSED:
            changed.append(sla_clock_resume(clock=clock, at=at))
    return changed


def sla_recompute_provisional(*, before=None) -> int:
    """Recompute open clocks whose due moment was provisional (after a calendar change).

    Runs inside the calendar change's transaction: the due moment is rebuilt from the start
    and the recorded pauses, on the new calendar.
    """
    count = 0
    moved: dict[int, set[int]] = defaultdict(set)
    clocks = SlaClock.objects.select_for_update().filter(status__in=OPEN, provisional=True)
    for clock in clocks.prefetch_related("pauses"):
        due_at, provisional = _rebuilt_due(clock)
        if (due_at, provisional) != (clock.due_at, clock.provisional):
            clock.due_at, clock.provisional = due_at, provisional
            clock._change_reason = _("Recomputed on the official holiday schedule")
            clock.save(update_fields=["due_at", "provisional", "updated_at"])
            moved[clock.owner_type_id].add(clock.owner_id)
            count += 1
    # Owners that keep a copy of their next due moment (the service desk) refresh it.
    for type_id, ids in moved.items():
        call_hook(
            "sla_clocks_recomputed",
            owner_type=ContentType.objects.get_for_id(type_id),
            owner_ids=sorted(ids),
        )
    return count


def _rebuilt_due(clock: SlaClock) -> tuple:
    """The due moment from the start and every finished pause, on today's calendar."""
    pauses = [(p.started_at, p.ended_at) for p in clock.pauses.all() if p.ended_at is not None]
    return due_moment(current_calendar(), clock.started_at, _target_of(clock), pauses)


# -- escalation -------------------------------------------------------------------------------


@dataclass
class SweepResult:
    checked: int = 0
    escalated: int = 0
    breached: int = 0
    notified: int = 0
    by_level: dict[int, int] = field(default_factory=dict)


CHUNK = 2000


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """Escalate clocks about to breach or breached, once per level (idempotent).

    Candidates are one indexed range query on ``(status, due_at)``; each chunk is then locked
    and re-read, so two sweeps running at once still notify once.
    """
    now = _now(now)
    steps_by_policy = _steps_by_policy()
    result = SweepResult()
    if not steps_by_policy:
        return result
    max_lead = max(
        (-delta for steps in steps_by_policy.values() for _l, delta, _s in steps), default=0
    )
    top_level = max(level for steps in steps_by_policy.values() for level, _d, _s in steps)
    horizon = now + timedelta(seconds=max(max_lead, 0))
    candidate_ids = list(
        SlaClock.objects.filter(
            status=SlaClock.Status.RUNNING,
            due_at__lte=horizon,
            escalation_level__lt=top_level,
            policy_id__in=list(steps_by_policy),
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    result.checked = len(candidate_ids)
    role_members = _RoleMembers()
    for start in range(0, len(candidate_ids), CHUNK):
        _sweep_chunk(
            candidate_ids[start : start + CHUNK], now, steps_by_policy, role_members, result
        )
    return result


def _steps_by_policy() -> dict[int, list[tuple[int, float, object]]]:
    from .models import SlaEscalationStep

    steps: dict[int, list] = defaultdict(list)
    for step in SlaEscalationStep.objects.filter(policy__active=True).order_by("level"):
        sign = -1 if step.trigger == SlaEscalationStep.Trigger.BEFORE_DUE else 1
        steps[step.policy_id].append((step.level, sign * step.offset_minutes * 60.0, step))
    return dict(steps)


class _RoleMembers:
    def __init__(self) -> None:
        self._cache: dict[str, list] = {}

    def __call__(self, role: str) -> list:
        if role not in self._cache:
            users = get_user_model().objects.filter(is_active=True)
            if role:
                users = users.filter(groups__name=role)
            self._cache[role] = list(users.distinct()) if role else []
        return self._cache[role]


@transaction.atomic
def _sweep_chunk(ids, now, steps_by_policy, role_members, result: SweepResult) -> None:
    rows = list(
        SlaClock.objects.select_for_update()
        .filter(id__in=ids, status=SlaClock.Status.RUNNING)
        .values(
            "id", "policy_id", "due_at", "escalation_level", "metric", "owner_type_id", "owner_id"
        )
    )
    fire: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        reached = [
            (level, step)
            for level, delta, step in steps_by_policy.get(row["policy_id"], [])
            if row["due_at"] + timedelta(seconds=delta) <= now
        ]
        if not reached:
            continue
        level, step = reached[-1]
        if level > row["escalation_level"]:
            row["step"] = step
            fire[level].append(row)
    if not fire:
        return
    owners = _owners([r for rows_ in fire.values() for r in rows_])
    escalations, messages = [], defaultdict(list)
    db_now = db_datetime(now)
    for level, level_rows in fire.items():
        SlaClock.objects.filter(id__in=[r["id"] for r in level_rows]).update(escalation_level=level)
        result.by_level[level] = result.by_level.get(level, 0) + len(level_rows)
        for row in level_rows:
            step, breached = row["step"], now >= row["due_at"]
            owner = owners.get((row["owner_type_id"], row["owner_id"]))
            people = list(role_members(step.notify_role))
            if (
                step.notify_responsible
                and owner is not None
                and hasattr(owner, "sla_responsible_users")
            ):
                people.extend(owner.sla_responsible_users())
            people = list({p.pk: p for p in people}.values())
            escalations.append(
                (row["id"], level, breached, db_now, "、".join(str(p) for p in people)[:400])
            )
            result.escalated += 1
            result.breached += breached
            messages[
                (
                    level,
                    breached,
                    row["metric"],
                    row["owner_type_id"],
                    row["owner_id"],
                    row["due_at"],
                )
            ] = people
    # The rows were claimed under lock above, so (clock, level) cannot clash here.
    insert_rows(SlaEscalation, ["clock", "level", "breached", "at", "recipients"], escalations)
    texts = _EscalationTexts()
    result.notified += notify_many(
        [texts.message(key, people, owners) for key, people in messages.items()],
        email_subject=_("Time limits needing attention"),
    )


class _EscalationTexts:
    """Translated texts looked up once per chunk, not once per clock (gettext is not free)."""

    def __init__(self) -> None:
        self.metrics = {value: str(label) for value, label in Metric.choices}
        self.overdue = _("Overdue: %(metric)s of %(record)s (level %(level)s)")
        self.soon = _("Due soon: %(metric)s of %(record)s (level %(level)s)")
        self.due = _("Due %(due)s.")

    def message(self, key, people, owners) -> Message:
        level, breached, metric, type_id, owner_id, due_at = key
        owner = owners.get((type_id, owner_id))
        title = (self.overdue if breached else self.soon) % {
            "metric": self.metrics.get(metric, metric),
            "record": owner if owner is not None else f"#{owner_id}",
            "level": level,
        }
        body = self.due % {"due": timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")}
        link = owner.get_absolute_url() if hasattr(owner, "get_absolute_url") else ""
        return Message(tuple(people), title, body, link, "danger" if breached else "warning")


def _owners(rows) -> dict[tuple[int, int], object]:
    by_type: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        by_type[row["owner_type_id"]].add(row["owner_id"])
    owners = {}
    for type_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for obj in model._default_manager.filter(pk__in=ids):
            owners[(type_id, obj.pk)] = obj
    return owners


# -- policies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInput:
    metric: str
    amount: int
    unit: str
    end_of_business: bool = False
    source: str = ""


@dataclass(frozen=True)
class StepInput:
    level: int
    trigger: str
    offset_minutes: int
    notify_role: str = ""
    notify_responsible: bool = False


@transaction.atomic
def sla_policy_save(
    *,
    actor,
    policy: SlaPolicy | None,
    fields: dict,
    targets: list[TargetInput],
    steps: list[StepInput],
    expected_version: int | None = None,
) -> SlaPolicy:
    """Create or change a policy with its targets and escalation chain, all or nothing.

    Clocks already running keep the target they started with; new clocks use the new one.
    """
    from aftersales.accounts.permissions import ALL_ROLES
    from aftersales.core.errors import PermissionDenied, StaleVersion
    from aftersales.workdays.permissions import can_manage_calendar

    from .models import SlaEscalationStep, SlaTarget, Unit

    if not can_manage_calendar(actor):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if not (fields.get("name") or "").strip():
        errors["name"] = [_("Give the policy a name.")]
    if fields["business_closes"] <= fields["business_opens"]:
        errors["business_closes"] = [_("Closing time must be after opening time.")]
    metrics = [t.metric for t in targets]
    if len(metrics) != len(set(metrics)):
        errors["targets"] = [_("Each metric may have one target only.")]
    for t in targets:
        if (
            t.metric not in Metric.values
            or t.unit not in Unit.values
            or not 1 <= t.amount <= MAX_AMOUNT
        ):
            errors.setdefault("targets", []).append(
                _("%(metric)s: give a whole number from 1 to %(max)s and a unit.")
                % {"metric": t.metric, "max": MAX_AMOUNT}
            )
    levels = [s.level for s in steps]
    if len(levels) != len(set(levels)):
        errors["escalations"] = [_("Each escalation level may appear once.")]
    for s in steps:
        if not 1 <= s.level <= 9 or not 0 <= s.offset_minutes <= 525600:
            errors.setdefault("escalations", []).append(
                _("Levels run from 1 to 9 and offsets up to one year (525,600 minutes).")
            )
        if s.notify_role and s.notify_role not in ALL_ROLES:
            errors.setdefault("escalations", []).append(
                _("Unknown role: %(roles)s.") % {"roles": s.notify_role}
            )
        if not s.notify_role and not s.notify_responsible:
            errors.setdefault("escalations", []).append(
                _("Level %(level)s notifies nobody: choose a role or the person responsible.")
                % {"level": s.level}
            )
    if errors:
        raise InvalidInput(fields=errors)
    if policy is None:
        policy = SlaPolicy()
    else:
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        if expected_version is not None and policy.version != expected_version:
            raise StaleVersion()
        policy.version += 1
    for name, value in fields.items():
        setattr(policy, name, value)
    policy._history_user = actor
    policy.save()
    policy.targets.all().delete()
    SlaTarget.objects.bulk_create(
        [
            SlaTarget(
                policy=policy,
                metric=t.metric,
                amount=t.amount,
                unit=t.unit,
                end_of_business=t.end_of_business,
                source=t.source,
            )
            for t in targets
        ]
    )
    policy.escalations.all().delete()
    SlaEscalationStep.objects.bulk_create(
        [
            SlaEscalationStep(
                policy=policy,
                level=s.level,
                trigger=s.trigger,
                offset_minutes=s.offset_minutes,
                notify_role=s.notify_role,
                notify_responsible=s.notify_responsible,
            )
            for s in steps
        ]
    )
    return policy
