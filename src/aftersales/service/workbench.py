"""The service app's part of the workbench (core.workbench): the reader's cases overdue and due
today, the cases of their department nobody holds yet, and the weekly new and resolved cases.
Each count is the desk's queue with the same filters (``selectors.case_filter``), so the link
shows exactly the cases counted."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts

from .selectors import case_filter, case_list_for_user

DESK = (Role.CUSTOMER_SERVICE, Role.SERVICE)


def todos(user, ctx):
    if not user_has_role(user, *DESK):
        return
    yield Todo(
        "service.overdue",
        _("My cases overdue"),
        case_filter(user, assignee="me", overdue=True, now=ctx.now).count(),
        list_url("service:case-list", assignee="me", overdue="1"),
        icon="alarm",
        urgent=True,
        order=1,
    )
    yield Todo(
        "service.due_today",
        _("My cases due today"),
        case_filter(user, assignee="me", due="today", now=ctx.now).count(),
        list_url("service:case-list", assignee="me", due="today"),
        icon="hourglass-split",
        order=2,
    )
    if user.department_id:
        department = str(user.department_id)
        yield Todo(
            "service.unassigned",
            _("Unassigned cases in my department"),
            case_filter(user, department=department, assignee="none").count(),
            list_url("service:case-list", department=department, assignee="none"),
            icon="person-plus",
            order=3,
        )


def figures(user, ctx):
    if not user_has_role(user, *DESK, Role.SALES_VP, Role.DEALER):
        return
    cases = case_list_for_user(user).select_related(None)
    yield Figure(
        "service.new",
        _("New cases"),
        weekly_counts(cases, "created_at", ctx),
        url=list_url("service:overview"),
        order=30,
    )
    if user_has_role(user, *DESK):
        yield Figure(
            "service.resolved",
            _("Cases resolved"),
            weekly_counts(cases, "resolved_at", ctx),
            url=list_url("service:case-list", status="resolved"),
            order=31,
        )
