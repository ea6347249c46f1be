"""Nonconformances and corrective/preventive actions (QC-5, QC-7).

open ──(first action planned)──▶ action ──(every action done)──▶ verification
  ▲                                  ▲                                │
  └──────────── not effective ───────┴────────── verified effective ──┴──▶ closed
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.notifications import Message, notify, notify_many
from aftersales.core.numbering import document_number_next
from aftersales.core.services import full_clean_or_invalid, model_update
from aftersales.workdays import add_working_days

from ..models import CorrectiveAction, Nonconformance
from ..permissions import can_complete_action, can_manage_quality, is_staff_member
from .common import role_users

S = Nonconformance.Status
MAX_DUE_WORKING_DAYS = 250


def _manager(actor) -> None:
    if not can_manage_quality(actor):
        raise PermissionDenied(_("Only the quality department handles nonconformances."))


def _locked(nc: Nonconformance, expected_version: int | None = None) -> Nonconformance:
    locked = Nonconformance.objects.select_for_update().get(pk=nc.pk)
    if expected_version is not None and expected_version != locked.version:
        from aftersales.core.errors import StaleVersion

        raise StaleVersion()
    return locked


def _save(nc: Nonconformance, actor, fields: list[str], reason: str = "") -> Nonconformance:
    nc.version += 1
    nc._history_user = actor
    if reason:
        nc._change_reason = reason[:100]
    nc.save(update_fields=[*fields, "version", "updated_at"])
    return nc


@transaction.atomic
def nonconformance_open(
    *,
    actor,
    source: str,
    title: str,
    description: str,
    severity: str = Nonconformance.Severity.MAJOR,
    batch=None,
    inspection=None,
    source_ref: str = "",
    owner=None,
    system: bool = False,
) -> Nonconformance:
    """Raise a nonconformance. Anyone of the company may (a complaint heard, a damaged
    delivery); the quality department is told and takes it from there. ``system`` marks one
    raised by another use case (a failed inspection), whose actor was already checked."""
    if not system and not is_staff_member(actor):
        raise PermissionDenied(_("Only company staff raise nonconformances."))
    nc = Nonconformance(
        number=document_number_next(kind="nonconformance"),
        source=source,
        source_ref=source_ref.strip(),
        title=title.strip()[:120],
        description=description.strip(),
        severity=severity,
        batch=batch,
        inspection=inspection,
        owner=owner,
        raised_by=actor,
    )
    full_clean_or_invalid(nc, exclude=["number"])
    nc._history_user = actor
    nc.save()
    notify(
        recipients=role_users(Role.QUALITY) + ([owner] if owner else []),
        title=_("New nonconformance %(number)s: %(title)s")
        % {"number": nc.number, "title": nc.title},
        body=nc.description[:500],
        link=nc.get_absolute_url(),
        level="danger" if severity == Nonconformance.Severity.CRITICAL else "warning",
    )
    return nc


@transaction.atomic
def nonconformance_investigate(
    *, actor, nc: Nonconformance, data: dict, expected_version: int | None = None
) -> Nonconformance:
    """Record containment and the root cause (5 whys or free text), severity and owner."""
    _manager(actor)
    nc = _locked(nc, expected_version)
    if nc.status == S.CLOSED:
        raise Conflict(_("A closed nonconformance is not changed any more."), code="closed")
    fields = ["containment", "root_cause_method", "whys", "root_cause", "severity", "owner"]
    data = dict(data)
    owner = data.get("owner")
    if owner is not None and not (owner.is_active and is_staff_member(owner)):
        raise InvalidInput(fields={"owner": [_("Choose an active member of staff.")]})
    if "whys" in data:
        whys = [str(w).strip()[:300] for w in (data["whys"] or []) if str(w).strip()]
        if len(whys) > 5:
            raise InvalidInput(fields={"whys": [_("Five whys at most.")]})
        data["whys"] = whys
    if data.get("root_cause_method") == Nonconformance.RootCauseMethod.FIVE_WHY and data.get(
        "whys"
    ):
        # The last answer of the chain is the root cause, unless one was written out.
        data["root_cause"] = (data.get("root_cause") or "").strip() or data["whys"][-1]
    nc._history_user = actor
    nc, _changed = model_update(instance=nc, fields=fields, data=data, expected_version=nc.version)
    return nc


@transaction.atomic
def corrective_action_add(
    *,
    actor,
    nc: Nonconformance,
    description: str,
    owner,
    kind: str = CorrectiveAction.Kind.CORRECTIVE,
    due_in_working_days: int | None = None,
    due_on: date | None = None,
    system: bool = False,
) -> CorrectiveAction:
    """Plan an action with an owner and a due date, given as a date or as working days from
    today (statutory holidays and make-up days counted, R-calendar). ``system`` marks one
    planned by another use case (a finding of the service self-inspection, FB-5), whose actor
    was already checked there."""
    if not system:
        _manager(actor)
    nc = _locked(nc)
    errors: dict[str, list[str]] = {}
    if nc.status == S.CLOSED:
        raise Conflict(_("A closed nonconformance is not changed any more."), code="closed")
    if not description.strip():
        errors["description"] = [_("Describe the action.")]
    if owner is None or not (owner.is_active and is_staff_member(owner)):
        errors["owner"] = [_("Choose an active member of staff as the owner.")]
    if kind not in CorrectiveAction.Kind.values:
        errors["kind"] = [_("Choose corrective or preventive.")]
    today = timezone.localdate()
    if due_on is None and due_in_working_days is None:
        errors["due_on"] = [_("Give a due date or a number of working days.")]
    elif due_on is None:
        if not 1 <= due_in_working_days <= MAX_DUE_WORKING_DAYS:
            errors["due_in_working_days"] = [
                _("Between 1 and %(max)s working days.") % {"max": MAX_DUE_WORKING_DAYS}
            ]
        else:
            due_on = add_working_days(today, due_in_working_days)
    elif due_on < today:
        errors["due_on"] = [_("The due date is in the past.")]
    if errors:
        raise InvalidInput(fields=errors)
    action = CorrectiveAction(
        nonconformance=nc,
        kind=kind,
        description=description.strip()[:300],
        owner=owner,
        due_on=due_on,
    )
    action._history_user = actor
    action.save()
    if nc.status in (S.OPEN, S.VERIFICATION):
        nc.status = S.ACTION
        _save(nc, actor, ["status"])
    notify(
        recipients=[owner],
        title=_("Action for %(number)s due %(due)s: %(action)s")
        % {"number": nc.number, "due": due_on.isoformat(), "action": action.description},
        link=nc.get_absolute_url(),
    )
    return action


@transaction.atomic
def corrective_action_complete(*, actor, action: CorrectiveAction, result: str) -> CorrectiveAction:
    """The owner reports the action done. When the last one is done the nonconformance waits
    for verification of effectiveness."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if not can_complete_action(actor, action):
        raise PermissionDenied(_("Only the action's owner or the quality department may do this."))
    if action.done_at:
        raise Conflict(_("This action is already done."), code="already_done")
    if not result.strip():
        raise InvalidInput(fields={"result": [_("Say what was done.")]})
    action.done_at, action.done_by = timezone.now(), actor
    action.result = result.strip()[:300]
    action._history_user = actor
    action.save(update_fields=["done_at", "done_by", "result", "updated_at"])
    nc = _locked(action.nonconformance)
    if nc.status == S.ACTION and not nc.actions.filter(done_at__isnull=True).exists():
        nc.status = S.VERIFICATION
        _save(nc, actor, ["status"])
        notify(
            recipients=role_users(Role.QUALITY) + ([nc.owner] if nc.owner else []),
            title=_("%(number)s: every action is done; verify the effect") % {"number": nc.number},
            link=nc.get_absolute_url(),
        )
    return action


@transaction.atomic
def nonconformance_verify(
    *, actor, nc: Nonconformance, effective: bool, verification: str
) -> Nonconformance:
    """Verify the effect of the actions: effective closes the nonconformance; not effective
    sends it back for further action."""
    _manager(actor)
    nc = _locked(nc)
    if nc.status != S.VERIFICATION:
        raise Conflict(
            _("Only a nonconformance whose actions are all done can be verified."),
            code="illegal_transition",
        )
    errors = {}
    if not verification.strip():
        errors["verification"] = [_("Record how the effect was checked.")]
    if effective and not nc.root_cause.strip():
        errors["root_cause"] = [_("Record the root cause before closing.")]
    if errors:
        raise InvalidInput(fields=errors)
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y-%m-%d")
    verdict = _("effective") if effective else _("not effective")
    entry = f"[{stamp} {actor.get_full_name() or actor.username}] {verdict}: {verification.strip()}"
    nc.verification = f"{nc.verification}\n{entry}".strip()
    nc.verified_by, nc.verified_at = actor, now
    if effective:
        nc.status, nc.closed_at = S.CLOSED, now
    else:
        nc.status = S.ACTION
    return _save(
        nc, actor, ["verification", "verified_by", "verified_at", "status", "closed_at"], verdict
    )


def overdue_actions(today: date | None = None):
    today = today or timezone.localdate()
    return CorrectiveAction.objects.filter(done_at__isnull=True, due_on__lt=today)


@transaction.atomic
def corrective_actions_remind_overdue(today: date | None = None) -> int:
    """Periodic: remind each owner of an overdue action, once a day, and the quality
    department of the whole list (QC-7). Returns how many actions were overdue."""
    today = today or timezone.localdate()
    due = list(
        overdue_actions(today)
        .exclude(reminded_on=today)
        .select_related("owner", "nonconformance")
        .select_for_update(of=("self",))
    )
    if not due:
        return 0
    messages = [
        Message(
            recipients=(a.owner,),
            title=_("Overdue since %(due)s: %(action)s (%(number)s)")
            % {
                "due": a.due_on.isoformat(),
                "action": a.description,
                "number": a.nonconformance.number,
            },
            link=a.nonconformance.get_absolute_url(),
            level="danger",
        )
        for a in due
    ]
    managers = tuple(role_users(Role.QUALITY))
    if managers:
        messages.append(
            Message(
                recipients=managers,
                title=_("%(n)s corrective actions are overdue") % {"n": len(due)},
                body="\n".join(
                    f"{a.nonconformance.number} · {a.description} · {a.owner} · {a.due_on}"
                    for a in due[:50]
                ),
                link="/quality/nonconformances/?overdue=1",
                level="warning",
            )
        )
    notify_many(messages, email_subject=_("Overdue corrective actions"))
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in due]).update(reminded_on=today)
    return len(due)
