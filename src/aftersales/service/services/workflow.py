"""The service flow (SVC-6 … SVC-8): an explicit table of which step may follow which, each
step recorded with who and when, the SLA clocks moved with it, and the customer told at the
steps they care about.

new → accepted → verifying → in_progress (dispatched | awaiting parts | awaiting the customer)
    → resolved → confirmed → closed; resolved → in_progress when the customer rejects the
    result (reopened, escalated); confirmed | closed → in_progress when a follow-up or a survey
    finds the customer not satisfied after all (reopen, FB-1); new | accepted | verifying →
    cancelled.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.hooks import call_hook
from aftersales.core.messaging import message_customer
from aftersales.core.notifications import notify
from aftersales.customers.permissions import dealer_of, is_dealer_user
from aftersales.sla.models import Metric

from ..models import Case, CaseEvent
from . import sla
from .routing import report_back
from .search import search_text_for
from .tracking import tracking_url

S = Case.Status
HANDLER_ROLES = (Role.CUSTOMER_SERVICE, Role.SERVICE, Role.DEALER, Role.ADMIN)

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "accept": (frozenset({S.NEW}), S.ACCEPTED),
    "verify": (frozenset({S.ACCEPTED}), S.VERIFYING),
    "start": (frozenset({S.ACCEPTED, S.VERIFYING}), S.IN_PROGRESS),
    "resolve": (frozenset({S.ACCEPTED, S.VERIFYING, S.IN_PROGRESS}), S.RESOLVED),
    "confirm": (frozenset({S.RESOLVED}), S.CONFIRMED),
    "reject": (frozenset({S.RESOLVED}), S.IN_PROGRESS),
    "close": (frozenset({S.CONFIRMED, S.RESOLVED}), S.CLOSED),
    "cancel": (frozenset({S.NEW, S.ACCEPTED, S.VERIFYING}), S.CANCELLED),
    "reopen": (frozenset({S.CONFIRMED, S.CLOSED}), S.IN_PROGRESS),
}
ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "verify": gettext_lazy("Verify"),
    "start": gettext_lazy("Start handling"),
    "resolve": gettext_lazy("Resolve"),
    "confirm": gettext_lazy("Customer confirms"),
    "reject": gettext_lazy("Customer rejects"),
    "close": gettext_lazy("Close"),
    "cancel": gettext_lazy("Cancel case"),
    "reopen": gettext_lazy("Reopen"),
}
# Which clocks reach their target with each step.
STOPS = {
    "accept": (Metric.FIRST_RESPONSE,),
    "start": (Metric.FIRST_RESPONSE, Metric.INITIAL_VERIFICATION),
    "resolve": (
        Metric.FIRST_RESPONSE,
        Metric.INITIAL_VERIFICATION,
        Metric.ON_SITE,
        Metric.RESOLUTION,
    ),
}


def allowed_actions(case: Case) -> list[str]:
    return [a for a, (sources, _to) in TRANSITIONS.items() if case.status in sources]


def can_handle(user, case: Case) -> bool:
    """Customer service, after-sales service and administrators handle every case; a dealer's
    people handle their own dealer's cases only."""
    if is_dealer_user(user):
        own = dealer_of(user)
        return own is not None and case.dealer_id == own.pk
    return user_has_role(user, *HANDLER_ROLES)


def can_bulk_assign(user) -> bool:
    """The queue's tick boxes: company staff who handle cases (a dealer assigns one by one)."""
    return not is_dealer_user(user) and user_has_role(user, *HANDLER_ROLES)


def _locked(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("customer").get(pk=case.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _save(case: Case, actor, fields: list[str]) -> None:
    case.version += 1
    case._history_user = actor
    case.save(update_fields=[*fields, "version", "updated_at"])


def _tell_customer(case: Case, template: str, **context) -> None:
    message_customer(
        phone=case.contact_phone if case.contact_phone.startswith("1") else case.customer.mobile,
        email=case.customer.email,
        template=template,
        context={
            "name": case.customer.name,
            "number": case.number,
            "url": tracking_url(case),
            **context,
        },
        related=case.number,
    )


@transaction.atomic
def case_transition(
    *,
    actor,
    case: Case,
    action: str,
    note: str = "",
    solution: str = "",
    result: str = "",
    expected_version: int | None = None,
    by_customer: bool = False,
    reopened_by=None,
) -> Case:
    """Move the case by one step of the table; anything else is a 409 ``illegal_transition``.
    ``by_customer``: the customer's own confirmation or rejection through the tracking link
    (``actor`` is then None)."""
    if action not in TRANSITIONS:
        raise InvalidInput(fields={"action": [_("Unknown step.")]})
    if by_customer:
        if action not in ("confirm", "reject"):
            raise PermissionDenied()
    elif not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = _locked(case, expected_version)
    sources, target = TRANSITIONS[action]
    if case.status not in sources:
        raise Conflict(
            _("A case that is “%(status)s” cannot take the step “%(action)s”.")
            % {"status": case.get_status_display(), "action": ACTION_LABELS[action]},
            code="illegal_transition",
        )
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if action == "resolve" and not solution.strip():
        errors["solution"] = [_("Record the solution.")]
    if action == "reopen" and case.merged_into_id:
        raise Conflict(
            _("A duplicate merged into %(number)s is handled there.")
            % {"number": case.merged_into.number},
            code="illegal_transition",
        )
    if action in ("reject", "cancel", "reopen") and not note:
        errors["note"] = [_("Give the reason.")]
    if errors:
        raise InvalidInput(fields=errors)
    now = timezone.now()
    fields = ["status", "substatus"]
    before = case.status
    case.status, case.substatus = target, ""
    if action == "resolve":
        case.solution, case.result = solution.strip(), result.strip()[:300]
        case.resolved_at = now
        case.search_text = search_text_for(case)  # the solution's words find the case too
        fields += ["solution", "result", "resolved_at", "search_text"]
    elif action == "confirm":
        case.confirmed_at = now
        fields.append("confirmed_at")
    elif action in ("reject", "reopen"):
        # SVC-8: the customer does not accept the result: reopen, record why, escalate. The
        # same when a follow-up finds the customer unhappy after the case was closed (FB-1).
        case.rejection_reason, case.reopened = note[:300], case.reopened + 1
        case.customer_opinion = _opinion_added(case.customer_opinion, note)
        if case.priority in ("low", "normal"):
            case.priority = "high"
        elif case.priority == "high":
            case.priority = "urgent"
        case.closed_at = None
        if action == "reopen":
            case.confirmed_at = None  # the customer confirmed a result that did not last
        fields += [
            "rejection_reason",
            "reopened",
            "priority",
            "customer_opinion",
            "closed_at",
            "confirmed_at",
        ]
    elif action in ("close", "cancel"):
        case.closed_at = now
        fields.append("closed_at")
    _save(case, actor, fields)
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_status=before,
        to_status=target,
        note=note or solution.strip(),
        customer_visible=action
        in ("accept", "resolve", "confirm", "reject", "close", "cancel", "reopen"),
    )
    sla.stop_clocks(case, *STOPS.get(action, ()), at=now)
    if action == "cancel":
        sla.cancel_clocks(case)
    if action in ("reject", "reopen"):
        sla.start_clocks(case, at=now, metrics=(Metric.RESOLUTION,))
        _escalate_rejection(case, note)
    sla.status_changed(case, at=now)
    # Other apps act on the new status after the commit (a partner's webhooks).
    call_hook("case_status_changed", case=case, actor=actor, before=before, action=action)
    if action == "reopen":
        call_hook("case_reopened", case=case, actor=actor, keep=reopened_by)
    if action == "close":
        # Other apps act on the closing (the feedback app schedules the follow-up and sends
        # the satisfaction survey), inside this transaction.
        call_hook("case_closed", case=case, actor=actor)
    if action == "accept":
        _tell_customer(case, "case_accepted")
    elif action == "resolve":
        _tell_customer(case, "case_resolved", solution=case.solution[:120])
        report_back(case, actor=actor)  # SVC-5: the department's result to customer service
    return case


def _opinion_added(opinion: str, words: str) -> str:
    words = " ".join((words or "").split())
    if not words:
        return opinion
    return f"{opinion}\n{words}".strip()


@transaction.atomic
def case_customer_said(*, case: Case, words: str, actor=None) -> Case:
    """Add the customer's words about the handling to the case (客户意见 of the complaint
    register, FB-3): from a follow-up call or a survey's comment."""
    case = _locked(case, None)
    opinion = _opinion_added(case.customer_opinion, words)
    if opinion != case.customer_opinion:
        case.customer_opinion = opinion
        _save(case, actor, ["customer_opinion"])
    return case


def _escalate_rejection(case: Case, reason: str) -> None:
    from django.contrib.auth import get_user_model

    managers = get_user_model().objects.filter(
        groups__name=Role.CUSTOMER_SERVICE.value, is_active=True
    )
    notify(
        recipients=[*managers, *([case.assignee] if case.assignee else [])],
        title=_("Customer rejected the result of %(number)s") % {"number": case.number},
        body=reason,
        link=case.get_absolute_url(),
        level="danger",
    )


@transaction.atomic
def case_set_substatus(
    *, actor, case: Case, substatus: str, note: str = "", expected_version: int | None = None
) -> Case:
    """While in progress: dispatched, awaiting parts, awaiting the customer (which pauses the
    SLA clocks under the preset policy), or back to working on it."""
    if not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = _locked(case, expected_version)
    if case.status != S.IN_PROGRESS:
        raise Conflict(_("Only a case in progress has a sub-status."), code="illegal_transition")
    if substatus not in Case.Substatus.values:
        raise InvalidInput(fields={"substatus": [_("Choose a sub-status from the list.")]})
    before = case.substatus
    case.substatus = substatus
    _save(case, actor, ["substatus"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="substatus",
        from_status=before,
        to_status=substatus,
        note=(note or "").strip(),
    )
    sla.status_changed(case)
    return case


@transaction.atomic
def case_promise(*, actor, case: Case, timetable: str) -> Case:
    """SVC-4: the case cannot be solved at once; the timetable promised is recorded and sent."""
    if not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = _locked(case, None)
    timetable = (timetable or "").strip()
    if not timetable:
        raise InvalidInput(fields={"timetable": [_("Say what will happen by when.")]})
    if not case.is_open:
        raise Conflict(_("The case is closed."), code="illegal_transition")
    case.promised_timetable = timetable[:300]
    _save(case, actor, ["promised_timetable"])
    CaseEvent.objects.create(
        case=case, actor=actor, action="promise", note=timetable, customer_visible=True
    )
    _tell_customer(case, "case_timetable", timetable=timetable)
    return case


@transaction.atomic
def case_set_fault_code(*, actor, case: Case, fault_code) -> Case:
    """The kind of fault (故障代码) the case is about; it groups cases for the common-problem
    analysis and ties them to the support articles of that fault (FB-4). Also on closed
    cases: the knowledge is often written after the fact."""
    if not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = _locked(case, None)
    if case.fault_code_id == (fault_code.pk if fault_code else None):
        return case
    case.fault_code = fault_code
    _save(case, actor, ["fault_code"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="fault_code",
        note=f"{fault_code.code} {fault_code.name}" if fault_code else "",
    )
    return case


def case_log_event(*, actor, case: Case, action: str, note: str, customer_visible=False):
    """An event another app records on the case's timeline (an article attached, sent)."""
    return CaseEvent.objects.create(
        case=case, actor=actor, action=action, note=note[:2000], customer_visible=customer_visible
    )


@transaction.atomic
def case_merge(*, actor, source: Case, target: Case, note: str = "") -> Case:
    """A duplicate (the same problem reported twice) is merged into the case that carries on:
    the duplicate closes pointing at it, its clocks stop, both timelines say so."""
    if not (can_handle(actor, source) and can_handle(actor, target)):
        raise PermissionDenied(_("You may not handle this case."))
    first, second = sorted([source, target], key=lambda c: c.pk)  # lock in one order
    _locked(first, None), _locked(second, None)
    source, target = Case.objects.get(pk=source.pk), Case.objects.get(pk=target.pk)
    if source.pk == target.pk:
        raise InvalidInput(fields={"target": [_("A case cannot be merged into itself.")]})
    if not (source.is_open and target.is_open):
        raise Conflict(_("Only open cases can be merged."), code="illegal_transition")
    if source.customer_id != target.customer_id:
        raise InvalidInput(fields={"target": [_("The cases belong to different customers.")]})
    before = source.status
    source.status, source.substatus, source.merged_into = S.CLOSED, "", target
    source.closed_at = timezone.now()
    _save(source, actor, ["status", "substatus", "merged_into", "closed_at"])
    sla.cancel_clocks(source)
    call_hook("case_status_changed", case=source, actor=actor, before=before, action="merge")
    note = (note or "").strip()
    CaseEvent.objects.create(
        case=source,
        actor=actor,
        action="merge",
        from_status=before,
        to_status=S.CLOSED,
        note=_("Merged into %(number)s. %(note)s") % {"number": target.number, "note": note},
    )
    CaseEvent.objects.create(
        case=target,
        actor=actor,
        action="merge",
        note=_("%(number)s merged in: %(description)s")
        % {"number": source.number, "description": source.description[:500]},
    )
    return target


@transaction.atomic
def case_split(*, actor, case: Case, kind: str, description: str) -> Case:
    """One call, two problems: the second becomes its own case for the same customer and
    product, with its own number, clocks and routing."""
    from .intake import IntakeInput, case_intake

    if not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = _locked(case, None)
    if not case.is_open:
        raise Conflict(_("The case is closed."), code="illegal_transition")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(fields={"description": [_("Describe the problem.")]})
    new, _created = case_intake(
        actor=actor,
        data=IntakeInput(
            channel=case.channel,
            kind=kind,
            customer_name=case.contact_name or case.customer.name,
            customer_phone=case.contact_phone,
            description=description,
            product_sku=case.product.sku if case.product_id else "",
            serial_no=case.serial.serial if case.serial_id else "",
            order_no=case.order.number if case.order_id else "",
            priority=case.priority,
        ),
        customer=case.customer,
    )
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="split",
        note=_("Split off as %(number)s: %(description)s")
        % {"number": new.number, "description": description[:300]},
    )
    CaseEvent.objects.create(
        case=new,
        actor=actor,
        action="split",
        note=_("Split from %(number)s") % {"number": case.number},
    )
    return new
