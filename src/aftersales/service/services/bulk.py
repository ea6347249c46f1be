"""Several cases at once from the desk's queue: all of them or none (SVC-5)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError, InvalidInput, PermissionDenied

from ..models import Case
from .routing import assignee_may_take, case_assign

MAX_CASES = 200


@transaction.atomic
def cases_assign(
    *, actor, numbers: list[str], department, assignee=None, versions: dict | None = None
) -> list[Case]:
    """Hand every listed case to ``department`` (and ``assignee``). Each case is checked as if
    assigned alone (who may handle it, whether it is still open, and — with ``versions``, the
    version each was seen at — whether someone changed it meanwhile); one refusal keeps them
    all as they were, and the error names the case."""
    from ..selectors import case_list_for_user
    from .workflow import can_bulk_assign

    if not can_bulk_assign(actor):
        raise PermissionDenied(_("You may not assign several cases at once."))
    versions = versions or {}
    numbers = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    if not numbers:
        raise InvalidInput(fields={"cases": [_("Tick at least one case.")]})
    if len(numbers) > MAX_CASES:
        raise InvalidInput(fields={"cases": [_("At most %(n)s cases at once.") % {"n": MAX_CASES}]})
    found = {c.number: c for c in case_list_for_user(actor).filter(number__in=numbers)}
    missing = [n for n in numbers if n not in found]
    if missing:
        raise InvalidInput(
            fields={"cases": [_("No such case: %(numbers)s") % {"numbers": ", ".join(missing)}]}
        )
    if assignee is not None and any(found[n].assignee_id != assignee.pk for n in numbers):
        assignee_may_take(assignee)  # once for the batch, not once per case
    done = []
    for number in numbers:
        try:
            done.append(
                case_assign(
                    actor=actor,
                    case=found[number],
                    department=department,
                    assignee=assignee,
                    expected_version=versions.get(number),
                    assignee_checked=True,
                )
            )
        except ApplicationError as exc:
            # Name the case that stopped the batch: the desk shows which one to look at.
            exc.message = f"{number}: {exc.message}"
            raise
    return done
