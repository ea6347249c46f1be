"""Maintenance plans (WAR-16): cleaning, upkeep and wearing parts on a schedule. Each plan's
next visit becomes a work order ``lead_days`` ahead of its due day, and the plan moves on by
its interval, counted in calendar months as the Civil Code counts them (the same day of the
month, else the month's last day).

Generation is idempotent: once a plan has a work order, its next due day lies beyond the
window, so running again the same day (or two workers at once: each plan is locked) creates
nothing new. A plan that was missed for several intervals gets one visit, not a backlog.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError, InvalidInput, PermissionDenied
from aftersales.warranty.engine.periods import add_months
from aftersales.workdays.calendar import end_of_day

from ..models import MaintenancePlan, WorkOrder, WorkOrderEvent
from ..permissions import can_create_work_order, can_dispatch, can_view_work_orders, dealer_scope

logger = logging.getLogger(__name__)
MAX_INTERVAL_MONTHS = 120
MAX_LEAD_DAYS = 180


def can_manage_plans(user) -> bool:
    """Who turns a case into work also sets up upkeep: the desk, the after-sales department,
    dealers for their own customers."""
    return can_create_work_order(user)


def can_generate(user) -> bool:
    return can_dispatch(user)


def plan_list_for_user(user, *, active: bool | None = None) -> QuerySet[MaintenancePlan]:
    if not can_view_work_orders(user):
        return MaintenancePlan.objects.none()
    plans = MaintenancePlan.objects.select_related("customer", "product", "serial")
    dealer = dealer_scope(user)
    if dealer is not None:
        plans = plans.filter(customer__dealer=dealer)
    if active is not None:
        plans = plans.filter(active=active)
    return plans.order_by("next_due_on", "id")


@transaction.atomic
def plan_create(
    *,
    actor,
    customer,
    product,
    address: str,
    interval_months: int,
    next_due_on: date,
    work: str,
    serial=None,
    lead_days: int = 14,
    covered: bool = False,
) -> MaintenancePlan:
    """A customer's product visited every ``interval_months``, the first visit due on
    ``next_due_on``. The lead time must be shorter than the interval (else one visit would
    be created before the last one was due)."""
    if not can_manage_plans(actor):
        raise PermissionDenied(_("You may not set up maintenance plans."))
    dealer = dealer_scope(actor)
    if dealer is not None and customer is not None and customer.dealer_id != dealer.pk:
        raise PermissionDenied(_("A dealer sets up upkeep for its own customers only."))
    errors: dict[str, list[str]] = {}
    address, work = (address or "").strip(), (work or "").strip()
    if customer is None:
        errors["customer"] = [_("Choose the customer.")]
    if product is None:
        errors["product"] = [_("Choose the product.")]
    if not address:
        errors["address"] = [_("Give the address where the work is done.")]
    if not work:
        errors["work"] = [_("Say what is done: cleaning, upkeep, wearing parts.")]
    try:
        interval_months = int(interval_months)
    except (TypeError, ValueError):
        interval_months = 0
    if not 1 <= interval_months <= MAX_INTERVAL_MONTHS:
        errors["interval_months"] = [_("Every 1 to %(n)s months.") % {"n": MAX_INTERVAL_MONTHS}]
    try:
        lead_days = int(lead_days)
    except (TypeError, ValueError):
        lead_days = -1
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        errors["lead_days"] = [_("Between 0 and %(n)s days.") % {"n": MAX_LEAD_DAYS}]
    elif "interval_months" not in errors and lead_days >= interval_months * 28:
        errors["lead_days"] = [_("The visit is created ahead by less than the interval.")]
    if next_due_on is None:
        errors["next_due_on"] = [_("Give the day the first visit is due.")]
    if serial is not None and product is not None and serial.product_id != product.pk:
        errors["serial"] = [_("This serial number belongs to another product.")]
    if errors:
        raise InvalidInput(fields=errors)
    plan = MaintenancePlan(
        customer=customer,
        product=product,
        serial=serial,
        address=address[:200],
        interval_months=interval_months,
        next_due_on=next_due_on,
        lead_days=lead_days,
        work=work[:200],
        covered=bool(covered),
    )
    plan._history_user = actor
    plan.save()
    return plan


@transaction.atomic
def plan_set_active(*, actor, plan: MaintenancePlan, active: bool) -> MaintenancePlan:
    if not can_manage_plans(actor):
        raise PermissionDenied(_("You may not set up maintenance plans."))
    plan.active = active
    plan._history_user = actor
    plan.save(update_fields=["active", "updated_at"])
    return plan


def _due(today: date) -> list[int]:
    """Active plans whose next visit falls within their own lead time. The lead differs by
    plan, so the database narrows to the longest lead and the rest is checked here."""
    rows = MaintenancePlan.objects.filter(
        active=True, next_due_on__lte=today + timedelta(days=MAX_LEAD_DAYS)
    ).values_list("pk", "next_due_on", "lead_days")
    return [pk for pk, due, lead in rows if due <= today + timedelta(days=lead)]


def _next_after(due: date, interval: int, horizon: date) -> date:
    """The first visit after ``due``, by whole intervals counted from ``due`` (no drift from
    month ends), that lies beyond ``horizon``."""
    step = 1
    following = add_months(due, interval)
    while following <= horizon:
        step += 1
        following = add_months(due, interval * step)
    return following


def maintenance_generate(*, today: date | None = None) -> list[WorkOrder]:
    """Create a maintenance work order for each active plan whose next visit is due within
    its lead time, and advance the plan. One transaction per plan, so one plan that cannot
    make its work order (logged) does not stop the others."""
    today = today or timezone.localdate()
    created: list[WorkOrder] = []
    for pk in _due(today):
        try:
            wo = _generate_one(pk, today)
        except ApplicationError:
            logger.exception("Maintenance plan %s could not generate its visit", pk)
            continue
        if wo is not None:
            created.append(wo)
    return created


@transaction.atomic
def _generate_one(pk: int, today: date) -> WorkOrder | None:
    from .work_orders import work_order_create

    plan = (
        MaintenancePlan.objects.select_for_update(of=("self",))
        .select_related("customer", "product", "serial")
        .filter(pk=pk, active=True)
        .first()
    )
    if plan is None or plan.next_due_on > today + timedelta(days=plan.lead_days):
        return None  # another run got there first, or the plan changed
    due = plan.next_due_on
    wo = work_order_create(
        actor=None,
        system=True,
        kind=WorkOrder.Kind.MAINTENANCE,
        customer=plan.customer,
        problem=plan.work,
        product=plan.product,
        serial=plan.serial,
        address=plan.address,
        onsite_due_at=end_of_day(due),  # the plan's day, not the repair time limit
        in_warranty=True if plan.covered else None,
        warranty_basis=_("Upkeep included in the contract") if plan.covered else "",
    )
    WorkOrder.objects.filter(pk=wo.pk).update(maintenance_plan=plan)
    wo.maintenance_plan = plan
    WorkOrderEvent.objects.create(
        work_order=wo, action="maintenance_plan", note=f"#{plan.pk} {due.isoformat()}"
    )
    horizon = today + timedelta(days=plan.lead_days)
    plan.next_due_on = _next_after(due, plan.interval_months, horizon)
    plan.save(update_fields=["next_due_on", "updated_at"])
    return wo
