"""The feedback app's part of the workbench: follow-up calls due (and overdue), the
self-inspections assigned to the reader, their own open meeting action items, and the week's
satisfaction answers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role, user_roles
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts

from .models import SelfInspection, Survey
from .permissions import can_run_self_inspections, can_see_meeting_actions, can_view_surveys
from .selectors import (
    follow_ups_due,
    meeting_actions_open,
    self_inspection_list_for_user,
    survey_list_for_user,
)


def todos(user, ctx):
    yield from _fb5_todos(user, ctx)
    # The desk's queue, or a salesperson's (a dealer's) own delivery calls; an administrator
    # may open the queue but it is not their work.
    if not user_has_role(user, Role.CUSTOMER_SERVICE, Role.SALES, Role.DEALER):
        return
    yield Todo(
        "feedback.follow_ups",
        _("Follow-up calls due"),
        follow_ups_due(user, today=ctx.today).count(),
        list_url("feedback:follow-ups"),
        icon="telephone-outbound",
        order=60,
    )
    yield Todo(
        "feedback.follow_ups_overdue",
        _("Follow-up calls overdue"),
        follow_ups_due(user, today=ctx.today).filter(deadline_on__lt=ctx.today).count(),
        list_url("feedback:follow-ups", status="overdue"),
        icon="telephone-x",
        urgent=True,
        order=61,
    )


def figures(user, ctx):
    # Those who answer for the service (not the administrator, whose workbench is the system).
    if user_has_role(
        user, Role.CUSTOMER_SERVICE, Role.SERVICE, Role.QUALITY, Role.SALES_VP
    ) and can_view_surveys(user):
        answered = survey_list_for_user(user).filter(status=Survey.Status.ANSWERED)
        yield Figure(
            "feedback.answers",
            _("Satisfaction answers"),
            weekly_counts(answered, "answered_at", ctx),
            url=list_url("feedback:register"),
            order=70,
        )


def _fb5_todos(user, ctx):
    # An administrator's work is the system, not the forms (as for the other apps).
    if not user_roles(user) - {Role.ADMIN.value}:
        return
    if can_run_self_inspections(user) and user_has_role(user, Role.CUSTOMER_SERVICE, Role.QUALITY):
        yield Todo(
            "feedback.self_inspections",
            _("Self-inspections to check"),
            self_inspection_list_for_user(user)
            .filter(status=SelfInspection.Status.OPEN, inspector=user)
            .count(),
            list_url("feedback:self-inspections", status="open", inspector="me"),
            icon="ui-checks",
            order=62,
        )
    if can_see_meeting_actions(user):
        yield Todo(
            "feedback.meeting_actions",
            _("My meeting action items"),
            meeting_actions_open(user).count(),
            list_url("feedback:meeting-actions", status="open", owner="me"),
            icon="people",
            order=72,
        )
