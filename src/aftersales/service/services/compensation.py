"""Compensation for late delivery (SVC-10, SVC-11).

The order promised a delivery date; when the goods came later (or have not come yet), the
active ``DelayCompensationPolicy`` says what the customer is owed: after a grace of some
working days, a percentage of the order total per calendar day late up to a cap, an extra
percentage when the company caused the delay, and the choice of a refund once the delay passes
a number of days. An agent offers it on the case; the customer's answer is recorded.

Days late are calendar days: the promised date is a calendar date and the customer waits every
day of the week (docs/decisions.md). The grace is counted in working days on the company
calendar, as the policy says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.customers.permissions import is_dealer_user
from aftersales.sales.selectors import order_delivered_on
from aftersales.workdays import add_working_days, working_days_between

from ..models import Case, CaseEvent, DelayCompensation, DelayCompensationPolicy, Kind
from .workflow import _locked, _tell_customer, can_handle

CENT = Decimal("0.01")
SETTLED = (DelayCompensation.Status.ACCEPTED, DelayCompensation.Status.REFUND)
ANSWERS = {
    DelayCompensation.Status.ACCEPTED: "compensation_accepted",
    DelayCompensation.Status.REFUND: "compensation_refund",
    DelayCompensation.Status.DECLINED: "compensation_declined",
}


@dataclass(frozen=True)
class CompensationQuote:
    """What the policy gives for this case today. ``amount`` = ``base_amount`` (capped) +
    ``extra_amount`` (company-caused), in CNY, rounded to the fen."""

    policy: DelayCompensationPolicy | None
    promised_date: date
    delivered_on: date | None  # None: not yet delivered, counted up to ``as_of``
    as_of: date
    days_late: int
    working_days_late: int
    compensated_days: int
    order_amount: Decimal
    base_amount: Decimal
    extra_amount: Decimal
    amount: Decimal
    company_caused: bool
    refund_offered: bool
    rule: str  # the policy's terms, in words
    calculation: str  # how this amount came about, in words


def active_policy() -> DelayCompensationPolicy | None:
    return DelayCompensationPolicy.objects.filter(active=True).order_by("-id").first()


def is_delay_case(case: Case) -> bool:
    return case.kind == Kind.DELIVERY_DELAY and case.order_id is not None


def can_record_compensation(user, case: Case) -> bool:
    """Money promised to a customer: customer service, administrators and, for their own
    cases, a dealer's people — not the technicians who also handle cases."""
    if not can_handle(user, case):
        return False
    return is_dealer_user(user) or user_has_role(user, Role.CUSTOMER_SERVICE, Role.ADMIN)


def policy_terms(policy: DelayCompensationPolicy) -> str:
    parts = [
        _(
            "%(name)s: %(grace)s working days' grace, then %(per_day)s%% of the order total "
            "per day late, at most %(cap)s%%"
        )
        % {
            "name": policy.name,
            "grace": policy.grace_working_days,
            "per_day": policy.percent_per_day,
            "cap": policy.cap_percent,
        }
    ]
    if policy.company_extra_percent:
        parts.append(
            _("%(extra)s%% more when the company caused the delay")
            % {"extra": policy.company_extra_percent}
        )
    if policy.refund_after_days is not None:
        parts.append(
            _("a refund may be chosen after %(days)s days late")
            % {"days": policy.refund_after_days}
        )
    return "; ".join(parts)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compensation_quote(
    case: Case, *, company_caused: bool | None = None, today: date | None = None
) -> CompensationQuote | None:
    """The compensation the active policy gives for a delivery-delay case with an order, from
    the order's promised date to the day its goods were all delivered (today while they have
    not). None for other cases. ``company_caused``: None takes it from the case's latest offer
    (no offer: not caused by the company)."""
    if not is_delay_case(case):
        return None
    order = case.order
    promised = order.delivery_date
    delivered = order_delivered_on(order)
    as_of = delivered or today or timezone.localdate()
    days_late = max(0, (as_of - promised).days)
    working_days_late = max(0, working_days_between(promised, as_of)) if days_late else 0
    if company_caused is None:
        latest = (
            case.delay_compensations.exclude(status=DelayCompensation.Status.WITHDRAWN)
            .order_by("-offered_at", "-id")
            .first()
        )
        company_caused = bool(latest and latest.company_caused)
    policy = active_policy()
    total = order.total
    zero = Decimal("0.00")
    if policy is None:
        return CompensationQuote(
            policy=None,
            promised_date=promised,
            delivered_on=delivered,
            as_of=as_of,
            days_late=days_late,
            working_days_late=working_days_late,
            compensated_days=0,
            order_amount=total,
            base_amount=zero,
            extra_amount=zero,
            amount=zero,
            company_caused=company_caused,
            refund_offered=False,
            rule="",
            calculation="",
        )
    grace_end = (
        add_working_days(promised, policy.grace_working_days)
        if policy.grace_working_days
        else promised
    )
    compensated = max(0, (as_of - grace_end).days)
    percent = min(policy.percent_per_day * compensated, policy.cap_percent)
    base = _money(total * percent / 100)
    extra = (
        _money(total * policy.company_extra_percent / 100)
        if company_caused and compensated
        else zero
    )
    refund = policy.refund_after_days is not None and days_late > policy.refund_after_days
    if compensated:
        calculation = _(
            "%(days)s days after the grace × %(per_day)s%% = %(percent)s%% (at most %(cap)s%%) "
            "of ¥%(total)s = ¥%(base)s"
        ) % {
            "days": compensated,
            "per_day": policy.percent_per_day,
            "percent": _money(percent),
            "cap": policy.cap_percent,
            "total": total,
            "base": base,
        }
        if extra:
            calculation += _(
                "; the company caused the delay: + %(extra_percent)s%% = ¥%(extra)s"
            ) % {
                "extra_percent": policy.company_extra_percent,
                "extra": extra,
            }
    elif days_late:
        calculation = _("Within the grace of %(grace)s working days: no compensation.") % {
            "grace": policy.grace_working_days
        }
    else:
        calculation = _("Not late.")
    return CompensationQuote(
        policy=policy,
        promised_date=promised,
        delivered_on=delivered,
        as_of=as_of,
        days_late=days_late,
        working_days_late=working_days_late,
        compensated_days=compensated,
        order_amount=total,
        base_amount=base,
        extra_amount=extra,
        amount=base + extra,
        company_caused=company_caused,
        refund_offered=refund,
        rule=policy_terms(policy),
        calculation=calculation,
    )


def latest_compensation(case: Case) -> DelayCompensation | None:
    """The case's current offer or answer (replaced offers left out)."""
    return (
        case.delay_compensations.exclude(status=DelayCompensation.Status.WITHDRAWN)
        .select_related("offered_by", "answered_by", "policy")
        .order_by("-offered_at", "-id")
        .first()
    )


@transaction.atomic
def case_compensation_offer(
    *, actor, case: Case, company_caused: bool, note: str = ""
) -> DelayCompensation:
    """Offer the customer what the policy gives today and tell them (SMS / e-mail). A newer
    offer replaces one still waiting for an answer; once the customer accepted compensation or
    chose a refund, the matter is settled."""
    if not can_record_compensation(actor, case):
        raise PermissionDenied(_("You may not offer compensation on this case."))
    case = _locked(case, None)
    if not is_delay_case(case):
        raise Conflict(
            _("Only a delivery-delay case with its order has delay compensation."),
            code="not_delivery_delay",
        )
    if not case.is_open:
        raise Conflict(_("The case is closed."), code="illegal_transition")
    if case.delay_compensations.filter(status__in=SETTLED).exists():
        raise Conflict(
            _("The customer has already settled the delay compensation of this case."),
            code="compensation_settled",
        )
    quote = compensation_quote(case, company_caused=bool(company_caused))
    if quote.policy is None:
        raise Conflict(
            _("No delay compensation policy is active: an administrator sets one first."),
            code="no_compensation_policy",
        )
    if not quote.amount and not quote.refund_offered:
        raise Conflict(
            _("The order is not late beyond the grace period: there is nothing to offer."),
            code="not_late",
        )
    now = timezone.now()
    for waiting in case.delay_compensations.select_for_update().filter(
        status=DelayCompensation.Status.OFFERED
    ):
        waiting.status = DelayCompensation.Status.WITHDRAWN
        waiting._history_user = actor
        waiting.save(update_fields=["status", "updated_at"])
    offer = DelayCompensation(
        case=case,
        policy=quote.policy,
        promised_date=quote.promised_date,
        delivered_on=quote.delivered_on,
        days_late=quote.days_late,
        working_days_late=quote.working_days_late,
        compensated_days=quote.compensated_days,
        order_amount=quote.order_amount,
        amount=quote.amount,
        company_caused=quote.company_caused,
        refund_offered=quote.refund_offered,
        rule=quote.calculation[:300],
        note=(note or "").strip()[:300],
        offered_by=actor,
        offered_at=now,
    )
    offer._history_user = actor
    offer.save()
    summary = _("¥%(amount)s for %(days)s days late") % {
        "amount": offer.amount,
        "days": offer.days_late,
    }
    if offer.refund_offered:
        summary += _("; or a refund, as the customer chooses")
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="compensation",
        note=f"{summary}. {quote.calculation} {offer.note}".strip(),
        customer_visible=True,
    )
    context = {
        "order": case.order.number,
        "days": offer.days_late,
        "amount": offer.amount,
    }
    if offer.refund_offered:
        _tell_customer(
            case,
            "case_delay_compensation_refund",
            refund_days=quote.policy.refund_after_days,
            **context,
        )
    else:
        _tell_customer(case, "case_delay_compensation", **context)
    return offer


@transaction.atomic
def case_compensation_answer(
    *, actor, case: Case, answer: str, note: str = ""
) -> DelayCompensation:
    """Record the customer's answer to the waiting offer: ``accepted``, ``refund`` (only when
    the refund was offered) or ``declined`` (with the reason)."""
    if not can_record_compensation(actor, case):
        raise PermissionDenied(_("You may not offer compensation on this case."))
    case = _locked(case, None)
    if answer not in ANSWERS:
        raise InvalidInput(fields={"answer": [_("Choose accepted, refund or declined.")]})
    offer = (
        case.delay_compensations.select_for_update()
        .filter(status=DelayCompensation.Status.OFFERED)
        .first()
    )
    if offer is None:
        raise Conflict(
            _("No compensation offer is waiting for the customer's answer."),
            code="no_open_offer",
        )
    note = (note or "").strip()
    if answer == DelayCompensation.Status.REFUND and not offer.refund_offered:
        raise InvalidInput(
            fields={"answer": [_("A refund was not offered: the delay is not long enough.")]}
        )
    if answer == DelayCompensation.Status.DECLINED and not note:
        raise InvalidInput(fields={"note": [_("Give the reason.")]})
    offer.status = answer
    offer.answered_by, offer.answered_at = actor, timezone.now()
    offer.answer_note = note[:300]
    offer._history_user = actor
    offer.save(update_fields=["status", "answered_by", "answered_at", "answer_note", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=ANSWERS[answer],
        note=f"¥{offer.amount}. {note}".strip(),
        customer_visible=True,
    )
    return offer
