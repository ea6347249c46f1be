"""Service meetings (服务例会, FB-5): the date, who came, the agenda, the minutes and the
decisions, and the action items with owners and due dates; an owner marks an item done with
what was done. Open items are on the owner's workbench and in the month's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next

from ..models import MeetingAction, ServiceMeeting
from ..permissions import can_complete_meeting_action, can_manage_meetings

TITLE_MAX = 120
ACTION_MAX = 300
MAX_ACTIONS = 50
MAX_ATTENDEES = 100


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: object = None  # a user, or None when none (or an unknown one) was given
    due_on: date | None = None
    id: int | None = None  # an existing item of the meeting (on edit)


@dataclass(frozen=True)
class MeetingInput:
    held_on: date | None
    title: str
    attendees: list = field(default_factory=list)  # users
    agenda: str = ""
    minutes: str = ""
    decisions: str = ""
    actions: list[ActionInput] = field(default_factory=list)
    unknown_attendees: list[str] = field(default_factory=list)  # names that matched nobody


def _staff(user) -> bool:
    from aftersales.quality.permissions import is_staff_member

    return user is not None and user.is_active and is_staff_member(user)


def _check(data: MeetingInput, existing: dict[int, MeetingAction]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_("Give the meeting a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("At most %(n)s characters.") % {"n": TITLE_MAX}]
    if data.held_on is None:
        errors["held_on"] = [_("Give the date of the meeting.")]
    elif abs((data.held_on - timezone.localdate()).days) > 366:
        errors["held_on"] = [_("Give a date within a year of today.")]
    if data.unknown_attendees:
        errors["attendees"] = [
            _("Nobody is called %(names)s.") % {"names": ", ".join(data.unknown_attendees[:5])}
        ]
    elif len(data.attendees) > MAX_ATTENDEES:
        errors["attendees"] = [_("At most %(n)s people.") % {"n": MAX_ATTENDEES}]
    elif any(not _staff(p) for p in data.attendees):
        errors["attendees"] = [_("Attendees are active members of staff.")]
    if len(data.actions) > MAX_ACTIONS:
        errors["actions"] = [_("At most %(n)s action items.") % {"n": MAX_ACTIONS}]
    today = timezone.localdate()
    for index, action in enumerate(data.actions):
        where = f"actions[{index}]"
        text = (action.text or "").strip()
        if action.id is not None:
            current = existing.get(action.id)
            if current is None:
                errors[f"{where}.id"] = [_("This action item is not of this meeting.")]
                continue
            if current.done_at is not None:
                continue  # a done item stays as it was
            if not text:
                continue  # cleared: removed
        if not text:
            errors[f"{where}.text"] = [_("Say what is to be done.")]
        elif len(text) > ACTION_MAX:
            errors[f"{where}.text"] = [_("At most %(n)s characters.") % {"n": ACTION_MAX}]
        if not _staff(action.owner):
            errors[f"{where}.owner"] = [_("Choose an active member of staff as the owner.")]
        if action.due_on is None:
            errors[f"{where}.due_on"] = [_("Give a due date.")]
        elif action.id is None and action.due_on < today:
            errors[f"{where}.due_on"] = [_("The due date is in the past.")]
    return errors


def _tell_owners(meeting: ServiceMeeting, actions: list[MeetingAction], actor) -> None:
    for action in actions:
        if action.owner_id == getattr(actor, "pk", None):
            continue
        notify(
            recipients=[action.owner],
            title=_("Action from meeting %(number)s, due %(due)s: %(text)s")
            % {"number": meeting.number, "due": action.due_on.isoformat(), "text": action.text},
            link=meeting.get_absolute_url(),
        )


def _save_actions(meeting, data: MeetingInput, existing: dict[int, MeetingAction], actor):
    """Add the new items, change the open ones given, remove the open ones cleared. Returns
    the items owners must hear of (new, or handed to someone else)."""
    told = []
    position = max((a.position for a in existing.values()), default=-1) + 1
    for action in data.actions:
        text = (action.text or "").strip()
        if action.id is None:
            item = MeetingAction(
                meeting=meeting,
                text=text,
                owner=action.owner,
                due_on=action.due_on,
                position=position,
            )
            position += 1
            item._history_user = actor
            item.save()
            told.append(item)
            continue
        item = existing[action.id]
        if item.done_at is not None:
            continue
        item._history_user = actor
        if not text:
            item.delete()
            continue
        changed = (item.text, item.owner_id, item.due_on) != (text, action.owner.pk, action.due_on)
        if changed:
            new_owner = item.owner_id != action.owner.pk
            item.text, item.owner, item.due_on = text, action.owner, action.due_on
            item.save(update_fields=["text", "owner", "due_on", "updated_at"])
            if new_owner:
                told.append(item)
    return told


@transaction.atomic
def meeting_create(*, actor, data: MeetingInput) -> ServiceMeeting:
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("You may not record service meetings."))
    if any(a.id is not None for a in data.actions):
        raise InvalidInput(fields={"actions": [_("A new meeting has no action items yet.")]})
    errors = _check(data, {})
    if errors:
        raise InvalidInput(fields=errors)
    meeting = ServiceMeeting(
        number=document_number_next(kind="service_meeting"),
        held_on=data.held_on,
        title=data.title.strip(),
        agenda=(data.agenda or "").strip(),
        minutes=(data.minutes or "").strip(),
        decisions=(data.decisions or "").strip(),
        recorded_by=actor,
    )
    meeting._history_user = actor
    meeting.save()
    meeting.attendees.set(data.attendees)
    _tell_owners(meeting, _save_actions(meeting, data, {}, actor), actor)
    return meeting


@transaction.atomic
def meeting_update(
    *, actor, meeting: ServiceMeeting, data: MeetingInput, expected_version: int | None = None
) -> ServiceMeeting:
    """Change the record of a meeting: its fields, attendees and open action items (a done
    item is kept as it was)."""
    if not can_manage_meetings(actor):
        raise PermissionDenied(_("You may not record service meetings."))
    meeting = ServiceMeeting.objects.select_for_update().get(pk=meeting.pk)
    if expected_version is not None and expected_version != meeting.version:
        raise StaleVersion()
    existing = {a.pk: a for a in meeting.actions.select_related("owner")}
    errors = _check(data, existing)
    if errors:
        raise InvalidInput(fields=errors)
    meeting.held_on, meeting.title = data.held_on, data.title.strip()
    meeting.agenda = (data.agenda or "").strip()
    meeting.minutes = (data.minutes or "").strip()
    meeting.decisions = (data.decisions or "").strip()
    meeting.version += 1
    meeting._history_user = actor
    meeting.save()
    meeting.attendees.set(data.attendees)
    _tell_owners(meeting, _save_actions(meeting, data, existing, actor), actor)
    return meeting


@transaction.atomic
def meeting_action_done(*, actor, action: MeetingAction, result: str) -> MeetingAction:
    """The owner (or a manager) reports the item done, saying what was done."""
    action = MeetingAction.objects.select_for_update().select_related("meeting").get(pk=action.pk)
    if not can_complete_meeting_action(actor, action):
        raise PermissionDenied(_("Only the owner or a manager may do this."))
    if action.done_at is not None:
        raise Conflict(_("This action item is already done."), code="already_done")
    result = (result or "").strip()
    if not result:
        raise InvalidInput(fields={"result": [_("Say what was done.")]})
    if len(result) > ACTION_MAX:
        raise InvalidInput(fields={"result": [_("At most %(n)s characters.") % {"n": ACTION_MAX}]})
    action.done_at, action.done_by, action.result = timezone.now(), actor, result
    action._history_user = actor
    action.save(update_fields=["done_at", "done_by", "result", "updated_at"])
    return action
