"""Internal notes and the call log of a case (issue 17, item 8): what the people working a case
write down for each other, and every telephone call in or out with its length and outcome.

Both are kept as written (there is no edit), appear on the case's timeline and in the API, and
are never shown to the customer (not on the tracking link, not in any message). Neither
changes the case itself: a note or a call does not bump its version, so it never makes a
colleague's open form stale.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, PermissionDenied

from ..models import Case, CaseCall, CaseNote
from .workflow import can_handle

MAX_CALL_SECONDS = 24 * 3600
# A call logged "now" on a machine whose clock runs a little ahead is not "in the future".
CLOCK_SLACK = timedelta(minutes=5)


def can_log(user, case: Case) -> bool:
    """Who works the case writes its notes and logs its calls: whoever may take its steps
    (customer service, after-sales service, administrators, the case's own dealer) and the
    person it is assigned to."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_handle(user, case) or (case.assignee_id is not None and case.assignee_id == user.pk)


def _allowed(actor, case: Case) -> None:
    if not can_log(actor, case):
        raise PermissionDenied(_("You may not handle this case."))


@transaction.atomic
def case_note_add(*, actor, case: Case, text: str) -> CaseNote:
    """An internal note on the case, by ``actor``."""
    _allowed(actor, case)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(fields={"text": [_("Write the note.")]})
    note = CaseNote(case=case, text=text, author=actor)
    note._history_user = actor
    note.save()
    return note


@transaction.atomic
def case_call_log(
    *,
    actor,
    case: Case,
    direction: str,
    duration_seconds,
    outcome: str,
    note: str = "",
    called_at: datetime | None = None,
) -> CaseCall:
    """One call about the case: ``direction`` inbound or outbound, ``duration_seconds`` (0 for
    a call nobody answered, at most a day), ``outcome``, what was said, and when it took place
    (now unless given; never in the future)."""
    _allowed(actor, case)
    errors: dict[str, list[str]] = {}
    if direction not in CaseCall.Direction.values:
        errors["direction"] = [_("Choose inbound or outbound.")]
    if outcome not in CaseCall.Outcome.values:
        errors["outcome"] = [_("Choose how the call went.")]
    seconds = duration_seconds
    if isinstance(seconds, str) and seconds.strip().isdigit():
        seconds = int(seconds.strip())
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        errors["duration_seconds"] = [_("Give the length of the call in seconds.")]
    elif not 0 <= seconds <= MAX_CALL_SECONDS:
        errors["duration_seconds"] = [_("A call lasts from 0 seconds to a day.")]
    now = timezone.now()
    if called_at is None:
        called_at = now
    elif timezone.is_naive(called_at):
        called_at = timezone.make_aware(called_at)
    if called_at > now + CLOCK_SLACK:
        errors["called_at"] = [_("The call cannot be in the future.")]
    if errors:
        raise InvalidInput(fields=errors)
    call = CaseCall(
        case=case,
        direction=direction,
        called_at=called_at,
        duration_seconds=seconds,
        outcome=outcome,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    call._history_user = actor
    call.save()
    return call


def duration_text(seconds: int) -> str:
    """``3 min 20 s`` for a page or a timeline."""
    minutes, rest = divmod(int(seconds or 0), 60)
    if minutes and rest:
        return _("%(min)s min %(s)s s") % {"min": minutes, "s": rest}
    if minutes:
        return _("%(min)s min") % {"min": minutes}
    return _("%(s)s s") % {"s": rest}
