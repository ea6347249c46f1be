"""Recalls (QC-5): everyone who received the batches, one follow-up task per customer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch
from aftersales.core.bulk import insert_rows
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.workdays import add_working_days

from ..models import Recall, RecallTask
from ..permissions import can_manage_quality, can_work_recall
from ..selectors import recall_rows
from .common import role_users

DEFAULT_WORKING_DAYS = 5


@transaction.atomic
def recall_create(
    *,
    actor,
    batches: list[Batch],
    reason: str,
    due_in_working_days: int = DEFAULT_WORKING_DAYS,
    assignee=None,
) -> Recall:
    """Open a recall of the batches and a task per customer who received any of them. The
    tasks go to ``assignee`` or, without one, to customer service's shared list."""
    if not can_manage_quality(actor):
        raise PermissionDenied(_("The quality department starts a recall."))
    errors: dict[str, list[str]] = {}
    if not batches:
        errors["batches"] = [_("Choose at least one batch.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the recall.")]
    if not 1 <= due_in_working_days <= 60:
        errors["due_in_working_days"] = [_("Between 1 and 60 working days.")]
    if assignee is not None and not (assignee.is_active and can_work_recall(assignee)):
        errors["assignee"] = [_("Choose an active person who works on recalls.")]
    if errors:
        raise InvalidInput(fields=errors)
    recall = Recall(
        number=document_number_next(kind="recall"),
        reason=reason.strip()[:300],
        created_by=actor,
        due_on=add_working_days(timezone.localdate(), due_in_working_days),
    )
    recall._history_user = actor
    recall.save()
    recall.batches.set(batches)
    rows = [
        (recall.pk, r["customer_id"], r["pieces"], assignee.pk if assignee else None, "pending", "")
        for r in recall_rows([b.pk for b in batches])
    ]
    insert_rows(RecallTask, ["recall", "customer", "quantity", "assignee", "outcome", "note"], rows)
    recipients = [assignee] if assignee else role_users(Role.CUSTOMER_SERVICE)
    notify(
        recipients=recipients,
        title=_("Recall %(number)s: contact %(n)s customers by %(due)s")
        % {"number": recall.number, "n": len(rows), "due": recall.due_on.isoformat()},
        body=recall.reason,
        link=recall.get_absolute_url(),
        level="danger",
    )
    return recall


@transaction.atomic
def recall_task_record(*, actor, task: RecallTask, outcome: str, note: str = "") -> RecallTask:
    if not can_work_recall(actor):
        raise PermissionDenied(_("You may not work on recalls."))
    task = RecallTask.objects.select_for_update().select_related("recall").get(pk=task.pk)
    if task.recall.status == Recall.Status.CLOSED:
        raise Conflict(_("This recall is closed."), code="closed")
    if (
        task.outcome != RecallTask.Outcome.PENDING
        and task.done_by_id != actor.pk
        and not can_manage_quality(actor)
    ):
        # What someone else recorded after a call stays theirs; the quality department may
        # correct it (SEC-2: who recorded what is not silently overwritten).
        raise PermissionDenied(_("Only who recorded this contact, or quality, may change it."))
    if outcome not in RecallTask.Outcome.values or outcome == RecallTask.Outcome.PENDING:
        raise InvalidInput(fields={"outcome": [_("Choose what came of the contact.")]})
    task.outcome, task.note = outcome, (note or "").strip()[:300]
    task.done_at, task.done_by = timezone.now(), actor
    if task.assignee_id is None:
        task.assignee = actor
    task.save()
    return task


@transaction.atomic
def recall_close(*, actor, recall: Recall) -> Recall:
    if not can_manage_quality(actor):
        raise PermissionDenied(_("The quality department closes a recall."))
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    if recall.status == Recall.Status.CLOSED:
        raise Conflict(_("This recall is closed."), code="closed")
    pending = recall.tasks.filter(outcome=RecallTask.Outcome.PENDING).count()
    if pending:
        raise Conflict(
            _("%(n)s customers have not been contacted yet.") % {"n": pending},
            code="tasks_pending",
        )
    recall.status = Recall.Status.CLOSED
    recall._history_user = actor
    recall.save(update_fields=["status", "updated_at"])
    return recall
