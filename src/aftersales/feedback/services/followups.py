"""Follow-up visits (回访, FB-1, S4, S6): scheduled by the rules when a case closes, an order
is delivered or a survey answer is low; worked from the queue call by call.

A call reaches the customer, does not (tried again the next working day until the rule's
number of calls is used up), or is refused. A reached customer gives a verdict and remarks;
when not satisfied, the agent may reopen the case or open a complaint from the same form.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.workdays import add_working_days

from ..models import FollowUp, FollowUpAttempt, FollowUpKind, FollowUpRule
from ..permissions import can_work_follow_up
from .policy import rule_for, working_day_on_or_after

Outcome = FollowUp.Outcome
MAX_REMARKS = 2000
# The kind of follow-up for a kind of case without a rule of its own.
CASE_KINDS = {
    "complaint": FollowUpKind.COMPLAINT,
    "repair": FollowUpKind.REPAIR,
    "installation": FollowUpKind.INSTALLATION,
}


def _customer_phone(case) -> str:
    if case.contact_phone and case.contact_phone.startswith("1"):
        return case.contact_phone
    return case.customer.mobile or case.contact_phone or case.customer.landline


def _create(*, rule: FollowUpRule, start, **fields) -> FollowUp:
    due = working_day_on_or_after(start, rule.working_days)
    follow_up = FollowUp(
        number=document_number_next(kind="follow_up"),
        kind=rule.kind,
        rule=rule,
        starts_on=start,
        due_on=due,
        deadline_on=add_working_days(due, rule.deadline_working_days)
        if rule.deadline_working_days
        else due,
        max_attempts=rule.max_attempts,
        **fields,
    )
    follow_up.save()
    return follow_up


def _cancel_due(follow_ups, reason: str) -> None:
    """Cancel the calls of ``follow_ups`` still to make, saying why (saved one by one, so each
    keeps its history)."""
    now = timezone.now()
    for follow_up in follow_ups.filter(status=FollowUp.Status.DUE):
        follow_up.status, follow_up.remarks, follow_up.done_at = (
            FollowUp.Status.CANCELLED,
            reason,
            now,
        )
        follow_up.version += 1
        follow_up.save(update_fields=["status", "remarks", "done_at", "version", "updated_at"])


def case_outcome(case) -> str:
    if case.reopened:
        return FollowUpRule.Outcome.REOPENED
    if case.confirmed_at:
        return FollowUpRule.Outcome.CONFIRMED
    return FollowUpRule.Outcome.UNCONFIRMED


def follow_up_for_closed_case(case) -> FollowUp | None:
    """The follow-up a closed case calls for, by the rules (presets: complaints 1 working
    day, repairs and installations 3). A case marked as a complaint is followed up as one."""
    outcome = case_outcome(case)
    rule = None
    if case.is_complaint:
        rule = rule_for(FollowUpRule.Trigger.CASE_CLOSED, case_kind="complaint", outcome=outcome)
    rule = rule or rule_for(FollowUpRule.Trigger.CASE_CLOSED, case_kind=case.kind, outcome=outcome)
    if rule is None:
        return None
    if FollowUp.objects.filter(case=case, kind=rule.kind, status=FollowUp.Status.DUE).exists():
        return None
    return _create(
        rule=rule,
        start=timezone.localdate(case.closed_at or timezone.now()),
        case=case,
        customer=case.customer,
        phone=_customer_phone(case),
    )


def follow_up_for_delivery(order, delivered_on) -> FollowUp | None:
    """SAL-9: the salesperson's call some working days after the whole order is delivered
    (preset 7); a replacement delivery needs no second call."""
    rule = rule_for(FollowUpRule.Trigger.DELIVERED)
    if rule is None or FollowUp.objects.filter(order=order, kind=rule.kind).exists():
        return None
    follow_up = _create(
        rule=rule,
        start=delivered_on,
        order=order,
        customer=order.customer,
        phone=order.customer.mobile or order.customer.landline,
        assignee=order.salesperson,
    )
    notify(
        recipients=[order.salesperson],
        title=_("Call %(customer)s about order %(number)s by %(due)s")
        % {
            "customer": order.customer,
            "number": order.number,
            "due": follow_up.due_on.isoformat(),
        },
        link=follow_up.get_absolute_url(),
        email=False,
    )
    return follow_up


def follow_up_for_low_answer(survey) -> FollowUp | None:
    """不满意回访: a low survey answer is called back (preset: the same working day)."""
    rule = rule_for(FollowUpRule.Trigger.LOW_SCORE, case_kind=survey.case.kind)
    if rule is None:
        return None
    # This call replaces the case's routine follow-up: the customer is called once.
    _cancel_due(
        FollowUp.objects.filter(case=survey.case),
        _("Replaced by the call about the low survey answer."),
    )
    return _create(
        rule=rule,
        start=timezone.localdate(survey.answered_at or timezone.now()),
        case=survey.case,
        survey=survey,
        customer=survey.customer,
        phone=_customer_phone(survey.case),
        assignee=None,
    )


@dataclass(frozen=True)
class CallInput:
    outcome: str
    verdict: str = ""
    remarks: str = ""
    reopen: bool = False
    open_complaint: bool = False
    answers: dict | None = None  # the survey's questions asked on the same call


def _errors(data: CallInput, follow_up: FollowUp) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.outcome not in (Outcome.REACHED, Outcome.NOT_REACHED, Outcome.REFUSED):
        errors["outcome"] = [_("Choose reached, not reached or refused.")]
    elif data.outcome == Outcome.REACHED:
        if data.verdict not in FollowUp.Verdict.values or not data.verdict:
            errors["verdict"] = [_("Say whether the customer is satisfied.")]
    elif data.reopen or data.open_complaint or data.answers:
        errors["outcome"] = [_("Only a customer who was reached can reopen or complain.")]
    if len(data.remarks or "") > MAX_REMARKS:
        errors["remarks"] = [_("At most %(n)s characters.") % {"n": MAX_REMARKS}]
    if data.reopen:
        case = follow_up.case
        if case is None or case.status not in ("confirmed", "closed"):
            errors["reopen"] = [_("Only a closed case can be reopened.")]
        elif not (data.remarks or "").strip():
            errors["remarks"] = [_("Write down why the customer is not satisfied.")]
    if data.open_complaint and not (data.remarks or "").strip():
        errors["remarks"] = [_("Write down what the customer complains about.")]
    return errors


@transaction.atomic
def follow_up_call(
    *, actor, follow_up: FollowUp, data: CallInput, expected_version: int | None = None
) -> FollowUp:
    """Record one call of the follow-up, and what the customer wanted done."""
    if not can_work_follow_up(actor, follow_up):
        raise PermissionDenied(_("This follow-up is not yours to call."))
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))  # the case is an outer join
        .select_related("case", "case__customer", "customer")
        .get(pk=follow_up.pk)
    )
    if expected_version is not None and expected_version != follow_up.version:
        raise StaleVersion()
    if follow_up.status != FollowUp.Status.DUE:
        raise Conflict(_("This follow-up is finished."), code="follow_up_finished")
    errors = _errors(data, follow_up)
    if errors:
        raise InvalidInput(fields=errors)
    now, today = timezone.now(), timezone.localdate()
    remarks = (data.remarks or "").strip()
    FollowUpAttempt.objects.create(
        follow_up=follow_up, at=now, by=actor, outcome=data.outcome, note=remarks[:500]
    )
    follow_up.attempts += 1
    fields = ["attempts"]
    if data.outcome == Outcome.NOT_REACHED:
        if follow_up.attempts >= follow_up.max_attempts:
            follow_up.status, follow_up.outcome = FollowUp.Status.DONE, Outcome.UNREACHABLE
            follow_up.done_at, follow_up.done_by = now, actor
            fields += ["status", "outcome", "done_at", "done_by"]
        else:
            # Tried again on the next working day, with the same grace as the first time.
            grace = (follow_up.rule.deadline_working_days if follow_up.rule else 2) or 0
            follow_up.due_on = add_working_days(today, 1)
            follow_up.deadline_on = (
                add_working_days(follow_up.due_on, grace) if grace else follow_up.due_on
            )
            follow_up.outcome = Outcome.NOT_REACHED
            fields += ["due_on", "deadline_on", "outcome"]
    else:
        follow_up.status, follow_up.outcome = FollowUp.Status.DONE, data.outcome
        follow_up.done_at, follow_up.done_by = now, actor
        follow_up.verdict, follow_up.remarks = data.verdict, remarks
        fields += ["status", "outcome", "done_at", "done_by", "verdict", "remarks"]
    if data.outcome == Outcome.REACHED:
        _act_on_call(actor, follow_up, data, remarks, fields)
    follow_up.version += 1
    follow_up._history_user = actor
    follow_up.save(update_fields=[*fields, "version", "updated_at"])
    return follow_up


def _act_on_call(actor, follow_up: FollowUp, data: CallInput, remarks: str, fields) -> None:
    from aftersales.service.services import workflow

    case = follow_up.case
    if data.answers and case is not None:
        from .surveys import survey_answer_by_phone

        survey_answer_by_phone(actor=actor, case=case, answers=data.answers, follow_up_call=True)
    if case is not None and remarks and not data.reopen:
        workflow.case_customer_said(case=case, words=remarks, actor=actor)
    if data.reopen:
        workflow.case_transition(
            actor=actor,
            case=case,
            action="reopen",
            note=_("Follow-up %(number)s: %(remarks)s")
            % {"number": follow_up.number, "remarks": remarks},
            reopened_by=follow_up,
        )
        follow_up.case_reopened = True
        fields.append("case_reopened")
    if data.open_complaint:
        follow_up.complaint = _open_complaint(actor, follow_up, remarks)
        fields.append("complaint")


def _open_complaint(actor, follow_up: FollowUp, remarks: str):
    from aftersales.service.services.intake import IntakeInput, case_intake

    case, order = follow_up.case, follow_up.order
    customer = follow_up.customer
    complaint, _created = case_intake(
        actor=actor,
        data=IntakeInput(
            channel="phone",
            kind="complaint",
            customer_name=customer.name,
            customer_phone=follow_up.phone or customer.mobile,
            description=_("Follow-up %(number)s of %(subject)s: %(remarks)s")
            % {"number": follow_up.number, "subject": follow_up.subject, "remarks": remarks},
            product_sku=case.product.sku if case and case.product_id else "",
            serial_no=case.serial.serial if case and case.serial_id else "",
            order_no=order.number
            if order
            else (case.order.number if case and case.order_id else ""),
            is_complaint=True,
        ),
        customer=customer,
    )
    return complaint


def overdue_follow_ups_alert(today=None) -> int:
    """The daily sweep: follow-ups past their deadline are told to customer service (and to
    the assignee) once, on the day they fall overdue."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    rows = list(
        FollowUp.objects.filter(
            status=FollowUp.Status.DUE, deadline_on__lt=today, overdue_told=False
        )
        .select_related("assignee")
        .order_by("due_on")[:500]
    )
    if not rows:
        return 0
    desk = list(
        get_user_model().objects.filter(groups__name=Role.CUSTOMER_SERVICE.value, is_active=True)
    )
    for follow_up in rows:
        notify(
            recipients=[*desk, follow_up.assignee],
            title=_("Follow-up %(number)s is overdue (due %(due)s)")
            % {"number": follow_up.number, "due": follow_up.due_on.isoformat()},
            link=follow_up.get_absolute_url(),
            level="warning",
            email=False,
        )
    FollowUp.objects.filter(pk__in=[f.pk for f in rows]).update(overdue_told=True)
    return len(rows)


def follow_ups_case_reopened(case, *, keep=None) -> None:
    """The ``case_reopened`` hook: the case is being handled again, so its calls still to make
    and its survey still waiting are void (a new closing brings new ones). ``keep``: the
    follow-up whose call reopened it."""
    from ..models import Survey

    now = timezone.now()
    _cancel_due(
        FollowUp.objects.filter(case=case).exclude(pk=getattr(keep, "pk", None)),
        _("The case was reopened."),
    )
    Survey.objects.filter(case=case, status=Survey.Status.SENT, expires_at__gt=now).update(
        expires_at=now
    )
