"""The service meeting pages (FB-5): the list, recording and editing a meeting with its
action items, the meeting, and each person's own action items (the workbench's list), where
an owner marks an item done."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from ..models import MeetingAction, ServiceMeeting
from ..permissions import (
    can_complete_meeting_action,
    can_manage_meetings,
    can_see_meeting_actions,
)
from ..selectors import (
    meeting_action_list_for_user,
    meeting_get_for_user,
    meeting_list_for_user,
    staff_people,
)
from ..services.meetings import (
    ActionInput,
    MeetingInput,
    meeting_action_done,
    meeting_create,
    meeting_update,
)

NEW_ROWS = 3  # empty action rows on the form
ACTION_STATUSES = {
    "open": gettext_lazy("Open"),
    "overdue": gettext_lazy("Overdue"),
    "done": gettext_lazy("Done"),
    "all": gettext_lazy("All"),
}


def _manager(request) -> None:
    if not can_manage_meetings(request.user):
        raise PermissionDenied


@login_required
def meeting_list(request):
    if not can_manage_meetings(request.user):
        if can_see_meeting_actions(request.user) and user_has_role(request.user, Role.SERVICE):
            # A field technician holds the after-sales role, whose menu has this list, without
            # managing: their own items, with the meetings they come from.
            return redirect("feedback:meeting-actions")
        raise PermissionDenied
    rows = (
        meeting_list_for_user(request.user)
        .annotate(
            n_actions=Count("actions"),
            n_open=Count("actions", filter=Q(actions__done_at__isnull=True)),
        )
        .order_by("-held_on", "-number")
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "feedback/meeting_list.html", {"page": page})


def _date_or_none(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def _form_input(post, people: dict, existing: list[MeetingAction]):
    """The meeting as posted, the errors the service cannot see (a date that is no date),
    and the prefixes of the form's action rows."""
    errors = {}
    held_on = _date_or_none(post.get("held_on", ""))
    if post.get("held_on", "").strip() and held_on is None:
        errors["held_on"] = [_("Give a date as YYYY-MM-DD.")]
    actions = []
    rows = [(f"a{a.pk}", a.pk) for a in existing if a.done_at is None]
    rows += [(f"n{i}", None) for i in range(NEW_ROWS)]
    for prefix, pk in rows:
        text = post.get(f"{prefix}-text", "")
        raw_due = post.get(f"{prefix}-due_on", "")
        raw_owner = post.get(f"{prefix}-owner", "")
        if pk is None and not (text.strip() or raw_owner.strip() or raw_due.strip()):
            continue  # an empty new row
        due = _date_or_none(raw_due)
        if raw_due.strip() and due is None:
            errors[f"{prefix}-due_on"] = [_("Give a date as YYYY-MM-DD.")]
        actions.append(
            ActionInput(text=text, owner=people.get(raw_owner.strip()), due_on=due, id=pk)
        )
    chosen = post.getlist("attendees")
    data = MeetingInput(
        held_on=held_on,
        title=post.get("title", ""),
        attendees=[people[p] for p in chosen if p in people],
        unknown_attendees=[p for p in chosen if p not in people],
        agenda=post.get("agenda", ""),
        minutes=post.get("minutes", ""),
        decisions=post.get("decisions", ""),
        actions=actions,
    )
    return data, errors, [prefix for prefix, _pk in rows]


def _rows(post, existing: list[MeetingAction], errors: dict) -> list[dict]:
    """The action rows of the form: the open items, then empty rows for new ones."""
    rows = []
    for action in existing:
        prefix = f"a{action.pk}"
        rows.append(
            {
                "prefix": prefix,
                "action": action,
                "text": post.get(f"{prefix}-text", action.text) if post else action.text,
                "owner": post.get(f"{prefix}-owner", str(action.owner_id))
                if post
                else str(action.owner_id),
                "due_on": post.get(f"{prefix}-due_on", action.due_on.isoformat())
                if post
                else action.due_on.isoformat(),
                "errors": {n: errors.get(f"{prefix}-{n}", []) for n in ("text", "owner", "due_on")},
            }
        )
    for i in range(NEW_ROWS):
        prefix = f"n{i}"
        rows.append(
            {
                "prefix": prefix,
                "action": None,
                "text": post.get(f"{prefix}-text", "") if post else "",
                "owner": post.get(f"{prefix}-owner", "") if post else "",
                "due_on": post.get(f"{prefix}-due_on", "") if post else "",
                "errors": {n: errors.get(f"{prefix}-{n}", []) for n in ("text", "owner", "due_on")},
            }
        )
    return rows


def _meeting_form(request, meeting: ServiceMeeting | None):
    _manager(request)
    people = list(staff_people())
    by_pk = {str(p.pk): p for p in people}
    existing = (
        list(meeting.actions.select_related("owner", "done_by").order_by("position", "id"))
        if meeting
        else []
    )
    errors, post = {}, None
    if request.method == "POST":
        post = request.POST
        data, errors, prefixes = _form_input(post, by_pk, existing)
        if not errors:
            try:
                version = int(post.get("version", ""))
            except ValueError:
                version = None
            try:
                if meeting is None:
                    saved = meeting_create(actor=request.user, data=data)
                else:
                    saved = meeting_update(
                        actor=request.user, meeting=meeting, data=data, expected_version=version
                    )
            except ApplicationError as exc:
                errors = _map_errors(exc, prefixes, post)
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Meeting %(number)s saved.") % {"number": saved.number})
                return redirect(saved.get_absolute_url())
        else:
            messages.error(request, _("Please correct the marked fields."))
    open_items = [a for a in existing if a.done_at is None]
    attendees = (
        post.getlist("attendees")
        if post is not None
        else [str(pk) for pk in meeting.attendees.values_list("pk", flat=True)]
        if meeting
        else []
    )
    values = {
        "title": post.get("title", "") if post else (meeting.title if meeting else ""),
        "held_on": post.get("held_on", "")
        if post
        else (meeting.held_on.isoformat() if meeting else timezone.localdate().isoformat()),
        "agenda": post.get("agenda", "") if post else (meeting.agenda if meeting else ""),
        "minutes": post.get("minutes", "") if post else (meeting.minutes if meeting else ""),
        "decisions": post.get("decisions", "") if post else (meeting.decisions if meeting else ""),
    }
    return render(
        request,
        "feedback/meeting_form.html",
        {
            "m": meeting,
            "values": values,
            "people": people,
            "attendees": set(attendees),
            "rows": _rows(post, open_items, errors),
            "done_items": [a for a in existing if a.done_at is not None],
            "errors": errors,
            "today": timezone.localdate().isoformat(),
        },
        status=400 if errors else 200,
    )


def _map_errors(exc: ApplicationError, prefixes: list[str], post) -> dict:
    """The service's ``actions[i].field`` as the form row's ``<prefix>-field``: the rows
    that were sent are the open items' and the new rows not left empty, in order."""
    sent = [
        p
        for p in prefixes
        if p.startswith("a")
        or any(post.get(f"{p}-{n}", "").strip() for n in ("text", "owner", "due_on"))
    ]
    out = {}
    for key, value in (exc.fields or {"": [error_text(exc)]}).items():
        if key.startswith("actions["):
            index, _sep, name = key[len("actions[") :].partition("].")
            if index.isdigit() and int(index) < len(sent):
                out[f"{sent[int(index)]}-{name}"] = value
                continue
        out[key] = value
    return out


@login_required
def meeting_new(request):
    return _meeting_form(request, None)


def _meeting_or_404(request, number: str) -> ServiceMeeting:
    meeting = meeting_get_for_user(request.user, number=number)
    if meeting is None:
        raise Http404
    return meeting


@login_required
def meeting_edit(request, number: str):
    _manager(request)
    return _meeting_form(request, _meeting_or_404(request, number))


@login_required
def meeting_detail(request, number: str):
    meeting = _meeting_or_404(request, number)
    actions = list(meeting.actions.select_related("owner", "done_by").order_by("position", "id"))
    today = timezone.localdate()
    for action in actions:
        action.overdue = action.is_overdue(today)
        action.can_complete = action.done_at is None and can_complete_meeting_action(
            request.user, action
        )
    return render(
        request,
        "feedback/meeting_detail.html",
        {
            "m": meeting,
            "attendees": list(meeting.attendees.order_by("username")),
            "actions": actions,
            "can_edit": can_manage_meetings(request.user),
            "can_list": can_manage_meetings(request.user),
        },
    )


@login_required
@require_POST
def meeting_action_done_view(request, number: str, pk: int):
    meeting = _meeting_or_404(request, number)
    action = meeting.actions.filter(pk=pk).first()
    if action is None:
        raise Http404
    try:
        meeting_action_done(
            actor=request.user, action=action, result=request.POST.get("result", "")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The action item is done."))
    target = request.POST.get("next", "")
    if target == "actions":
        return redirect("feedback:meeting-actions")
    return redirect(meeting.get_absolute_url())


@login_required
def meeting_action_list(request):
    if not can_see_meeting_actions(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    status = request.GET.get("status", "open")
    if status not in ACTION_STATUSES:
        status = "open"
    manager = can_manage_meetings(request.user)
    mine = request.GET.get("owner") == "me" or not manager
    rows = meeting_action_list_for_user(request.user)
    if mine:
        rows = rows.filter(owner=request.user)
    if status == "open":
        rows = rows.filter(done_at__isnull=True)
    elif status == "overdue":
        rows = rows.filter(done_at__isnull=True, due_on__lt=today)
    elif status == "done":
        rows = rows.filter(done_at__isnull=False)
    rows = (
        rows.order_by("-done_at", "due_on", "id")
        if status == "done"
        else rows.order_by("due_on", "id")
    )
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    for action in page:
        action.overdue = action.is_overdue(today)
        action.can_complete = action.done_at is None and can_complete_meeting_action(
            request.user, action
        )
    return render(
        request,
        "feedback/meeting_actions.html",
        {
            "page": page,
            "status": status,
            "mine": mine,
            "manager": manager,
            "tabs": [(k, str(v)) for k, v in ACTION_STATUSES.items()],
        },
    )
