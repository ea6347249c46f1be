"""Work orders (SVC-7): created from a case with the 三包 decision in force, scheduled with the
customer inside the on-site time limit, worked on site or in the repair centre, completed with
the customer's signature. The flow is an explicit table.

on site:  new → scheduled → in_progress (⇄ awaiting_parts, awaiting_quote) → completed
mail-in:  new → received → in_progress (⇄ …) → completed → returned
any open status → cancelled
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.files import save_uploads
from aftersales.core.numbering import document_number_next

from ..models import WorkOrder, WorkOrderEvent, WorkOrderPhoto
from ..permissions import can_create_work_order, can_dispatch, can_work_on, dealer_scope

S = WorkOrder.Status
K = WorkOrder.Kind
OPEN = frozenset(
    {S.NEW, S.SCHEDULED, S.RECEIVED, S.IN_PROGRESS, S.AWAITING_PARTS, S.AWAITING_QUOTE}
)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "schedule": (frozenset({S.NEW, S.SCHEDULED}), S.SCHEDULED),
    "receive": (frozenset({S.NEW}), S.RECEIVED),
    "check_in": (frozenset({S.SCHEDULED}), S.IN_PROGRESS),
    "start": (frozenset({S.RECEIVED}), S.IN_PROGRESS),
    "await_parts": (frozenset({S.IN_PROGRESS}), S.AWAITING_PARTS),
    "await_quote": (frozenset({S.IN_PROGRESS}), S.AWAITING_QUOTE),
    "resume": (frozenset({S.AWAITING_PARTS, S.AWAITING_QUOTE}), S.IN_PROGRESS),
    "complete": (frozenset({S.IN_PROGRESS}), S.COMPLETED),
    "return": (frozenset({S.COMPLETED}), S.RETURNED),
    "cancel": (OPEN, S.CANCELLED),
}
# Steps only some kinds of work take: a mail-in repair is received, not visited; only it is
# sent back.
ONLY_ON_SITE = frozenset({"schedule", "check_in"})
ONLY_MAIL_IN = frozenset({"receive", "start", "return"})
ACTION_LABELS = {
    "create": gettext_lazy("Created"),
    "schedule": gettext_lazy("Scheduled"),
    "confirm": gettext_lazy("Confirmed with the customer"),
    "receive": gettext_lazy("Received at the repair centre"),
    "check_in": gettext_lazy("Checked in on site"),
    "start": gettext_lazy("Repair started"),
    "await_parts": gettext_lazy("Waiting for parts"),
    "await_quote": gettext_lazy("Waiting for the customer to accept the quotation"),
    "resume": gettext_lazy("Resumed"),
    "complete": gettext_lazy("Completed"),
    "return": gettext_lazy("Returned to the customer"),
    "cancel": gettext_lazy("Cancelled"),
}
SIGNED_KINDS = frozenset({K.ONSITE_REPAIR, K.INSTALLATION, K.MAINTENANCE, K.INSPECTION})
MAX_SIGNATURE_BYTES = 512 * 1024


def _locked(wo: WorkOrder, expected_version: int | None = None) -> WorkOrder:
    locked = WorkOrder.objects.select_for_update(of=("self",)).get(pk=wo.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _event(wo: WorkOrder, actor, action: str, before: str = "", note: str = "") -> None:
    WorkOrderEvent.objects.create(
        work_order=wo,
        action=action,
        from_status=before,
        to_status=wo.status if before else "",
        actor=actor,
        note=note[:500],
    )


def _save(wo: WorkOrder, actor, fields: list[str]) -> None:
    wo.version += 1
    wo._history_user = actor
    wo.save(update_fields=[*fields, "version", "updated_at"])


def check_step(wo: WorkOrder, action: str) -> None:
    """Refuse a step the table or the kind of work does not allow (409)."""
    sources, _target = TRANSITIONS[action]
    wrong_kind = (action in ONLY_ON_SITE and wo.kind in (K.MAIL_IN, K.REMOTE)) or (
        action in ONLY_MAIL_IN and wo.kind != K.MAIL_IN
    )
    if wo.status not in sources or wrong_kind:
        raise Conflict(
            _("A work order that is “%(status)s” cannot take the step “%(action)s”.")
            % {"status": wo.get_status_display(), "action": ACTION_LABELS[action]},
            code="illegal_transition",
        )


def _move(wo: WorkOrder, actor, action: str, fields: list[str], note: str = "") -> WorkOrder:
    """Check the step against the table, set the status, save and record it."""
    check_step(wo, action)
    _sources, target = TRANSITIONS[action]
    before = wo.status
    wo.status = target
    _save(wo, actor, [*fields, "status"])
    _event(wo, actor, action, before, note)
    return wo


# -- creating --------------------------------------------------------------------------------


def address_of(customer) -> str:
    """The customer's address in one line (province, city, district, street; a municipality
    named once)."""
    from aftersales.customers.addresses import format_address

    return format_address(customer.province, customer.city, customer.district, customer.street)


def warranty_decision(case) -> tuple[bool | None, str, dict | None]:
    """The 三包 decision in force for the case: free repair offered or not, and on which rule
    (from the warranty app's engine; None when the facts are not enough to decide)."""
    from aftersales.core.errors import ApplicationError
    from aftersales.warranty.services.evaluation import evaluate_facts, facts_from_case

    if case is None or case.product_id is None:
        return None, "", None
    try:
        answer = evaluate_facts(facts_from_case(case))
    except ApplicationError:
        return None, "", None
    offers = {o["remedy"]: o for o in answer["options"]}
    if "free_repair" in offers:
        return True, offers["free_repair"]["basis"], answer
    refused = {r["remedy"]: r for r in answer["refused"]}
    reason = refused.get("free_repair", {}).get("reason", "")
    return False, reason, answer


@transaction.atomic
def work_order_create(
    *,
    actor,
    kind: str,
    customer,
    problem: str,
    case=None,
    product=None,
    serial=None,
    address: str = "",
    region: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    skills=(),
    in_warranty: bool | None = None,
    warranty_basis: str = "",
    warranty_answer: dict | None = None,
    onsite_due_at: datetime | None = None,
    system: bool = False,
) -> WorkOrder:
    """A work order. ``system``: made by another use case (a maintenance plan) whose actor
    was already checked."""
    if not system:
        if not can_create_work_order(actor):
            raise PermissionDenied(_("You may not create work orders."))
        dealer = dealer_scope(actor)
        if dealer is not None and customer.dealer_id != dealer.pk:
            raise PermissionDenied(_("A dealer creates work for its own customers only."))
    errors: dict[str, list[str]] = {}
    if kind not in K.values:
        errors["kind"] = [_("Choose the kind of work.")]
    problem = (problem or "").strip()
    if not problem:
        errors["problem"] = [_("Describe the problem or the work.")]
    address = (address or address_of(customer)).strip()
    if kind not in (K.MAIL_IN, K.REMOTE) and not address:
        errors["address"] = [_("Give the address where the work is done.")]
    if serial is not None and product is not None and serial.product_id != product.pk:
        errors["serial"] = [_("This serial number belongs to another product.")]
    if errors:
        raise InvalidInput(fields=errors)
    wo = WorkOrder(
        number=document_number_next(kind="work_order"),
        case=case,
        kind=kind,
        customer=customer,
        product=product or (serial.product if serial else None),
        serial=serial,
        address=address[:200],
        region=(region or customer.district or customer.city or "")[:60],
        contact_name=(contact_name or customer.name)[:60],
        contact_phone=(contact_phone or customer.mobile or customer.landline)[:24],
        problem=problem,
        in_warranty=in_warranty,
        warranty_basis=warranty_basis[:300],
        warranty_answer=warranty_answer,
        onsite_due_at=(onsite_due_at or _onsite_due(case))
        if kind not in (K.MAIL_IN, K.REMOTE)
        else None,
        created_by=actor,
    )
    wo._history_user = actor
    wo.save()
    if skills:
        wo.skills.set(skills)
    _event(wo, actor, "create", note=problem[:200])
    return wo


def _onsite_due(case) -> datetime | None:
    """SVC-7, S12: on site within the on-site time limit (3 working days by the preset): the
    case's own on-site clock when it runs one, else the limit counted from now."""
    from aftersales.sla.models import Metric, SlaClock
    from aftersales.workdays import current_calendar
    from aftersales.workdays.calendar import end_of_day

    if case is not None:
        from django.contrib.contenttypes.models import ContentType

        clock = (
            SlaClock.objects.filter(
                owner_type=ContentType.objects.get_for_model(case),
                owner_id=case.pk,
                metric=Metric.ON_SITE,
            )
            .order_by("-started_at")
            .first()
        )
        if clock is not None:
            return clock.due_at
    return end_of_day(current_calendar().add_working_days(timezone.now(), 3))


def work_order_from_case(*, actor, case, kind: str, problem: str = "", skills=()) -> WorkOrder:
    """Work for a case: its customer, product, serial and address, and the 三包 decision."""
    if not case.is_open:
        raise Conflict(_("The case is finished."), code="case_finished")
    in_warranty, basis, answer = warranty_decision(case)
    return work_order_create(
        actor=actor,
        kind=kind,
        customer=case.customer,
        problem=problem or case.description,
        case=case,
        product=case.product,
        serial=case.serial,
        contact_name=case.contact_name,
        contact_phone=case.contact_phone,
        region=case.customer.district or case.region,
        skills=skills,
        in_warranty=in_warranty,
        warranty_basis=basis,
        warranty_answer=answer,
    )


@transaction.atomic
def work_order_set_warranty(
    *, actor, work_order: WorkOrder, in_warranty: bool, basis: str
) -> WorkOrder:
    """A person decides the 三包 question by hand (e.g. the engine had too few facts)."""
    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department decides this."))
    basis = (basis or "").strip()
    if not basis:
        raise InvalidInput(fields={"basis": [_("Say on what basis.")]})
    wo = _locked(work_order)
    if wo.status not in OPEN:
        raise Conflict(_("The work is finished: its charges stand as they were."), code="finished")
    wo.in_warranty, wo.warranty_basis = in_warranty, basis[:300]
    _save(wo, actor, ["in_warranty", "warranty_basis"])
    _event(wo, actor, "warranty", note=basis)
    from .charges import charges_recalculate, free_by_default

    # The decision changes who pays the lines already written; an accepted quotation no
    # longer covers a bigger bill.
    if in_warranty is False:
        wo.quote_accepted_at = None
        _save(wo, actor, ["quote_accepted_at"])
    for line in wo.charges.all():
        free = free_by_default(wo, line.kind)
        if free != line.free:
            line.free = free
            line.save(update_fields=["free"])
    charges_recalculate(wo)
    return wo


# -- the visit -------------------------------------------------------------------------------


def _worker(actor, wo: WorkOrder) -> None:
    if not can_work_on(actor, wo):
        raise PermissionDenied(_("This work order is not yours."))


@transaction.atomic
def work_order_check_in(*, actor, work_order: WorkOrder, at: datetime | None = None) -> WorkOrder:
    """The technician arrives (SVC-7): the on-site clock stops."""
    wo = _locked(work_order)
    _worker(actor, wo)  # on the row as it is now, not as the caller last read it
    wo.checked_in_at = at or timezone.now()
    _move(wo, actor, "check_in", ["checked_in_at"])
    _stop_case_clock(wo, "on_site", wo.checked_in_at)
    return wo


@transaction.atomic
def work_order_pause(
    *, actor, work_order: WorkOrder, waiting_for: str, note: str = ""
) -> WorkOrder:
    """Waiting for parts, or for the customer to accept the quotation."""
    action = {"parts": "await_parts", "quote": "await_quote"}.get(waiting_for)
    if action is None:
        raise InvalidInput(fields={"waiting_for": [_("Waiting for parts or for the quotation?")]})
    wo = _locked(work_order)
    _worker(actor, wo)
    return _move(wo, actor, action, [], note=note)


@transaction.atomic
def work_order_resume(*, actor, work_order: WorkOrder) -> WorkOrder:
    wo = _locked(work_order)
    _worker(actor, wo)
    if wo.status == S.AWAITING_QUOTE:
        from .charges import quote_needed

        if quote_needed(wo):
            raise Conflict(
                _("The customer has not accepted the quotation yet."), code="quote_not_accepted"
            )
    return _move(wo, actor, "resume", [])


def _signature_file(data: str | bytes | None) -> ContentFile | None:
    """The drawn signature: a PNG, sent as a data URL from the page or as bytes."""
    if not data:
        return None
    if isinstance(data, str):
        if not data.startswith("data:image/png;base64,"):
            raise InvalidInput(fields={"signature": [_("The signature must be a PNG image.")]})
        try:
            data = base64.b64decode(data.split(",", 1)[1], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                fields={"signature": [_("The signature could not be read.")]}
            ) from None
    if not data.startswith(b"\x89PNG\r\n\x1a\n") or len(data) > MAX_SIGNATURE_BYTES:
        raise InvalidInput(fields={"signature": [_("The signature must be a PNG image.")]})
    return ContentFile(data, name=f"{uuid.uuid4().hex}.png")


@transaction.atomic
def work_order_complete(
    *,
    actor,
    work_order: WorkOrder,
    diagnosis: str,
    work_done: str,
    result: str,
    signed_name: str = "",
    signature: str | bytes | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> WorkOrder:
    """The work is done: what was found and done, the result, and — on site — the customer's
    name and drawn signature. Paid work needs the accepted quotation (WAR-9)."""
    wo = _locked(work_order, expected_version)
    _worker(actor, wo)
    check_step(wo, "complete")  # before any file is written
    errors: dict[str, list[str]] = {}
    if not (diagnosis or "").strip():
        errors["diagnosis"] = [_("Record what was found.")]
    if not (work_done or "").strip():
        errors["work_done"] = [_("Record what was done.")]
    if result not in WorkOrder.Result.values:
        errors["result"] = [_("Choose the result.")]
    signed_file = None
    if wo.kind in SIGNED_KINDS:
        if not (signed_name or "").strip():
            errors["signed_name"] = [_("The customer types their name to confirm.")]
        if not signature:
            errors["signature"] = [_("The customer signs to confirm.")]
        else:
            try:
                signed_file = _signature_file(signature)
            except InvalidInput as exc:
                errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    from .charges import charges_recalculate, quote_needed

    if quote_needed(wo):
        raise Conflict(
            _("Paid work needs the customer's accepted quotation first."),
            code="quote_not_accepted",
        )
    now = at or timezone.now()
    wo.diagnosis, wo.work_done, wo.result = diagnosis.strip(), work_done.strip(), result
    wo.checked_out_at = now if wo.kind in SIGNED_KINDS else wo.checked_out_at
    wo.completed_at = now
    fields = ["diagnosis", "work_done", "result", "checked_out_at", "completed_at"]
    if signed_file is not None:
        wo.signed_name, wo.signed_at = signed_name.strip()[:60], now
        wo.signature.save(signed_file.name, signed_file, save=False)
        fields += ["signed_name", "signed_at", "signature"]
    _move(wo, actor, "complete", fields, note=wo.get_result_display())
    charges_recalculate(wo)
    solved = result in (WorkOrder.Result.FIXED, WorkOrder.Result.NO_FAULT, WorkOrder.Result.DONE)
    others_open = (
        wo.case_id is not None
        and WorkOrder.objects.filter(case_id=wo.case_id, status__in=OPEN).exclude(pk=wo.pk).exists()
    )
    if solved and not others_open:
        _stop_case_clock(wo, "resolution", now)
    _stop_own_clocks(wo, now)
    return wo


@transaction.atomic
def work_order_cancel(*, actor, work_order: WorkOrder, reason: str) -> WorkOrder:
    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department cancels work orders."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Give the reason.")]})
    wo = _locked(work_order)
    if wo.charges.filter(kind="part").exists():
        raise Conflict(
            _("Parts were used on this work order: return them to stock first."),
            code="parts_used",
        )
    wo = _move(wo, actor, "cancel", [], note=reason)
    _stop_own_clocks(wo, timezone.now(), cancel=True)
    return wo


def _stop_case_clock(wo: WorkOrder, metric: str, at: datetime) -> None:
    """The case's own clock for the metric reaches its target with this step."""
    if wo.case_id is None:
        return
    from aftersales.service.services import sla

    sla.stop_clocks(wo.case, metric, at=at)


def _stop_own_clocks(wo: WorkOrder, at: datetime, cancel: bool = False) -> None:
    from django.contrib.contenttypes.models import ContentType

    from aftersales.sla.models import SlaClock
    from aftersales.sla.services import sla_clock_stop

    clocks = SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(WorkOrder),
        owner_id=wo.pk,
        status__in=(SlaClock.Status.RUNNING, SlaClock.Status.PAUSED),
    )
    if cancel:
        clocks.update(status=SlaClock.Status.CANCELLED)
        return
    for clock in clocks:
        sla_clock_stop(clock=clock, at=at)


@transaction.atomic
def work_order_add_photos(*, actor, work_order: WorkOrder, files: list) -> list[WorkOrderPhoto]:
    from aftersales.service.services.attachments import attachment_check

    _worker(actor, work_order)
    if work_order.status in (S.CANCELLED, S.RETURNED):
        raise Conflict(_("The work order is finished."), code="finished")
    if not files:
        raise InvalidInput(fields={"photos": [_("Choose a file to attach.")]})
    checked, errors = [], []
    for upload in files:
        try:
            checked.append(attachment_check(upload))
        except InvalidInput as exc:
            errors.extend(exc.fields.get("file", []))
    if errors:
        raise InvalidInput(fields={"photos": errors})
    rows = [
        WorkOrderPhoto(
            work_order=work_order,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=actor,
        )
        for item in checked
    ]
    save_uploads(rows, checked)
    for row in rows:
        row.save()
    return rows


def technician_day(user, day=None):
    """The technician's visits of ``day`` (today), in appointment order, plus anything of
    theirs still open from before."""
    day = day or timezone.localdate()
    start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    end = start + timedelta(days=1)
    return (
        WorkOrder.objects.filter(technician=user)
        .filter(
            window_start__lt=end,
            status__in=(S.SCHEDULED, S.IN_PROGRESS, S.AWAITING_PARTS, S.AWAITING_QUOTE),
        )
        .select_related("customer", "product", "serial", "case")
        .order_by("window_start", "id")
    )
