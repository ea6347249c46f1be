"""Dispatch (SVC-7): who should go, when, and telling the customer.

A suggestion ranks active technicians by the skills the work needs, the region they cover and
how full their day is; the appointment must fall inside the on-site time limit (3 working
days by the preset) unless the dispatcher writes why not; a moved appointment keeps its
history and the customer is told by message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.hooks import call_hook
from aftersales.core.messaging import message_customer

from ..models import AppointmentChange, TechnicianAbsence, TechnicianProfile, WorkOrder
from ..permissions import can_dispatch
from .work_orders import S, _event, _locked, _move, _save

BUSY = (S.SCHEDULED, S.IN_PROGRESS, S.AWAITING_PARTS, S.AWAITING_QUOTE)


@dataclass
class Suggestion:
    technician: object
    score: int
    skills_ok: bool
    in_region: bool
    load: int
    capacity: int
    reasons: list[str] = field(default_factory=list)
    offered: bool = True  # False: listed with why, but not to be booked (training)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    # The company's day (settings.TIME_ZONE), whatever the server's clock says.
    start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def technicians():
    """Active people of the after-sales department with a technician profile."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=Role.SERVICE.value,
            technician_profile__active=True,
        )
        .select_related("technician_profile", "agent_profile")
        .prefetch_related("agent_profile__skills")
        .distinct()
        .order_by("username")
    )


def dispatch_suggestions(work_order: WorkOrder, day: date | None = None) -> list[Suggestion]:
    """Technicians for the work on ``day`` (the day it is due by default), best first: all
    needed skills (+100), the customer's region among theirs (+40), a valid qualification for
    the product's category when the training policy prefers one (+50: before the region, as
    being able to do the work comes first), room in the day (+5
    per free slot); a full day is listed last and says so. Someone who has not passed their
    required training, or lacks the category qualification the policy requires, is not
    offered (listed last, with why)."""
    day = day or timezone.localdate(work_order.onsite_due_at or timezone.now())
    start, end = _day_bounds(day)
    needed = {s.pk for s in work_order.skills.all()}
    people = list(technicians())
    loads = dict(
        WorkOrder.objects.filter(
            technician__in=people, status__in=BUSY, window_start__gte=start, window_start__lt=end
        )
        .exclude(pk=work_order.pk)
        .values_list("technician")
        .annotate(n=Count("id"))
    )
    absent = absent_on(day, people)
    workday = _is_workday(day)
    blocked, qualified = training_checks(work_order, people, day)
    out = []
    for person in people:
        profile: TechnicianProfile = person.technician_profile
        skills = (
            {s.pk for s in person.agent_profile.skills.all()}
            if hasattr(person, "agent_profile")
            else set()
        )
        skills_ok = needed <= skills
        regions = profile.region_list()
        in_region = bool(work_order.region) and any(
            r in work_order.region or work_order.region in r or r in work_order.address
            for r in regions
        )
        load = loads.get(person.pk, 0)
        free = max(0, profile.visits_per_day - load)
        score = (100 if skills_ok else 0) + (40 if in_region else 0) + 5 * free
        reasons = []
        if needed:
            reasons.append(_("has the skills") if skills_ok else _("lacks a skill"))
        if work_order.region:
            reasons.append(
                _("covers %(region)s") % {"region": work_order.region}
                if in_region
                else _("outside their regions")
            )
        reasons.append(
            _("%(load)s of %(cap)s visits booked") % {"load": load, "cap": profile.visits_per_day}
            if free
            else _("day full")
        )
        if not free:
            score -= 1000
        offered = True
        if qualified is not None:
            course = qualified["held"].get(person.pk)
            if course:
                score += 50
                reasons.append(_("qualified: %(course)s") % {"course": course})
            else:
                reasons.append(
                    _("no valid qualification for %(category)s")
                    % {"category": qualified["category"]}
                )
                offered = not qualified["required"]
        if person.pk in blocked:
            reasons.append(blocked[person.pk])
            offered = False
        if not offered:
            score -= 5000
        if person.pk in absent:
            reasons.append(_("absent: %(why)s") % {"why": absent[person.pk] or _("leave")})
            score -= 2000
        elif not workday:
            reasons.append(_("not a working day"))
            score -= 500
        out.append(
            Suggestion(
                person, score, skills_ok, in_region, load, profile.visits_per_day, reasons, offered
            )
        )
    out.sort(key=lambda s: (-s.score, s.load, s.technician.username))
    return out


def training_checks(work_order: WorkOrder, people, day: date):
    """What the training app says (through hooks, so this app does not import it): who may
    not be given visits yet and why, and the product category's qualification rule with who
    holds one (None: no rule or no course for the category)."""
    blocked: dict[int, str] = {}
    for answer in call_hook("work_blockers", people=people, day=day):
        blocked.update(answer or {})
    category = work_order.product.category if work_order.product_id else None
    qualified = None
    for answer in call_hook("category_qualifications", people=people, category=category, day=day):
        qualified = qualified or answer
    return blocked, qualified


def not_offered_reason(work_order: WorkOrder, technician, day: date) -> str:
    """Why ``technician`` may not be booked for the work on ``day`` ("" when they may)."""
    blocked, qualified = training_checks(work_order, [technician], day)
    if technician.pk in blocked:
        return blocked[technician.pk]
    if qualified and qualified["required"] and technician.pk not in qualified["held"]:
        return _("no valid qualification for %(category)s") % {"category": qualified["category"]}
    return ""


def absent_on(day: date, people) -> dict[int, str]:
    """Technicians away on ``day`` (their own working calendar), with the reason."""
    rows = TechnicianAbsence.objects.filter(
        user__in=people, first_day__lte=day, last_day__gte=day
    ).values_list("user_id", "reason")
    return dict(rows)


def _is_workday(day: date) -> bool:
    from aftersales.workdays import current_calendar

    try:
        return current_calendar().is_workday(day)
    except ValueError:
        return day.weekday() < 5


def _when(dt: datetime) -> dict:
    local = timezone.localtime(dt)
    return {"day": f"{local:%Y-%m-%d}", "start": f"{local:%H:%M}"}


@transaction.atomic
def work_order_schedule(
    *,
    actor,
    work_order: WorkOrder,
    technician,
    start: datetime,
    end: datetime,
    reason: str = "",
    expected_version: int | None = None,
) -> WorkOrder:
    """Book (or move) the visit. Past the on-site time limit only with a written reason
    (e.g. the customer asked for a later day); a move keeps the old window in the history."""
    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department dispatches work."))
    wo = _locked(work_order, expected_version)
    errors: dict[str, list[str]] = {}
    if (
        technician is None
        or not TechnicianProfile.objects.filter(user=technician, active=True).exists()
    ):
        errors["technician"] = [_("Choose a technician.")]
    if start is None or end is None or end <= start:
        errors["end"] = [_("The visit must end after it starts.")]
    elif start < timezone.now() - timedelta(minutes=5):
        errors["start"] = [_("The visit cannot be in the past.")]
    elif technician is not None:
        away = absent_on(timezone.localdate(start), [technician]).get(technician.pk)
        # Someone new to the visit must be offered; the one booked may have it moved.
        why_not = (
            not_offered_reason(wo, technician, timezone.localdate(start))
            if technician.pk != wo.technician_id
            else ""
        )
        if why_not:
            errors["technician"] = [
                _("%(who)s may not be booked for this visit: %(why)s.")
                % {"who": technician.get_full_name() or technician.get_username(), "why": why_not}
            ]
        elif away is not None:
            errors["technician"] = [
                _("%(who)s is away that day (%(why)s).")
                % {
                    "who": technician.get_full_name() or technician.get_username(),
                    "why": away or _("leave"),
                }
            ]
    reason = (reason or "").strip()
    late = wo.onsite_due_at is not None and start is not None and start > wo.onsite_due_at
    if late and not reason:
        errors["reason"] = [
            _("This is after the on-site time limit (%(due)s): say why, e.g. the customer asked.")
            % {"due": timezone.localtime(wo.onsite_due_at).strftime("%Y-%m-%d %H:%M")}
        ]
    if wo.status == S.SCHEDULED and not reason:
        errors.setdefault("reason", []).append(_("Say why the visit moves."))
    if errors:
        raise InvalidInput(fields=errors)
    moved = wo.status == S.SCHEDULED
    if moved:
        AppointmentChange.objects.create(
            work_order=wo,
            old_start=wo.window_start,
            old_end=wo.window_end,
            new_start=start,
            new_end=end,
            old_technician=wo.technician,
            reason=reason[:300],
            actor=actor,
        )
    wo.technician, wo.window_start, wo.window_end = technician, start, end
    wo.confirmed_at = None
    note = _("%(who)s, %(day)s %(start)s–%(end)s") % {
        "who": technician.get_full_name() or technician.get_username(),
        **_when(start),
        "end": f"{timezone.localtime(end):%H:%M}",
    }
    if reason:
        note += f" · {reason}"
    _move(wo, actor, "schedule", ["technician", "window_start", "window_end", "confirmed_at"], note)
    message_customer(
        phone=wo.contact_phone,
        email=wo.customer.email,
        template="work_order_rescheduled" if moved else "work_order_scheduled",
        context={
            "name": wo.contact_name or wo.customer.name,
            "number": wo.number,
            "technician": technician.get_full_name() or technician.get_username(),
            **_when(start),
            "end": f"{timezone.localtime(end):%H:%M}",
        },
        related=wo.number,
    )
    return wo


@transaction.atomic
def work_order_confirm(*, actor, work_order: WorkOrder) -> WorkOrder:
    """The customer agreed to the window (by reply or on the phone)."""
    if not can_dispatch(actor):
        raise PermissionDenied(_("Only the after-sales department dispatches work."))
    wo = _locked(work_order)
    if wo.status != S.SCHEDULED:
        raise Conflict(_("Only a scheduled visit is confirmed."), code="illegal_transition")
    wo.confirmed_at = timezone.now()
    _save(wo, actor, ["confirmed_at"])
    _event(wo, actor, "confirm")
    return wo


def dispatch_board(day: date) -> list[dict]:
    """The dispatcher's board: each technician's visits of the day, in time order."""
    start, end = _day_bounds(day)
    people = list(technicians())
    visits = (
        WorkOrder.objects.filter(
            technician__in=people, window_start__gte=start, window_start__lt=end
        )
        .exclude(status=S.CANCELLED)
        .select_related("customer", "product")
        .order_by("window_start")
    )
    absent = absent_on(day, people)
    by_person: dict[int, list] = {p.pk: [] for p in people}
    for wo in visits:
        by_person[wo.technician_id].append(wo)
    return [
        {
            "technician": p,
            "profile": p.technician_profile,
            "visits": by_person[p.pk],
            "free": max(0, p.technician_profile.visits_per_day - len(by_person[p.pk])),
            "absent": absent.get(p.pk),
        }
        for p in people
    ]


def unscheduled():
    """On-site work waiting for an appointment, the one due soonest first."""
    from ..selectors import TO_SCHEDULE_Q

    return (
        WorkOrder.objects.filter(TO_SCHEDULE_Q)
        .select_related("customer", "product")
        .order_by("onsite_due_at", "created_at")
    )
