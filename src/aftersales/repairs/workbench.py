"""The field-service part of the workbench (core.workbench): the dispatcher's work orders
waiting for an appointment, the technician's visits of the day; the weekly completed work."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.navigation import list_url
from aftersales.core.workbench import Figure, Todo, weekly_counts

from .models import WorkOrder
from .permissions import can_dispatch
from .selectors import TO_SCHEDULE, work_order_filter, work_orders_for_user
from .services.work_orders import technician_day


def _technician(user) -> bool:
    profile = getattr(user, "technician_profile", None)
    return profile is not None and profile.active


def _dispatcher(user) -> bool:
    """The after-sales department's planners (an administrator may dispatch, but it is not
    their daily work)."""
    return user_has_role(user, Role.SERVICE) and can_dispatch(user)


def todos(user, ctx):
    if _dispatcher(user):
        yield Todo(
            "repairs.to_schedule",
            _("Work orders to schedule"),
            work_order_filter(user, status=TO_SCHEDULE).count(),
            list_url("repairs:work-order-list", status=TO_SCHEDULE),
            icon="calendar-plus",
            order=20,
        )
    if _technician(user):
        yield Todo(
            "repairs.today",
            _("My visits today"),
            technician_day(user, ctx.today).count(),
            list_url("repairs:my-day"),
            icon="geo-alt",
            order=5,
        )


def figures(user, ctx):
    if _technician(user):
        yield Figure(
            "repairs.my_done",
            _("My visits completed"),
            weekly_counts(WorkOrder.objects.filter(technician=user), "completed_at", ctx),
            url=list_url("repairs:my-day"),
            order=5,
        )
    if _dispatcher(user):
        yield Figure(
            "repairs.done",
            _("Work orders completed"),
            weekly_counts(work_orders_for_user(user), "completed_at", ctx),
            url=list_url("repairs:work-order-list", status=WorkOrder.Status.COMPLETED),
            order=51,
        )
