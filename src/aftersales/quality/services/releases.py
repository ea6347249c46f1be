"""Emergency release of uninspected goods (QC-3): sales or logistics ask, with a reason;
the vice-president alone decides. Every request and decision stays on the register."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, EmergencyRelease
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.notifications import notify

from ..permissions import can_decide_release, can_request_release
from .common import role_users

R = EmergencyRelease.Status


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(fields={field: [_("Give the reason for the emergency release.")]})
    if len(text) > 300:
        raise InvalidInput(fields={field: [_("At most 300 characters.")]})
    return text


def _pending_batch(batch: Batch) -> Batch:
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    if locked.quality_status != Batch.QualityStatus.PENDING:
        raise InvalidInput(
            fields={
                "batch": [_("Only a batch waiting for inspection can be released by exception.")]
            }
        )
    return locked


@transaction.atomic
def emergency_release_request(
    *, actor, batch: Batch, reason: str, notify_vps: bool = True
) -> EmergencyRelease:
    if not can_request_release(actor):
        raise PermissionDenied(_("Sales or logistics ask for an emergency release."))
    reason = _reason(reason)
    locked = _pending_batch(batch)
    if locked.emergency_releases.filter(status=R.REQUESTED).exists():
        raise Conflict(
            _("A request for this batch is already waiting for the vice-president."),
            code="already_requested",
        )
    release = EmergencyRelease(batch=locked, reason=reason, requested_by=actor)
    release._history_user = actor
    try:
        with transaction.atomic():
            release.save()
    except IntegrityError:  # a second request raced this one
        raise Conflict(
            _("A request for this batch is already waiting for the vice-president."),
            code="already_requested",
        ) from None
    if not notify_vps:
        return release
    notify(
        recipients=[vp for vp in role_users(Role.SALES_VP) if vp != actor],
        title=_("Emergency release requested for batch %(batch)s") % {"batch": locked.batch_no},
        body=f"{locked.product} · {reason} — {actor.get_full_name() or actor.username}",
        link=reverse("quality:release-list") + "?status=requested",
        level="warning",
    )
    return release


def _decide(actor, release: EmergencyRelease) -> tuple[EmergencyRelease, Batch]:
    """Lock the batch, then the request: the same order as an inspection (batch first), so a
    decision and an inspection of the same batch wait for each other instead of deadlocking."""
    if not can_decide_release(actor):
        raise PermissionDenied(_("Only the vice-president may decide an emergency release."))
    batch = Batch.objects.select_for_update().get(pk=release.batch_id)
    release = EmergencyRelease.objects.select_for_update().get(pk=release.pk)
    if release.status != R.REQUESTED:
        raise Conflict(_("This request has already been decided."), code="already_decided")
    return release, batch


@transaction.atomic
def emergency_release_approve(*, actor, release: EmergencyRelease, note: str = "") -> Batch:
    release, batch = _decide(actor, release)
    if batch.quality_status != Batch.QualityStatus.PENDING:
        raise InvalidInput(
            fields={
                "batch": [_("Only a batch waiting for inspection can be released by exception.")]
            }
        )
    batch.quality_status = Batch.QualityStatus.RELEASED_BY_EXCEPTION
    batch._history_user = actor
    batch._change_reason = release.reason[:100]
    batch.save(update_fields=["quality_status", "updated_at"])
    release.status, release.decided_by, release.decided_at = R.APPROVED, actor, timezone.now()
    release.decision_note = (note or "").strip()[:300]
    release._history_user = actor
    release.save()
    if release.requested_by and release.requested_by != actor:
        notify(
            recipients=[release.requested_by],
            title=_("Emergency release of batch %(batch)s approved") % {"batch": batch.batch_no},
            body=release.decision_note,
            link=reverse("quality:release-list"),
        )
    notify(
        recipients=role_users(Role.QUALITY_INSPECTION),
        title=_("Batch %(batch)s ships before inspection: inspect it first")
        % {"batch": batch.batch_no},
        body=release.reason,
        link=reverse("quality:trace-batch", args=[batch.pk]),
        level="warning",
    )
    return batch


@transaction.atomic
def emergency_release_reject(*, actor, release: EmergencyRelease, note: str) -> EmergencyRelease:
    release, _batch = _decide(actor, release)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(fields={"note": [_("Give the reason for the rejection.")]})
    release.status, release.decided_by, release.decided_at = R.REJECTED, actor, timezone.now()
    release.decision_note = note[:300]
    release._history_user = actor
    release.save()
    if release.requested_by:
        notify(
            recipients=[release.requested_by],
            title=_("Emergency release of batch %(batch)s rejected")
            % {"batch": release.batch.batch_no},
            body=note,
            link=reverse("quality:release-list"),
            level="warning",
        )
    return release


@transaction.atomic
def batch_release_by_exception(*, actor, batch: Batch, reason: str) -> Batch:
    """The vice-president's own decision: a request already waiting is approved with this
    reason as the note; without one, it is asked and approved at once. Either way the
    register has one row of the same shape."""
    if not can_decide_release(actor):
        raise PermissionDenied(_("Only the sales vice-president may release uninspected goods."))
    reason = _reason(reason)
    waiting = EmergencyRelease.objects.filter(batch=batch, status=R.REQUESTED).first()
    if waiting is not None:
        return emergency_release_approve(actor=actor, release=waiting, note=reason)
    release = emergency_release_request(actor=actor, batch=batch, reason=reason, notify_vps=False)
    return emergency_release_approve(actor=actor, release=release)
