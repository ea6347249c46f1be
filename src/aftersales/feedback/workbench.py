"""The feedback app's part of the workbench: follow-up calls due (and overdue), and the
week's satisfaction answers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts

from .models import Survey
from .permissions import can_view_surveys
from .selectors import follow_ups_due, survey_list_for_user


def todos(user, ctx):
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
