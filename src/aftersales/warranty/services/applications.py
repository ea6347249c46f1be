"""Return, exchange and repair applications (WAR-2 … WAR-13): the flow is an explicit table.

applied → approved | rejected → awaiting_goods → goods_received → refunded | exchanged |
repaired → closed; goods_received → rejected when the goods fail the check (R31);
applied | approved | awaiting_goods → cancelled.

The engine's answer is stored with the facts it was given when the application is made; the
reviewer accepts one of the remedies it offers, or overrides it with a written reason, which
management sees (``overridden``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.files import save_uploads
from aftersales.core.hooks import call_hook
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.customers.permissions import is_dealer_user
from aftersales.quality.services.common import role_users
from aftersales.sla.models import Metric, SlaClock

from ..models import Application, ApplicationEvent, Evidence, Payment, Remedy
from ..permissions import (
    can_apply,
    can_handle_goods,
    can_refund,
    can_review,
    dealer_scope,
)
from .evaluation import evaluate_facts, facts_from_case
from .extended import active_extended_warranty
from .refunds import refund_split, refund_total

S = Application.Status
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({S.APPLIED}), S.APPROVED),
    "reject": (frozenset({S.APPLIED, S.GOODS_RECEIVED}), S.REJECTED),
    "request_goods": (frozenset({S.APPROVED}), S.AWAITING_GOODS),
    "receive": (frozenset({S.AWAITING_GOODS}), S.GOODS_RECEIVED),
    "refund": (frozenset({S.GOODS_RECEIVED}), S.REFUNDED),
    "ship_replacement": (frozenset({S.GOODS_RECEIVED}), S.EXCHANGED),
    "repaired": (frozenset({S.GOODS_RECEIVED}), S.REPAIRED),
    "close": (frozenset({S.REFUNDED, S.EXCHANGED, S.REPAIRED, S.REJECTED}), S.CLOSED),
    "cancel": (frozenset({S.APPLIED, S.APPROVED, S.AWAITING_GOODS}), S.CANCELLED),
}
ACTION_LABELS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "request_goods": gettext_lazy("Ask for the goods"),
    "receive": gettext_lazy("Goods received"),
    "refund": gettext_lazy("Record the refund"),
    "ship_replacement": gettext_lazy("Ship the replacement"),
    "repaired": gettext_lazy("Repaired"),
    "close": gettext_lazy("Close"),
    "cancel": gettext_lazy("Cancel"),
}
# The step after "goods received" that each remedy leads to.
OUTCOME = {
    Remedy.RETURN: "refund",
    Remedy.EXCHANGE: "ship_replacement",
    Remedy.FREE_REPAIR: "repaired",
    Remedy.PAID_REPAIR: "repaired",
}
MAX_EVIDENCE = 20


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: Decimal
    reference: str = ""


def allowed_actions(app: Application, user) -> list[str]:
    """The steps this person may take now (for the page's buttons)."""
    out = []
    for action, (sources, _target) in TRANSITIONS.items():
        if app.status not in sources:
            continue
        if (
            action in ("refund", "ship_replacement", "repaired")
            and OUTCOME.get(app.remedy) != action
        ):
            continue
        if action == "request_goods" and app.plan_answer != Application.PlanAnswer.AGREED:
            continue  # S2: the plan's answer comes first (the page shows the plan)
        if _may(user, action, app):
            out.append(action)
    # The step forward first; rejecting or cancelling below it.
    return sorted(out, key=lambda a: a in ("reject", "cancel"))


def _may(user, action: str, app: Application) -> bool:
    if action in ("approve", "reject", "request_goods"):
        return can_review(user)
    if action in ("receive", "ship_replacement", "repaired"):
        return can_handle_goods(user)
    if action == "refund":
        return can_refund(user)
    if action == "close":
        return can_review(user)
    if action == "cancel":
        return can_review(user) or (can_apply(user) and app.created_by_id == user.pk)
    return False


def _locked(app: Application, expected_version: int | None) -> Application:
    locked = Application.objects.select_for_update().get(pk=app.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _step(app: Application, actor, action: str, expected_version, note: str = "") -> Application:
    """Check the step against the table and the person, lock the row; the caller sets the
    fields and calls ``_done``."""
    if not _may(actor, action, app):
        raise PermissionDenied(_("You may not take this step on the application."))
    app = _locked(app, expected_version)
    sources, _target = TRANSITIONS[action]
    if app.status not in sources:
        raise Conflict(
            _("An application that is “%(status)s” cannot take the step “%(action)s”.")
            % {"status": app.get_status_display(), "action": ACTION_LABELS[action]},
            code="illegal_transition",
        )
    return app


def _done(app: Application, actor, action: str, fields: list[str], note: str = "") -> None:
    before = app.status
    app.status = TRANSITIONS[action][1]
    app.version += 1
    app._history_user = actor
    app.save(update_fields=[*fields, "status", "version", "updated_at"])
    ApplicationEvent.objects.create(
        application=app,
        action=action,
        from_status=before,
        to_status=app.status,
        actor=actor,
        note=note[:500],
    )


# -- taking an application in ----------------------------------------------------------------


def _amount(value, field: str, errors: dict, *, minimum=Decimal("0")) -> Decimal | None:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan, e.g. 2999.00."))
        return None
    if amount < minimum:
        errors.setdefault(field, []).append(_("The amount cannot be negative."))
        return None
    return amount


def _payments(raw: list[PaymentInput] | None, price: Decimal, errors: dict) -> list[PaymentInput]:
    """R34: the refund follows the payment. Without a breakdown, one payment of the price."""
    if not raw:
        return [PaymentInput(Payment.Method.CASH, price)] if price > 0 else []
    out = []
    for i, p in enumerate(raw):
        if p.method not in Payment.Method.values:
            errors.setdefault(f"payments[{i}].method", []).append(_("Choose how this was paid."))
            continue
        amount = _amount(p.amount, f"payments[{i}].amount", errors, minimum=Decimal("0.01"))
        if amount is not None:
            out.append(PaymentInput(p.method, amount, p.reference.strip()[:60]))
    if out and not errors and sum(p.amount for p in out) != price:
        errors.setdefault("payments", []).append(
            _("The payments add up to %(sum)s, not the price paid %(price)s.")
            % {"sum": sum(p.amount for p in out), "price": price}
        )
    return out


@transaction.atomic
def application_create(
    *,
    actor,
    customer,
    product,
    requested: str,
    reason: str,
    price,
    facts: dict,
    policy_key: str | None = None,
    source: str = Application.Source.DESK,
    case=None,
    serial=None,
    order=None,
    payments: list[PaymentInput] | None = None,
    by_customer: bool = False,
) -> Application:
    """Take an application in and ask the engine. Nothing is written when any field is wrong.
    ``by_customer``: the customer's own, through the signed link of their case (``actor`` is
    then None; the link was checked by the caller)."""
    if not by_customer:
        if not can_apply(actor):
            raise PermissionDenied(_("You may not take return or exchange applications."))
        dealer = dealer_scope(actor)
        if is_dealer_user(actor) and (dealer is None or customer.dealer_id != dealer.pk):
            raise PermissionDenied(_("A dealer takes applications for its own customers only."))
    errors: dict[str, list[str]] = {}
    if requested not in Remedy.values:
        errors["requested"] = [_("Choose what the customer asks for.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Describe the problem or the reason.")]
    amount = _amount(price, "price", errors)
    checked_payments = _payments(payments, amount, errors) if amount is not None else []
    if serial is not None and serial.product_id != product.pk:
        errors["serial"] = [_("This serial number belongs to another product.")]
    elif serial is not None and serial.owner_id not in (None, customer.pk):
        errors["serial"] = [_("This serial number is already someone else's.")]
    if order is not None and order.customer_id != customer.pk:
        errors["order"] = [_("This order belongs to another customer.")]
    contract = active_extended_warranty(serial)  # S14 五、2: the plan on the unit
    if contract is not None and isinstance(facts, dict) and "extended_warranty" not in facts:
        facts = {**facts, "extended_warranty": contract.fact}
    answer = None
    try:
        answer = evaluate_facts({**facts, "price": str(amount)} if amount else facts, policy_key)
    except InvalidInput as exc:
        for field, messages in exc.fields.items():
            errors.setdefault(f"facts.{field}" if field != "policy" else "policy", []).extend(
                messages
            )
    if errors:
        raise InvalidInput(fields=errors)
    app = Application(
        number=document_number_next(kind="warranty_application"),
        source=source,
        case=case,
        customer=customer,
        product=product,
        serial=serial,
        order=order,
        requested=requested,
        reason=reason,
        price=amount,
        policy_key=answer["policy"],
        facts=facts,
        answer=answer,
        evaluated_at=timezone.now(),
        created_by=actor,
        extended_warranty=contract if _under_extended(answer) else None,
    )
    app._history_user = actor
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        # The partial unique constraint: another application for this case was made at the
        # same moment (the check above read before it committed).
        raise Conflict(
            _("An application for this case is already being handled."), code="already_applied"
        ) from None
    Payment.objects.bulk_create(
        [
            Payment(application=app, method=p.method, amount=p.amount, reference=p.reference)
            for p in checked_payments
        ]
    )
    ApplicationEvent.objects.create(
        application=app, action="apply", to_status=app.status, actor=actor, note=reason[:500]
    )
    from .handling import ask_for_quality_verdict

    ask_for_quality_verdict(app)
    offered = "、".join(str(Remedy(o["remedy"]).label) for o in answer["options"]) or _("none")
    notify(
        recipients=role_users(Role.SERVICE),
        title=_("New %(kind)s application %(number)s")
        % {"kind": Remedy(requested).label, "number": app.number},
        body=_("%(customer)s · %(product)s · the rules offer: %(offered)s")
        % {"customer": customer.name, "product": product.name, "offered": offered},
        link=app.get_absolute_url(),
    )
    return app


def _under_extended(answer: dict) -> bool:
    """The engine answered under an extended warranty: a claim on the plan (issue 18 B2)."""
    return any(o.get("source") == "extended" for o in answer.get("options", []))


def application_from_case(
    *,
    actor,
    case,
    requested: str,
    reason: str = "",
    price=None,
    payments: list[PaymentInput] | None = None,
    policy_key: str | None = None,
    facts: dict | None = None,
    by_customer: bool = False,
) -> Application:
    """An application for a case: its customer, product, serial and order, and the facts the
    records give (``facts`` adds to or corrects them)."""
    if case.product_id is None:
        raise InvalidInput(fields={"case": [_("Record the product on the case first.")]})
    if not case.is_open:
        raise Conflict(
            _("The case is finished; a new problem is a new case."), code="case_finished"
        )
    current = open_application_for(case)
    if current is not None:
        raise Conflict(
            _("Application %(number)s for this case is still being handled.")
            % {"number": current.number},
            code="already_applied",
        )
    merged = facts_from_case(case, policy_key, **(facts or {}))
    if price in (None, "") and (case.order_id or by_customer):
        price = price_paid_for(case)
    return application_create(
        actor=actor,
        customer=case.customer,
        product=case.product,
        requested=requested,
        reason=reason or case.description,
        price=price if price not in (None, "") else "",
        facts=merged,
        policy_key=policy_key,
        source=Application.Source.PORTAL if by_customer else Application.Source.CASE,
        case=case,
        serial=case.serial,
        order=case.order,
        payments=payments,
        by_customer=by_customer,
    )


def open_application_for(case):
    return (
        Application.objects.filter(case=case)
        .exclude(status__in=(S.CLOSED, S.CANCELLED, S.REJECTED))
        .order_by("-created_at")
        .first()
    )


# The statuses of a case the customer's link no longer offers an application on: once
# resolved the link asks them to confirm or reject the result (rejecting reopens the case,
# and with it the form); confirmed, closed or cancelled, a new problem is a new case.
PORTAL_CLOSED_STATUSES = frozenset({"resolved", "confirmed", "closed", "cancelled"})


def portal_may_apply(case) -> bool:
    """Whether the customer may apply for a remedy from their case's link."""
    return case.status not in PORTAL_CLOSED_STATUSES


@transaction.atomic
def application_from_portal(*, case, requested: str, reason: str, files: list) -> Application:
    """The customer applies through the signed link of their case (the portal): one open
    application per case, while the case is being handled; their photos go with it."""
    if open_application_for(case) is not None:
        raise Conflict(
            _("An application for this case is already being handled."), code="already_applied"
        )
    if case.status == "resolved":
        raise Conflict(
            _(
                "The case is resolved: please confirm or reject the result first. Rejecting "
                "it reopens the case."
            ),
            code="resolved",
        )
    if not portal_may_apply(case):
        raise Conflict(_("The case is finished; a new problem is a new case."), code="finished")
    errors: dict[str, list[str]] = {}
    checked = _check_files(files, errors)
    if not (reason or "").strip():
        errors["reason"] = [_("Describe the problem or the reason.")]
    if errors:
        raise InvalidInput(fields=errors)
    app = application_from_case(
        actor=None, case=case, requested=requested, reason=reason, by_customer=True
    )
    _store_files(app, checked, Evidence.Stage.APPLICATION, None)
    return app


# -- the review ------------------------------------------------------------------------------


def offered_remedies(app: Application) -> list[str]:
    return [o["remedy"] for o in app.answer.get("options", [])]


@transaction.atomic
def application_review(
    *,
    actor,
    application: Application,
    approve: bool,
    remedy: str = "",
    note: str = "",
    expected_version: int | None = None,
    timetable: str = "",
    replacement_product=None,
    extra_fee=None,
) -> Application:
    """Approve one remedy, or reject. A remedy the engine did not offer, or a rejection when
    it offered something, is an override: it needs a written reason and is reported.

    An approval drafts the handling plan (``timetable``, for an exchange the
    ``replacement_product`` of a higher specification, an ``extra_fee``) and sends it to the
    customer, who agrees before work starts (S2, ``handling``)."""
    from .handling import PLAN_FIELDS, plan_fill, plan_summary, send_plan_to_customer

    action = "approve" if approve else "reject"
    app = _step(application, actor, action, expected_version)
    note = (note or "").strip()
    offered = offered_remedies(app)
    errors: dict[str, list[str]] = {}
    if approve and remedy not in Remedy.values:
        errors["remedy"] = [_("Choose the remedy.")]
    # Rejecting after the goods came back (R31: not intact) is the rules at work, not an
    # override of them.
    after_receipt = app.status == S.GOODS_RECEIVED
    overridden = (approve and remedy not in offered) or (
        not approve and bool(offered) and not after_receipt
    )
    if overridden and not note:
        field = "note"
        errors[field] = [
            _("The rules do not offer this: give the reason for overriding them.")
            if approve
            else _("The rules offer the customer a remedy: give the reason for rejecting.")
        ]
    elif not approve and not note:
        errors["note"] = [_("Give the reason for rejecting.")]
    if approve and not errors:
        app.remedy = remedy
        try:
            plan_fill(
                app,
                timetable=timetable,
                replacement_product=replacement_product,
                extra_fee=extra_fee,
            )
        except InvalidInput as exc:
            errors.update(exc.fields)
    if errors:
        raise InvalidInput(fields=errors)
    now = timezone.now()
    app.remedy = remedy if approve else (app.remedy if after_receipt else "")
    app.overridden = overridden
    app.review_note = note[:500]
    app.reviewed_by = actor
    app.reviewed_at = now
    _done(
        app,
        actor,
        action,
        ["remedy", "overridden", "review_note", "reviewed_by", "reviewed_at"]
        + (PLAN_FIELDS if approve else []),
        note=note,
    )
    if approve:
        ApplicationEvent.objects.create(
            application=app,
            action="plan_send",
            from_status=app.status,
            to_status=app.status,
            actor=actor,
            note=plan_summary(app)[:500],
        )
        send_plan_to_customer(app)
    if not approve:
        _cancel_refund_clocks(app)
    if overridden:
        notify(
            recipients=role_users(Role.SALES_VP) + role_users(Role.ADMIN),
            title=_("The Three Guarantees (三包) rules were overridden on %(number)s")
            % {"number": app.number},
            body=_("%(who)s: %(decision)s — %(reason)s")
            % {
                "who": actor.get_full_name() or actor.get_username(),
                "decision": Remedy(remedy).label if approve else _("rejected"),
                "reason": note,
            },
            link=app.get_absolute_url(),
            level="warning",
        )
    return app


@transaction.atomic
def application_request_goods(
    *,
    actor,
    application: Application,
    return_address: str,
    return_contact: str,
    return_phone: str,
    carrier: str = "",
    tracking_no: str = "",
    shipping_payer: str = "",
    expected_version: int | None = None,
) -> Application:
    """R33: give a real return address, contact and phone; say who pays the shipping — the
    business for a quality problem (R25), the consumer for a no-reason return (R35)."""
    app = _step(application, actor, "request_goods", expected_version)
    if app.plan_answer != Application.PlanAnswer.AGREED:
        # S2: the customer agrees to the handling plan before work starts.
        raise Conflict(
            _("The customer has not agreed to the handling plan yet."), code="plan_not_agreed"
        )
    errors: dict[str, list[str]] = {}
    for field, value in (
        ("return_address", return_address),
        ("return_contact", return_contact),
        ("return_phone", return_phone),
    ):
        if not (value or "").strip():
            errors[field] = [_("This field is required.")]
    for field, value in (
        ("return_address", return_address),
        ("return_contact", return_contact),
        ("return_phone", return_phone),
        ("carrier", carrier),
        ("tracking_no", tracking_no),
    ):
        # Refused, not cut short: a return phone missing its last digits reaches nobody.
        limit = Application._meta.get_field(field).max_length
        if len((value or "").strip()) > limit:
            errors[field] = [_("At most %(n)s characters.") % {"n": limit}]
    payer = shipping_payer or (app.answer.get("fees", {}).get("return_shipping") or "business")
    if payer not in Application.ShippingPayer.values:
        errors["shipping_payer"] = [_("Choose who pays the shipping.")]
    if errors:
        raise InvalidInput(fields=errors)
    app.return_address = return_address.strip()[:200]
    app.return_contact = return_contact.strip()[:60]
    app.return_phone = return_phone.strip()[:24]
    app.carrier = carrier.strip()[:60]
    app.tracking_no = tracking_no.strip()[:60]
    app.shipping_payer = payer
    _done(
        app,
        actor,
        "request_goods",
        [
            "return_address",
            "return_contact",
            "return_phone",
            "carrier",
            "tracking_no",
            "shipping_payer",
        ],
    )
    return app


def _refund_days(app: Application) -> int | None:
    """R34: 7 days for a no-reason return; the company's promise (S14: 15) otherwise; None:
    neither says, and the SLA policy's refund target applies."""
    days = app.answer.get("fees", {}).get("refund_within_days")
    return int(days) if days else None


@transaction.atomic
def application_receive(
    *,
    actor,
    application: Application,
    intact: bool | None,
    condition: str = "",
    received_serial: str = "",
    disposition: str = "",
    photos: list | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Application:
    """The goods are back: intact or not (R31), the serial checked, where they go. A return
    starts the refund clock; a quality-caused return or exchange opens a nonconformance."""
    app = _step(application, actor, "receive", expected_version)
    errors: dict[str, list[str]] = {}
    if intact is None:
        errors["intact"] = [_("Say whether the goods came back intact.")]
    if disposition not in Application.Disposition.values:
        errors["disposition"] = [_("Choose where the returned goods go.")]
    if not intact and not (condition or "").strip():
        errors["condition"] = [_("Describe what is missing or damaged.")]
    checked = _check_files(photos or [], errors)
    if errors:
        raise InvalidInput(fields=errors)
    now = at or timezone.now()
    app.goods_received_at = now
    app.goods_intact = intact
    app.intact_note = (condition or "").strip()[:300]
    app.received_serial = (received_serial or "").strip()[:60]
    app.serial_matched = (
        app.received_serial == app.serial.serial if app.serial_id and app.received_serial else None
    )
    app.disposition = disposition
    fields = [
        "goods_received_at",
        "goods_intact",
        "intact_note",
        "received_serial",
        "serial_matched",
        "disposition",
    ]
    if app.remedy == Remedy.RETURN:
        app.refund_due_on = _start_refund_clock(app, now)
        fields.append("refund_due_on")
    if app.facts.get("problem") == "quality" and app.remedy in (Remedy.RETURN, Remedy.EXCHANGE):
        app.nonconformance = _nonconformance(app, actor)
        fields.append("nonconformance")
    note = _("Intact") if intact else _("Not intact: %(what)s") % {"what": app.intact_note}
    if app.serial_matched is False:
        note += " · " + _("serial %(got)s does not match %(want)s") % {
            "got": app.received_serial,
            "want": app.serial.serial,
        }
    _done(app, actor, "receive", fields, note=note)
    _store_files(app, checked, Evidence.Stage.RECEIPT, actor)
    return app


def _start_refund_clock(app: Application, at: datetime):
    """Start the refund clock (WAR-12) and return the refund's due day: the engine's days
    (R34) counted as a civil-law period (R38), else the SLA policy's refund target."""
    from aftersales.sla.selectors import sla_policy_for
    from aftersales.sla.services import sla_clock_start
    from aftersales.workdays import current_calendar

    days = _refund_days(app)
    policy = sla_policy_for()
    clock = None
    if policy is not None and policy.targets.filter(metric=Metric.REFUND).exists():
        clock = sla_clock_start(
            owner=app,
            metric=Metric.REFUND,
            started_at=at,
            policy=policy,
            amount=days,
            unit="calendar_days" if days else None,
        )
    if days:
        return current_calendar().period_end(timezone.localtime(at).date(), days)
    return timezone.localtime(clock.due_at).date() if clock else None


def _nonconformance(app: Application, actor):
    from aftersales.quality.models import Nonconformance
    from aftersales.quality.services.nonconformances import nonconformance_open

    batch = app.serial.batch if app.serial_id and app.serial.batch_id else None
    if batch is None and app.case_id:
        batch = app.case.batch
    return nonconformance_open(
        actor=actor,
        source=Nonconformance.Source.COMPLAINT,
        source_ref=app.number,
        title=_("%(remedy)s for a quality problem: %(product)s")
        % {"remedy": app.get_remedy_display(), "product": app.product.name},
        description=app.reason,
        batch=batch,
        system=True,
    )


def _cancel_refund_clocks(app: Application) -> None:
    """A rejected, cancelled or closed application owes no refund any more."""
    _refund_clocks(app).filter(status__in=(SlaClock.Status.RUNNING, SlaClock.Status.PAUSED)).update(
        status=SlaClock.Status.CANCELLED
    )


def _refund_clocks(app: Application):
    from django.contrib.contenttypes.models import ContentType

    return SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(Application),
        owner_id=app.pk,
        metric=Metric.REFUND,
    )


def depreciation_at_return(app: Application) -> Decimal:
    """R9: depreciation runs from the invoice date to the return date (the day the goods came
    back), less the days in repair; the engine counted to the report date, so the days in
    between are added here at the same daily rate."""
    dep = (app.answer.get("fees") or {}).get("depreciation") or {}
    rate = dep.get("rate_percent_per_day")
    if not rate or dep.get("days") is None:
        return Decimal(dep["amount"]) if dep.get("amount") else Decimal("0")
    days = int(dep["days"])
    if app.goods_received_at and app.facts.get("report_date"):
        from datetime import date

        received = timezone.localtime(app.goods_received_at).date()
        days += max(0, (received - date.fromisoformat(app.facts["report_date"])).days)
    percent = min(Decimal("100"), Decimal(rate) * days)
    return (app.price * percent / 100).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RefundPlan:
    depreciation: Decimal
    total: Decimal
    rows: list  # (Payment, Share)


def refund_plan(app: Application, gift=Decimal("0"), shipping=Decimal("0")) -> RefundPlan:
    """What the refund will be and which way each part goes back (R9, R33–R35): the page's
    preview and the refund step use this one calculation."""
    depreciation = depreciation_at_return(app)
    total = refund_total(
        price=app.price, depreciation=depreciation, gift_deduction=gift, shipping_deduction=shipping
    )
    payments = list(app.payments.all())
    shares = refund_split([(p.method, p.amount) for p in payments], total)
    return RefundPlan(depreciation, total, list(zip(payments, shares, strict=True)))


def price_paid_for(case) -> Decimal | None:
    """The price the customer paid for the case's product: the order line's, else the list
    price (the desk corrects it against the receipt)."""
    if case.order_id:
        line = case.order.lines.filter(product=case.product).first()
        if line:
            return line.unit_price
    return case.product.list_price if case.product_id else None


@transaction.atomic
def application_refund(
    *,
    actor,
    application: Application,
    gift_deduction=Decimal("0"),
    shipping_deduction=Decimal("0"),
    references: dict[int, str] | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Application:
    """Record the refund: the price less depreciation (R9), an unreturned gift (R33) or a lost
    free-shipping threshold (R35), back the ways the customer paid, in proportion (R34)."""
    from aftersales.sla.services import sla_clock_stop

    app = _step(application, actor, "refund", expected_version)
    if app.remedy != Remedy.RETURN:
        raise Conflict(_("Only a return is refunded."), code="illegal_transition")
    errors: dict[str, list[str]] = {}
    gift = _amount(gift_deduction or 0, "gift_deduction", errors)
    shipping = _amount(shipping_deduction or 0, "shipping_deduction", errors)
    if app.goods_intact is False and app.facts.get("problem") == "none":
        errors["goods"] = [_("Goods that are not intact are not refunded without a reason (R31).")]
    if errors:
        raise InvalidInput(fields=errors)
    depreciation = depreciation_at_return(app)
    if gift + shipping > app.price - depreciation:
        raise InvalidInput(
            fields={
                "gift_deduction": [
                    _("The deductions (%(sum)s) exceed what is left to refund (%(left)s).")
                    % {"sum": gift + shipping, "left": app.price - depreciation}
                ]
            }
        )
    plan = refund_plan(app, gift, shipping)
    total = plan.total
    payments = [payment for payment, _share in plan.rows]
    references = references or {}
    for payment, share in plan.rows:
        payment.refund_amount = share.refund
        if references.get(payment.pk):
            payment.reference = references[payment.pk].strip()[:60]
    Payment.objects.bulk_update(payments, ["refund_amount", "reference"])
    now = at or timezone.now()
    app.refund_total = total
    app.refunded_at = now
    app.outcome_at = now
    late = app.refund_due_on is not None and timezone.localtime(now).date() > app.refund_due_on
    for clock in _refund_clocks(app).filter(
        status__in=(SlaClock.Status.RUNNING, SlaClock.Status.PAUSED)
    ):
        sla_clock_stop(clock=clock, at=now)
    parts = []
    if depreciation:
        parts.append(_("depreciation %(amount)s") % {"amount": depreciation})
    if gift:
        parts.append(_("gift not returned %(amount)s") % {"amount": gift})
    if shipping:
        parts.append(_("shipping %(amount)s") % {"amount": shipping})
    note = _("Refunded %(total)s") % {"total": total}
    if parts:
        note += " (" + _("less") + " " + "、".join(parts) + ")"
    if late:
        note += " · " + _("late: due %(due)s (WAR-12)") % {"due": app.refund_due_on}
    _done(app, actor, "refund", ["refund_total", "refunded_at", "outcome_at"], note=note)
    _unit_back_with_us(app, actor)
    # Other apps act on the refund after the commit (a partner's webhooks).
    call_hook("return_refunded", application=app, actor=actor)
    return app


def _unit_back_with_us(app: Application, actor) -> None:
    """A returned unit is the company's again: its 三包 certificate ends and it has no owner,
    so it can go back to stock and be sold (with a new certificate) later."""
    from ..models import WarrantyCard

    if not app.serial_id:
        return
    for card in WarrantyCard.objects.select_for_update().filter(serial=app.serial, void=False):
        card.void = True
        card._history_user = actor
        card.save(update_fields=["void", "updated_at"])
    serial = app.serial
    serial.owner = None
    serial.save(update_fields=["owner", "updated_at"])


@transaction.atomic
def application_ship_replacement(
    *,
    actor,
    application: Application,
    replacement_serial: str = "",
    expected_version: int | None = None,
) -> Application:
    """R10: the replacement (same model and specification), its serial, and a new 三包
    certificate whose period starts today. The replacement is a real unit in stock
    (``replacement_problem``); any other serial is refused with 409, naming it."""
    from aftersales.catalog.models import SerialNumber
    from aftersales.catalog.services import normalized_code

    app = _step(application, actor, "ship_replacement", expected_version)
    serial_text = normalized_code(replacement_serial).upper()
    if app.product.serial_tracked and not serial_text:
        raise InvalidInput(
            fields={"replacement_serial": [_("Enter the replacement's serial number.")]}
        )
    serial = None
    if serial_text:
        # Locked, so two exchanges cannot hand out the same unit.
        serial = (
            SerialNumber.objects.select_for_update(of=("self",))
            .select_related("product", "batch")
            .filter(serial=serial_text)
            .first()
        )
        problem = replacement_problem(app, serial, serial_text)
        if problem:
            raise Conflict(
                problem,
                code="replacement_serial_refused",
                fields={"replacement_serial": [problem]},
            )
    today = timezone.localdate()
    if serial is not None:
        serial.owner = app.customer
        serial.warranty_start = today
        serial.save(update_fields=["owner", "warranty_start", "updated_at"])
    now = timezone.now()
    app.replacement_serial = serial
    app.outcome_at = now
    _done(app, actor, "ship_replacement", ["replacement_serial", "outcome_at"], note=serial_text)
    _reissue_card(app, actor, serial, today)
    _move_extended_warranty(app, actor, serial)
    _unit_back_with_us(app, actor)  # the old certificate is already marked replaced
    return app


def _move_extended_warranty(app: Application, actor, serial) -> None:
    """The extended warranty the customer bought follows them to the replacement unit (S14
    五、2): it runs after the new certificate's period, as it did after the old one's."""
    if serial is None or not app.serial_id:
        return
    contract = active_extended_warranty(app.serial)
    if contract is None:
        return
    contract.serial = serial
    contract._history_user = actor
    contract._change_reason = f"exchange {app.number}"
    contract.save(update_fields=["serial", "updated_at"])


RELEASED_BATCH = ("passed", "released_by_exception")  # catalog.Batch.QualityStatus
HIGHER_SPECIFICATION_MARK = "更高规格"


def replacement_problem(app: Application, serial, text: str) -> str | None:
    """Why ``serial`` may not be the replacement unit of an exchange, or None. The unit must:

    - exist (a number nobody registered is not a unit in the warehouse);
    - be of the application's product, or of the higher specification the handling plan
      offered (``handling.plan_fill`` checks it with ``higher_specification_allowed``);
    - come from a released batch: passed inspection, or released by exception (QC-2);
    - be unsold: no owner, never on a delivery, and not the returned unit itself.
    """
    from aftersales.sales.selectors import serials_shipped

    if serial is None:
        return _("Serial %(serial)s does not exist: enter the number on the replacement unit.") % {
            "serial": text
        }
    if app.serial_id and serial.pk == app.serial_id:
        return _("Serial %(serial)s is the returned unit itself.") % {"serial": serial.serial}
    # The plan the customer agreed names the unit: the same product, or the higher
    # specification it offered (WAR-7, S11).
    expected = app.replacement_product or app.product
    if serial.product_id != expected.pk:
        return _("Serial %(serial)s is a %(product)s, not a %(expected)s.") % {
            "serial": serial.serial,
            "product": serial.product,
            "expected": expected,
        }
    if serial.batch is None or serial.batch.quality_status not in RELEASED_BATCH:
        return _("Serial %(serial)s is not from a released batch (%(batch)s).") % {
            "serial": serial.serial,
            "batch": serial.batch.batch_no if serial.batch else "—",
        }
    if serial.owner_id is not None or serials_shipped([serial.pk]):
        return _("Serial %(serial)s is already sold.") % {"serial": serial.serial}
    return None


def higher_specification_allowed(app: Application, product) -> bool:
    """A simple rule until specifications are modelled: another product may replace the
    application's when the application's 三包 policy allows it — it says who pays a higher
    specification's difference (``upgrade_difference``), or promises an exchange for "the same
    or a higher specification" (an exchange promise whose text says 更高规格, e.g. S11 一、3 in
    the sales-contract preset), and the product is of the same family — category and maker — at a
    list price no lower than the original's. Everywhere else the replacement is the same product."""
    from aftersales.core.errors import ApplicationError

    from .policies import policy_for

    original = app.product
    if (
        product.category_id != original.category_id
        or product.manufacturer_id != original.manufacturer_id
        or product.list_price < original.list_price
    ):
        return False
    try:
        policy = policy_for(app.policy_key or None)
    except ApplicationError:
        return False
    if "upgrade_difference" in policy.data:
        return True  # the policy says who pays a higher specification's difference (WAR-7)
    promises = [*policy.promises, *(policy.base.promises if policy.base else ())]
    return any("exchange" in p.remedies and HIGHER_SPECIFICATION_MARK in p.text for p in promises)


def _reissue_card(app: Application, actor, serial, today) -> None:
    """R10: a new 三包 certificate from the exchange date; the old one is marked replaced."""
    from ..models import WarrantyCard
    from .cards import card_issue

    old = None
    if app.serial_id:
        old = WarrantyCard.objects.filter(serial=app.serial, void=False).first()
    invoice = old.invoice_date if old else _purchase_date(app) or today
    card_issue(
        actor=actor,
        # A higher specification (S11) is another product: the new card is for the unit given.
        product=serial.product if serial is not None else app.product,
        customer=app.customer,
        invoice_date=invoice,
        serial=serial,
        order=app.order,
        starts_on=today,
        policy_key=app.policy_key,
        replaces=old,
    )


def _purchase_date(app: Application):
    from datetime import date

    value = app.facts.get("purchase_date")
    return date.fromisoformat(value) if value else None


@transaction.atomic
def application_mark_repaired(
    *, actor, application: Application, work_done: str, expected_version: int | None = None
) -> Application:
    app = _step(application, actor, "repaired", expected_version)
    work_done = (work_done or "").strip()
    if not work_done:
        raise InvalidInput(fields={"work_done": [_("Record what was repaired.")]})
    app.outcome_at = timezone.now()
    _done(app, actor, "repaired", ["outcome_at"], note=work_done)
    return app


@transaction.atomic
def application_close(
    *, actor, application: Application, note: str = "", expected_version: int | None = None
) -> Application:
    """Close the application, and its case when the case is still open (resolved with the
    outcome, then closed)."""
    app = _step(application, actor, "close", expected_version)
    outcome_status = app.status
    app.closed_at = timezone.now()
    _done(app, actor, "close", ["closed_at"], note=note.strip())
    _cancel_refund_clocks(app)
    if app.case_id:
        _close_case(app, actor, outcome_status)
    return app


def _close_case(app: Application, actor, outcome_status: str) -> None:
    """The case is done when its goods have been refunded, exchanged or repaired and no other
    application on it is still open. A rejection leaves the case open: the customer's problem
    is not solved, and the desk takes it from there."""
    from aftersales.service.models import Case
    from aftersales.service.services.workflow import case_transition

    if outcome_status == S.REJECTED or open_application_for(app.case) is not None:
        return
    case = Case.objects.get(pk=app.case_id)
    outcome = {
        S.REFUNDED: _("Returned; refunded %(total)s") % {"total": app.refund_total},
        S.EXCHANGED: _("Exchanged for serial %(serial)s")
        % {"serial": app.replacement_serial.serial if app.replacement_serial_id else "—"},
        S.REPAIRED: _("Repaired"),
    }.get(outcome_status, "")
    solution = _("%(number)s: %(outcome)s") % {"number": app.number, "outcome": outcome}
    if case.status == Case.Status.NEW:
        case = case_transition(actor=actor, case=case, action="accept")
    if case.status in (Case.Status.ACCEPTED, Case.Status.VERIFYING, Case.Status.IN_PROGRESS):
        case = case_transition(actor=actor, case=case, action="resolve", solution=solution)
    if case.status in (Case.Status.RESOLVED, Case.Status.CONFIRMED):
        case_transition(actor=actor, case=case, action="close", note=solution)


@transaction.atomic
def application_cancel(
    *, actor, application: Application, note: str, expected_version: int | None = None
) -> Application:
    app = _step(application, actor, "cancel", expected_version)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(fields={"note": [_("Give the reason.")]})
    app.closed_at = timezone.now()
    _done(app, actor, "cancel", ["closed_at"], note=note)
    _cancel_refund_clocks(app)
    return app


# -- evidence --------------------------------------------------------------------------------


def _check_files(files: list, errors: dict) -> list:
    from aftersales.service.services.attachments import attachment_check

    checked = []
    for upload in files:
        try:
            checked.append(attachment_check(upload))
        except InvalidInput as exc:
            errors.setdefault("photos", []).extend(exc.fields.get("file", []))
    return checked


def _store_files(app: Application, checked: list, stage: str, actor) -> list[Evidence]:
    rows = [
        Evidence(
            application=app,
            stage=stage,
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


@transaction.atomic
def evidence_add(*, actor, application: Application, files: list) -> list[Evidence]:
    """The customer's photos or video of the fault (WAR-2), added by whoever took it in."""
    if not (can_review(actor) or can_handle_goods(actor) or application.created_by_id == actor.pk):
        raise PermissionDenied(_("You may not add evidence to this application."))
    application = _locked(application, None)
    if application.status in (S.CLOSED, S.CANCELLED):
        raise Conflict(_("The application is finished."), code="finished")
    if not files:
        raise InvalidInput(fields={"photos": [_("Choose a file to attach.")]})
    if application.evidence.count() + len(files) > MAX_EVIDENCE:
        raise InvalidInput(
            fields={"photos": [_("At most %(n)s files per application.") % {"n": MAX_EVIDENCE}]}
        )
    errors: dict[str, list[str]] = {}
    checked = _check_files(files, errors)
    if errors:
        raise InvalidInput(fields=errors)
    return _store_files(application, checked, Evidence.Stage.APPLICATION, actor)
