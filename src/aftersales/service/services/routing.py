"""Routing (SVC-5): the first matching rule decides the department; within it the case goes
to the member with the fewest open cases (the load), and they are told."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.notifications import notify

from ..models import Case, CaseEvent, RoutingRule

OPEN = ~Q(assigned_cases__status__in=[Case.Status.CLOSED, Case.Status.CANCELLED])


def rule_for(case: Case) -> RoutingRule | None:
    categories = {c.pk for c in case.product.category.path()} if case.product_id else set()
    for rule in RoutingRule.objects.filter(active=True).order_by("position", "id"):
        if rule.kind and rule.kind != case.kind:
            continue
        if rule.category_id and rule.category_id != case.category_id:
            continue
        if rule.product_category_id and rule.product_category_id not in categories:
            continue
        if rule.region and rule.region != case.region:
            continue
        if rule.dealer_id and rule.dealer_id != case.dealer_id:
            continue
        return rule
    return None


def least_loaded_member(department):
    """The active member of the department with the fewest open cases (ties: by username)."""
    return (
        get_user_model()
        .objects.filter(department=department, is_active=True)
        .annotate(load=Count("assigned_cases", filter=OPEN))
        .order_by("load", "username")
        .first()
    )


def route(case: Case, *, actor=None) -> RoutingRule | None:
    """Apply the rules to a new case (called at intake). No rule: the case stays with customer
    service's shared queue."""
    rule = rule_for(case)
    if rule is None:
        return None
    assignee = least_loaded_member(rule.department) if rule.assign_person else None
    _assign(case, rule.department, assignee, actor=actor, note=rule.name)
    return rule


def _assign(case: Case, department, assignee, *, actor, note: str) -> None:
    case.department, case.assignee = department, assignee
    case.version += 1
    case._history_user = actor
    case.save(update_fields=["department", "assignee", "version", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="assign",
        note=f"{department}{' · ' + str(assignee) if assignee else ''} ({note})" if note else "",
    )
    recipients = [assignee] if assignee else list(department.members.filter(is_active=True))
    notify(
        recipients=recipients,
        title=_("Case %(number)s for you: %(kind)s")
        % {"number": case.number, "kind": case.get_kind_display()},
        body=case.description[:300],
        link=case.get_absolute_url(),
    )


@transaction.atomic
def case_assign(*, actor, case: Case, department, assignee=None) -> Case:
    """Hand the case to a department and, optionally, a person in it."""
    from .workflow import can_handle

    if not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        from aftersales.core.errors import Conflict

        raise Conflict(_("The case is closed."), code="illegal_transition")
    if department is None:
        raise InvalidInput(fields={"department": [_("Choose the department.")]})
    if assignee is not None and assignee.department_id != department.pk:
        raise InvalidInput(fields={"assignee": [_("This person is not in that department.")]})
    _assign(case, department, assignee, actor=actor, note="")
    return case
