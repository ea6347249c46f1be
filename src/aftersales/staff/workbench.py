"""The staff app's part of the workbench: the person's own scorecard waiting for their
answer, and the scorecards a supervisor is to review, answer or make final."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Todo

from .permissions import headed_department_ids, is_staff_member, sees_everyone
from .selectors import scorecards_waiting

ASSESSED_ROLES = (Role.SERVICE, Role.CUSTOMER_SERVICE)


def todos(user, ctx):
    # Only for those assessed or supervising; the administrator's workbench is the system.
    if not is_staff_member(user):
        return
    assessed = user_has_role(user, *ASSESSED_ROLES)
    heads = bool(headed_department_ids(user)) or sees_everyone(user)
    if not (assessed or heads):
        return
    waiting = scorecards_waiting(user)
    if assessed:
        yield Todo(
            "staff.scorecard_to_answer",
            _("My scorecard to acknowledge"),
            waiting["to_answer"],
            list_url("staff:home"),
            icon="clipboard-check",
            order=90,
        )
    if heads:
        yield Todo(
            "staff.scorecards_to_review",
            _("Scorecards waiting for me"),
            waiting["to_review"],
            list_url("staff:scorecards", status="to_review"),
            icon="clipboard-data",
            order=91,
        )
