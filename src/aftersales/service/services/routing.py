"""Routing (SVC-5): the first matching rule decides the department; within it the case goes
to the member with the fewest open cases (the load), and they are told. A rule may require a
skill (空调, 安装 …): then the least-loaded member having it, the whole department when nobody
has it. Nobody gets more open cases than their profile's limit. When the department has solved
the case, it reports back to customer service, which tells the customer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from aftersales.accounts.permissions import user_has_role
from aftersales.accounts.roles import Role
from aftersales.core.errors import InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.hooks import call_hook
from aftersales.core.notifications import notify
from aftersales.customers.permissions import dealer_of, is_dealer_user

from ..models import AgentProfile, Case, CaseEvent, Kind, RoutingRule, ServiceSkill

# -- who may act on a kind of case ------------------------------------------------------------

# kind → what a person must also be allowed to act on cases of that kind; the apps that
# decide such cases say it in ready() (the 三包 app: who approves a return or an exchange).
_KIND_REQUIREMENTS: dict[str, list[Callable[[object], bool]]] = {}


def register_kind_requirement(kinds: Iterable[str], predicate: Callable[[object], bool]) -> None:
    """Cases of ``kinds`` need people for whom ``predicate(user)`` holds as well."""
    for kind in kinds:
        _KIND_REQUIREMENTS.setdefault(kind, []).append(predicate)


def may_act_on_kind(user, kind: str, *, dealer=None) -> bool:
    """Whether ``user`` could work a case of ``kind`` given to them: take its steps
    (``workflow.can_handle``: customer service, after-sales service, administrators; a
    dealer's people only for a rule limited to their own dealer) and decide what cases of that
    kind need decided (``register_kind_requirement``)."""
    from .workflow import HANDLER_ROLES

    if not user.is_active:
        return False
    if is_dealer_user(user):
        own = dealer_of(user)
        if own is None or dealer is None or own.pk != dealer.pk:
            return False
    elif not user_has_role(user, *HANDLER_ROLES):
        return False
    return all(predicate(user) for predicate in _KIND_REQUIREMENTS.get(kind, ()))


def routing_rule_check(rule: RoutingRule) -> None:
    """An active rule must not send a kind of case to a department none of whose members may
    act on it (returns to the quality department, who cannot approve them): ``InvalidInput``
    on ``department`` naming the kinds. A rule without a kind sends every kind."""
    if rule.department_id is None:
        raise InvalidInput(fields={"department": [_("Choose the department.")]})
    if not rule.active:
        return
    members = list(
        get_user_model()
        .objects.filter(department_id=rule.department_id, is_active=True)
        .select_related("dealer_member__dealer")
        .prefetch_related("groups")
    )
    dealer = rule.dealer if rule.dealer_id else None
    kinds = [rule.kind] if rule.kind else list(Kind.values)
    nobody = [k for k in kinds if not any(may_act_on_kind(m, k, dealer=dealer) for m in members)]
    if nobody:
        raise InvalidInput(
            fields={
                "department": [
                    _(
                        "Nobody in %(department)s may act on these cases: %(kinds)s. Send them "
                        "to a department whose people handle them%(or_kind)s."
                    )
                    % {
                        "department": rule.department,
                        "kinds": "、".join(str(Kind(k).label) for k in nobody),
                        "or_kind": "" if rule.kind else _(", or give the rule a kind"),
                    }
                ]
            }
        )


@transaction.atomic
def routing_rule_save(*, actor, rule: RoutingRule) -> RoutingRule:
    """Save a routing rule (administration, demo data) after ``routing_rule_check``."""
    routing_rule_check(rule)
    rule._history_user = actor
    rule.save()
    return rule


def rule_for(case: Case) -> RoutingRule | None:
    categories = {c.pk for c in case.product.category.path()} if case.product_id else set()
    rules = RoutingRule.objects.filter(active=True).select_related("department", "skill")
    for rule in rules.order_by("position", "id"):
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


@dataclass(frozen=True)
class Pick:
    """Who routing chose in a department, and what the timeline should say about it."""

    person: object | None
    note: str = ""


def pick_member(department, skill: ServiceSkill | None = None) -> Pick:
    """The active member of the department with the fewest open cases (ties: by username),
    leaving out anyone at their profile's limit. With ``skill``: among the members having it;
    when nobody in the department has it, or everyone who has it is at their limit, among the
    whole department, and the note says so. Nobody free: no person (the department's queue).

    One query: the members with their load, limit and skill, sorted by load.
    """
    # Each member's open cases counted on the open-case assignee index; a join and GROUP BY
    # over all their cases grows with every case ever closed.
    open_load = (
        Case.objects.filter(assignee=OuterRef("pk"))
        .exclude(status__in=[Case.Status.CLOSED, Case.Status.CANCELLED])
        .order_by()
        .values("assignee")
        .annotate(n=Count("*"))
        .values("n")
    )
    members = (
        get_user_model()
        .objects.filter(department=department, is_active=True)
        .annotate(load=Coalesce(Subquery(open_load), 0), limit=F("agent_profile__max_open_cases"))
        .order_by("load", "username")
    )
    if skill is not None:
        members = members.annotate(
            has_skill=Exists(
                AgentProfile.skills.through.objects.filter(
                    agentprofile__user=OuterRef("pk"), serviceskill=skill
                )
            )
        )
    members = list(members)
    blocked = work_blockers(members)
    if members and len(blocked) == len(members):
        return Pick(None, _untrained_note(department))
    members = [m for m in members if m.pk not in blocked]
    free = [m for m in members if m.limit is None or m.load < m.limit]
    if skill is None:
        return Pick(free[0] if free else None, "" if free else _full_note(department))
    skilled = [m for m in free if m.has_skill]
    if skilled:
        return Pick(skilled[0])
    if any(m.has_skill for m in members):
        note = _("everyone with the skill “%(skill)s” is at their limit") % {"skill": skill}
    else:
        note = _("nobody in the department has the skill “%(skill)s”") % {"skill": skill}
    if not free:
        return Pick(None, f"{note}; {_full_note(department)}")
    return Pick(free[0], _("%(reason)s: given to the whole department") % {"reason": note})


def work_blockers(people, day=None) -> dict[int, str]:
    """People who may not be given work yet, with why (the training app says: required
    training not passed). Empty when no app gates the work."""
    out: dict[int, str] = {}
    for answer in call_hook("work_blockers", people=people, day=day):
        for pk, why in (answer or {}).items():
            out.setdefault(pk, why)
    return out


def assignee_may_take(assignee) -> None:
    """400 on ``assignee`` naming why, when they may not be given cases yet (training)."""
    why = work_blockers([assignee]).get(assignee.pk)
    if why:
        raise InvalidInput(
            fields={
                "assignee": [
                    _("%(who)s may not be given cases yet: %(why)s.")
                    % {"who": assignee, "why": why}
                ]
            }
        )


def _untrained_note(department) -> str:
    return _(
        "nobody in %(department)s has passed the required training: the case waits in its queue"
    ) % {"department": department}


def _full_note(department) -> str:
    return _("everyone in %(department)s is at their limit: the case waits in its queue") % {
        "department": department
    }


def least_loaded_member(department, skill: ServiceSkill | None = None):
    """The person ``pick_member`` chooses (None when nobody is free)."""
    return pick_member(department, skill).person


def plan_route(case: Case) -> tuple[RoutingRule | None, Pick]:
    """What the rules decide for a case not yet saved: the rule and the person (intake sets
    both before the case's first write)."""
    rule = rule_for(case)
    if rule is None:
        return None, Pick(None)
    pick = pick_member(rule.department, rule.skill) if rule.assign_person else Pick(None)
    return rule, pick


def routing_still_fits(pick: Pick) -> bool:
    """Whether the person ``plan_route`` chose is still under their limit of open cases
    (read again under intake's transaction; a colleague's intake may have filled them)."""
    person = pick.person
    limit = getattr(person, "limit", None)
    if person is None or limit is None:
        return True
    return (
        Case.objects.filter(assignee=person)
        .exclude(status__in=[Case.Status.CLOSED, Case.Status.CANCELLED])
        .count()
        < limit
    )


def route(case: Case, *, actor=None) -> RoutingRule | None:
    """Apply the rules to a case. No rule: the case stays with customer service's shared
    queue."""
    rule, pick = plan_route(case)
    if rule is None:
        return None
    _assign(case, rule.department, pick.person, actor=actor, note=_route_note(rule, pick))
    return rule


def announce_route(case: Case, rule: RoutingRule, pick: Pick, *, actor) -> None:
    """The timeline entry and the notice of a routing ``plan_route`` decided before the case
    was first saved (the case already carries the department and person)."""
    _assigned(case, rule.department, pick.person, actor=actor, note=_route_note(rule, pick))


def _route_note(rule: RoutingRule, pick: Pick) -> str:
    return f"{rule.name} · {pick.note}" if pick.note else rule.name


def _assign(case: Case, department, assignee, *, actor, note: str) -> None:
    case.department, case.assignee = department, assignee
    case.version += 1
    case._history_user = actor
    case.save(update_fields=["department", "assignee", "version", "updated_at"])
    _assigned(case, department, assignee, actor=actor, note=note)


def _assigned(case: Case, department, assignee, *, actor, note: str) -> None:
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
def case_assign(
    *,
    actor,
    case: Case,
    department,
    assignee=None,
    expected_version: int | None = None,
    assignee_checked: bool = False,
) -> Case:
    """Hand the case to a department and, optionally, a person in it. With
    ``expected_version``, a case changed meanwhile by someone else is refused (409).
    ``assignee_checked``: the caller has asked ``assignee_may_take`` already (many cases)."""
    from .workflow import can_handle

    if not can_handle(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and expected_version != case.version:
        raise StaleVersion()
    if not case.is_open:
        from aftersales.core.errors import Conflict

        raise Conflict(_("The case is closed."), code="illegal_transition")
    if department is None:
        raise InvalidInput(fields={"department": [_("Choose the department.")]})
    if assignee is not None and assignee.department_id != department.pk:
        raise InvalidInput(fields={"assignee": [_("This person is not in that department.")]})
    # A new person must have passed their training; the one already on the case stays.
    if not assignee_checked and assignee is not None and assignee.pk != case.assignee_id:
        assignee_may_take(assignee)
    _assign(case, department, assignee, actor=actor, note="")
    return case


def needs_report_back(case: Case, actor) -> bool:
    """SVC-5: a department other than customer service solved the case, so it reports the
    result to customer service. Customer service solving a case itself reports to nobody."""
    return (
        case.department_id is not None
        and actor is not None
        and not user_has_role(actor, Role.CUSTOMER_SERVICE)
    )


def report_back(case: Case, *, actor) -> CaseEvent | None:
    """Called when the case is resolved (inside that step's transaction): the handling
    department's result goes to customer service in the product — the agent who took the case
    in, or everyone in customer service when someone else did — and the timeline records who
    reported back and when. The customer is told by the resolve step's own message, once."""
    if not needs_report_back(case, actor):
        return None
    taker = case.created_by
    if taker is not None and taker.is_active and user_has_role(taker, Role.CUSTOMER_SERVICE):
        recipients = [taker]
    else:
        recipients = list(
            get_user_model().objects.filter(
                groups__name=Role.CUSTOMER_SERVICE.value, is_active=True
            )
        )
    result = " · ".join(part for part in (case.solution, case.result) if part)
    notify(
        recipients=recipients,
        title=_("%(department)s reports back on %(number)s: resolved")
        % {"department": case.department, "number": case.number},
        body=result,
        link=case.get_absolute_url(),
    )
    names = ", ".join(str(person) for person in recipients) or _("customer service")
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action="report_back",
        note=_("To %(names)s: %(result)s") % {"names": names, "result": result},
    )
