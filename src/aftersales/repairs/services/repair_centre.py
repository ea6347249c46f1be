"""The repair centre (SVC-7, S3): mail-in products received with their condition and
accessories, repaired on the repair limit's clock (15 working days from receipt by the
preset), tested and sent back. Past the limit the policy's remedy is proposed (S3: a loaner,
an exchange or a refund; WAR-7)."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.messaging import message_customer
from aftersales.core.notifications import notify

from ..models import WorkOrder
from ..permissions import can_dispatch, can_work_on
from .work_orders import OPEN, K, S, _event, _locked, _move, _save, work_order_add_photos

DEFAULT_LIMIT_WORKING_DAYS = 15  # S3 三、2(3): repaired within 15 working days of receipt


def _limit() -> tuple[int, str]:
    """The repair limit of the SLA policy (its resolution target), else the S3 preset."""
    from aftersales.sla.models import Metric
    from aftersales.sla.selectors import sla_policy_for

    policy = sla_policy_for()
    target = policy.targets.filter(metric=Metric.RESOLUTION).first() if policy else None
    if target is not None and target.unit in ("working_days", "calendar_days"):
        return target.amount, target.unit
    return DEFAULT_LIMIT_WORKING_DAYS, "working_days"


def repair_due_recount(*, before=None) -> int:
    """Calendar listener (R43): a repair centre's limit that ended in a year without a
    published schedule is counted again on the official one, the same number of days from
    the receipt. Returns how many work orders moved."""
    from aftersales.workdays import current_calendar

    calendar = current_calendar()
    amount, unit = _limit()
    moved = 0
    rows = WorkOrder.objects.select_for_update().filter(
        status__in=OPEN, repair_due_on__isnull=False, received_at__isnull=False
    )
    for wo in rows:
        if before is not None and before.year_status(wo.repair_due_on.year) != "provisional":
            continue
        received = timezone.localtime(wo.received_at).date()
        if unit == "working_days":
            # The same number of working days as counted at receipt, on the new calendar.
            days = before.working_days_between(received, wo.repair_due_on) if before else amount
            due = calendar.add_working_days(received, max(days, 1))
        else:
            due = calendar.period_end(received, amount)
        if due != wo.repair_due_on:
            wo.repair_due_on = due
            wo._change_reason = "R43: recounted on the official holiday schedule"
            wo.version += 1
            wo.save(update_fields=["repair_due_on", "version", "updated_at"])
            moved += 1
    return moved


@transaction.atomic
def work_order_receive(
    *,
    actor,
    work_order: WorkOrder,
    condition: str,
    accessories: str = "",
    photos: list | None = None,
    at: datetime | None = None,
) -> WorkOrder:
    """The product arrives: its condition and accessories are recorded and the repair limit's
    clock starts (the customer is told the due day)."""
    from aftersales.sla.models import Metric
    from aftersales.sla.selectors import sla_policy_for
    from aftersales.sla.services import sla_clock_start
    from aftersales.workdays import current_calendar

    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department receives repairs."))
    wo = _locked(work_order)
    if wo.kind != K.MAIL_IN:
        raise InvalidInput(fields={"kind": [_("Only a mail-in repair is received here.")]})
    if not (condition or "").strip():
        raise InvalidInput(fields={"condition": [_("Record the condition it arrived in.")]})
    now = at or timezone.now()
    amount, unit = _limit()
    calendar = current_calendar()
    received = timezone.localtime(now).date()
    wo.repair_due_on = (
        calendar.add_working_days(received, amount)
        if unit == "working_days"
        else calendar.period_end(received, amount)
    )
    wo.received_at = now
    wo.condition_on_receipt = condition.strip()[:300]
    wo.accessories = (accessories or "").strip()[:300]
    _move(
        wo,
        actor,
        "receive",
        ["received_at", "condition_on_receipt", "accessories", "repair_due_on"],
        note=wo.condition_on_receipt,
    )
    policy = sla_policy_for()
    if policy is not None and policy.targets.filter(metric=Metric.RESOLUTION).exists():
        sla_clock_start(
            owner=wo,
            metric=Metric.RESOLUTION,
            started_at=now,
            policy=policy,
            amount=amount,
            unit=unit,
        )
    if photos:
        work_order_add_photos(actor=actor, work_order=wo, files=photos)
    message_customer(
        phone=wo.contact_phone,
        email=wo.customer.email,
        template="work_order_received",
        context={
            "name": wo.contact_name or wo.customer.name,
            "number": wo.number,
            "due": f"{wo.repair_due_on:%Y-%m-%d}",
        },
        related=wo.number,
    )
    return wo


@transaction.atomic
def work_order_start(*, actor, work_order: WorkOrder, technician=None) -> WorkOrder:
    """The bench technician takes the received product."""
    if not can_dispatch(actor) and not can_work_on(actor, work_order):
        raise PermissionDenied(_("Only the after-sales department repairs."))
    wo = _locked(work_order)
    wo.technician = technician or wo.technician or actor
    return _move(wo, actor, "start", ["technician"])


@transaction.atomic
def work_order_test(*, actor, work_order: WorkOrder, result: str) -> WorkOrder:
    if not can_work_on(actor, work_order):
        raise PermissionDenied(_("This work order is not yours."))
    result = (result or "").strip()
    if not result:
        raise InvalidInput(fields={"test_result": [_("Record the test result.")]})
    wo = _locked(work_order)
    if wo.status not in (S.IN_PROGRESS, S.COMPLETED):
        raise Conflict(
            _("Test the product once it is being repaired or done."), code="illegal_transition"
        )
    wo.tested_at, wo.test_result = timezone.now(), result[:300]
    _save(wo, actor, ["tested_at", "test_result"])
    _event(wo, actor, "test", note=result)
    return wo


@transaction.atomic
def work_order_return(*, actor, work_order: WorkOrder, waybill: str) -> WorkOrder:
    """Sent back to the customer."""
    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department ships repairs back."))
    waybill = (waybill or "").strip()
    if not waybill:
        raise InvalidInput(fields={"waybill": [_("Enter the waybill number.")]})
    wo = _locked(work_order)
    if wo.kind == K.MAIL_IN and not wo.tested_at:
        raise InvalidInput(fields={"test_result": [_("Test the repaired product first.")]})
    wo.returned_at, wo.return_waybill = timezone.now(), waybill[:60]
    return _move(wo, actor, "return", ["returned_at", "return_waybill"], note=waybill)


def propose_remedy(work_order: WorkOrder, today: date | None = None) -> str:
    """What the rules give when the repair limit has passed: the engine's exchange or return
    for a repair that ran too long (R8, and the company's promise, e.g. S3: 15 days), else a
    loaner or compensation (S3 三、2(3))."""
    from aftersales.core.errors import ApplicationError
    from aftersales.warranty.services.evaluation import evaluate_facts, facts_from_case

    today = today or timezone.localdate()
    offers = []
    if work_order.case_id and work_order.received_at:
        facts = facts_from_case(
            work_order.case,
            sent_for_repair=timezone.localtime(work_order.received_at).date().isoformat(),
            still_unrepaired_on=today.isoformat(),
            delay_cause="repairer",
            report_date=today.isoformat(),
        )
        try:
            answer = evaluate_facts(facts)
        except ApplicationError:
            answer = {"options": []}
        offers = [o for o in answer["options"] if o["remedy"] in ("exchange", "return")]
    if offers:
        return "；".join(f"{o['why']}（{o['basis']}）" for o in offers)
    return _("Lend the customer a replacement unit until the repair is done, or compensate (S3).")


def repair_limit_check(*, today: date | None = None) -> list[WorkOrder]:
    """Mail-in repairs past their due day: propose the remedy once and tell the dispatchers
    and the case's handler."""
    from aftersales.quality.services.common import role_users

    today = today or timezone.localdate()
    late = WorkOrder.objects.filter(
        kind=K.MAIL_IN,
        status__in=(S.RECEIVED, S.IN_PROGRESS, S.AWAITING_PARTS, S.AWAITING_QUOTE),
        repair_due_on__lt=today,
        remedy_proposed="",
    ).select_related("case", "customer")
    done = []
    for wo in late:
        proposal = propose_remedy(wo, today)
        with transaction.atomic():
            locked = _locked(wo)
            if locked.remedy_proposed:
                continue
            locked.remedy_proposed = proposal[:300]
            _save(locked, None, ["remedy_proposed"])
            _event(locked, None, "limit", note=proposal)
            people = role_users(Role.SERVICE)
            if locked.case_id and locked.case.assignee_id:
                people.append(locked.case.assignee)
            notify(
                recipients=people,
                title=_("Repair %(number)s is past its limit (%(due)s)")
                % {"number": locked.number, "due": f"{locked.repair_due_on:%Y-%m-%d}"},
                body=proposal,
                link=locked.get_absolute_url(),
                level="danger",
            )
        done.append(locked)
    return done
