"""Self-inspection (自查, FB-5): every month, for each active checklist, cases resolved in the
month before are picked at random and checked item by item; the failed items (and any other
finding) become corrective actions, with owners and due dates, of a nonconformance in the
quality department's register.

When: the daily task (``feedback.daily``) makes the month's inspections on the month's first
working day, or on its first run after that day (a missed day is caught up); once per
checklist and month (a constraint says so too).

The sample: ``FeedbackPolicy.self_inspection_sample_size`` cases (10 by the presets; 0 makes
none) of those resolved in the month before and now resolved, confirmed or closed. Only the
ids of that month's cases are read (an index on ``resolved_at``), and the draw is seeded by
the month and the checklist, so the same data draws the same sample. A month in which nothing
was resolved makes no inspection.

Who: the policy's self-inspector when set (and still allowed); otherwise the head of a
department who holds the customer-service role; otherwise the first person of the quality
department (by username); otherwise nobody, and whoever may run self-inspections takes it
by recording the first result.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.workdays import add_working_days

from ..models import (
    ChecklistItem,
    InspectionChecklist,
    SelfInspection,
    SelfInspectionCase,
    SelfInspectionResult,
)
from ..permissions import can_run_self_inspections, can_work_self_inspection
from .policy import active_policy
from .reports import first_working_day

R = SelfInspectionResult.Result
MAX_SAMPLE = 100
NOTE_MAX = 300
SAMPLED_STATUSES = ("resolved", "confirmed", "closed")


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def _next_month(first: date) -> date:
    return month_start(first + timedelta(days=32))


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_case_ids(cases_month: date) -> list[int]:
    """The ids of the cases resolved in ``cases_month`` that are still resolved (or confirmed,
    or closed), in id order: one month's ids, never the rows."""
    from aftersales.service.models import Case

    start = month_start(cases_month)
    ids = (
        Case.objects.filter(
            resolved_at__gte=_local_midnight(start),
            resolved_at__lt=_local_midnight(_next_month(start)),
            status__in=SAMPLED_STATUSES,
        )
        .order_by()  # no sort in the database: the ids are sorted here
        .values_list("pk", flat=True)
    )
    return sorted(ids)


def first_working_day_of(month: date) -> date:
    """The month's first working day (after New Year's or National Day holidays it can be the
    4th or the 8th)."""
    first = month_start(month)
    for offset in range(31):
        if first_working_day(first + timedelta(days=offset)):
            return first + timedelta(days=offset)
    return first


def draw_sample(ids: list[int], size: int, seed: str) -> list[int]:
    """``size`` ids picked at random, reproducibly for the same ``seed``."""
    return random.Random(seed).sample(ids, min(size, len(ids)))


def default_inspector(policy=None):
    """The self-inspector by the rule in the module's text, or None."""
    policy = policy or active_policy()
    chosen = policy.self_inspection_inspector if policy.self_inspection_inspector_id else None
    if chosen is not None and chosen.is_active and can_run_self_inspections(chosen):
        return chosen
    people = get_user_model().objects.filter(is_active=True)
    heads = (
        people.filter(groups__name=Role.CUSTOMER_SERVICE.value, headed_departments__active=True)
        .distinct()
        .order_by("username")
    )
    quality = people.filter(groups__name=Role.QUALITY.value).distinct().order_by("username")
    for candidates in (heads, quality):
        for person in candidates[:5]:
            if can_run_self_inspections(person):
                return person
    return None


def _make(
    *,
    actor,
    checklist: InspectionChecklist,
    month: date,
    cases_month: date,
    sample_size: int,
    inspector,
    scheduled: bool,
    seed: str | None = None,
) -> SelfInspection:
    number = document_number_next(kind="self_inspection")
    inspection = SelfInspection(
        number=number,
        checklist=checklist,
        month=month,
        cases_month=cases_month,
        scheduled=scheduled,
        sample_size=sample_size,
        inspector=inspector,
    )
    inspection._history_user = actor
    inspection.save()
    picked = draw_sample(month_case_ids(cases_month), sample_size, seed or number)
    SelfInspectionCase.objects.bulk_create(
        [
            SelfInspectionCase(inspection=inspection, case_id=pk, position=position)
            for position, pk in enumerate(picked)
        ]
    )
    return inspection


def _tell_inspector(inspection: SelfInspection, count: int) -> None:
    recipients = [inspection.inspector] if inspection.inspector_id else []
    if not recipients:
        recipients = [
            p
            for p in get_user_model()
            .objects.filter(groups__name=Role.QUALITY.value, is_active=True)
            .distinct()
            if can_run_self_inspections(p)
        ]
    notify(
        recipients=recipients,
        title=_("Self-inspection %(number)s: check %(n)s cases of %(month)s")
        % {"number": inspection.number, "n": count, "month": f"{inspection.cases_month:%Y-%m}"},
        link=inspection.get_absolute_url(),
    )


def monthly_self_inspections_due(today: date | None = None) -> list[SelfInspection]:
    """The daily task's check: from the month's first working day on, this month's inspection
    of each active checklist, when it is not there yet. Returns those made now."""
    today = today or timezone.localdate()
    first = month_start(today)
    policy = active_policy()
    if today < first_working_day_of(first) or policy.self_inspection_sample_size == 0:
        return []
    made, ids = [], None
    for checklist in InspectionChecklist.objects.filter(active=True).order_by("code"):
        if SelfInspection.objects.filter(checklist=checklist, month=first, scheduled=True).exists():
            continue
        if ids is None:
            ids = month_case_ids(previous_month(today))
        if not ids:
            break  # nothing was resolved last month: nothing to check
        try:
            with transaction.atomic():
                inspection = _make(
                    actor=None,
                    checklist=checklist,
                    month=first,
                    cases_month=previous_month(today),
                    sample_size=policy.self_inspection_sample_size,
                    inspector=default_inspector(policy),
                    scheduled=True,
                    seed=f"{first:%Y-%m}-{checklist.pk}",
                )
        except IntegrityError:  # another run made it a moment ago
            continue
        _tell_inspector(inspection, inspection.rows.count())
        made.append(inspection)
    return made


@transaction.atomic
def self_inspection_start(
    *,
    actor,
    checklist: InspectionChecklist | None,
    cases_month: date | None = None,
    sample_size: int | None = None,
    inspector=None,
) -> SelfInspection:
    """An inspection started by hand (beside the monthly one): the cases of ``cases_month``
    (the month before by default), as many as asked (the policy's number by default)."""
    if not can_run_self_inspections(actor):
        raise PermissionDenied(_("You may not run self-inspections."))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    if checklist is None or not checklist.active:
        errors["checklist"] = [_("Choose an active checklist.")]
    elif not checklist.items.filter(active=True).exists():
        errors["checklist"] = [_("This checklist has no questions.")]
    cases_month = month_start(cases_month) if cases_month else previous_month(today)
    if cases_month > month_start(today):
        errors["cases_month"] = [_("Choose this month or one before it.")]
    if sample_size is None:
        sample_size = active_policy().self_inspection_sample_size or 10
    if not 1 <= sample_size <= MAX_SAMPLE:
        errors["sample_size"] = [_("Between 1 and %(max)s cases.") % {"max": MAX_SAMPLE}]
    if inspector is None:
        inspector = actor
    elif not (inspector.is_active and can_run_self_inspections(inspector)):
        errors["inspector"] = [_("Choose someone who may run self-inspections.")]
    if errors:
        raise InvalidInput(fields=errors)
    inspection = _make(
        actor=actor,
        checklist=checklist,
        month=month_start(today),
        cases_month=cases_month,
        sample_size=sample_size,
        inspector=inspector,
        scheduled=False,
    )
    if not inspection.rows.exists():
        raise InvalidInput(
            fields={"cases_month": [_("No case was resolved in that month.")]},
        )
    if inspector.pk != actor.pk:
        _tell_inspector(inspection, inspection.rows.count())
    return inspection


# -- recording ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultInput:
    case: str  # the case's number
    item: int | None
    result: str
    note: str = ""


def _locked(inspection: SelfInspection, expected_version: int | None) -> SelfInspection:
    locked = SelfInspection.objects.select_for_update().get(pk=inspection.pk)
    if expected_version is not None and expected_version != locked.version:
        raise StaleVersion()
    return locked


def _workable(actor, inspection: SelfInspection) -> None:
    if inspection.status != SelfInspection.Status.OPEN:
        raise Conflict(_("This self-inspection is finished."), code="finished")
    if not can_work_self_inspection(actor, inspection):
        raise PermissionDenied(_("Only the inspector may record this self-inspection."))


def checklist_items(inspection: SelfInspection) -> list[ChecklistItem]:
    """The questions of the inspection: the checklist's active ones, and any other it has
    answers for (a question made inactive after it was answered)."""
    answered = SelfInspectionResult.objects.filter(row__inspection=inspection).values("item_id")
    return list(
        inspection.checklist.items.filter(active=True)
        | inspection.checklist.items.filter(pk__in=answered)
    )


@transaction.atomic
def self_inspection_record(
    *,
    actor,
    inspection: SelfInspection,
    results: list[ResultInput],
    expected_version: int | None = None,
) -> SelfInspection:
    """Record (or change) item results for sampled cases. Errors name the entry:
    ``results[2].result``."""
    inspection = _locked(inspection, expected_version)
    _workable(actor, inspection)
    rows = {r.case.number: r for r in inspection.rows.select_related("case")}
    items = {i.pk: i for i in checklist_items(inspection)}
    errors: dict[str, list[str]] = {}
    if not results:
        errors["results"] = [_("Record at least one result.")]
    for index, entry in enumerate(results):
        where = f"results[{index}]"
        if (entry.case or "").strip().upper() not in rows:
            errors[f"{where}.case"] = [_("This case is not in the sample.")]
        if entry.item not in items:
            errors[f"{where}.item"] = [_("This question is not on the checklist.")]
        if entry.result not in R.values:
            errors[f"{where}.result"] = [_("Choose pass, fail or not applicable.")]
        if len(entry.note or "") > NOTE_MAX:
            errors[f"{where}.note"] = [_("At most %(n)s characters.") % {"n": NOTE_MAX}]
    if errors:
        raise InvalidInput(fields=errors)
    now = timezone.now()
    for entry in results:
        SelfInspectionResult.objects.update_or_create(
            row=rows[entry.case.strip().upper()],
            item_id=entry.item,
            defaults={
                "result": entry.result,
                "note": (entry.note or "").strip(),
                "recorded_by": actor,
                "recorded_at": now,
            },
        )
    fields = ["version", "updated_at"]
    if inspection.inspector_id is None:
        inspection.inspector = actor
        fields.append("inspector")
    inspection.version += 1
    inspection._history_user = actor
    inspection._change_reason = _("results recorded")[:100]
    inspection.save(update_fields=fields)
    return inspection


# -- finishing: findings become corrective actions --------------------------------------------


@dataclass(frozen=True)
class FindingInput:
    """A corrective action for a failed item (``item``), or another finding (no item, with
    its ``text``). A failed item without one gets the defaults: the inspector (or whoever
    finishes), due after the policy's working days."""

    item: int | None = None
    text: str = ""
    owner: object = None  # a user
    owner_given: bool = False  # an owner was named (a name that matched nobody is an error)
    due_on: date | None = None


@dataclass
class Finding:
    item: ChecklistItem | None
    text: str
    owner: object
    due_on: date
    cases: list[str] = field(default_factory=list)


def failed_items(inspection: SelfInspection) -> list[tuple[ChecklistItem, list]]:
    """Each failed question with its failed results (case number and note), in order."""
    failed: dict[int, tuple[ChecklistItem, list]] = {}
    rows = (
        SelfInspectionResult.objects.filter(row__inspection=inspection, result=R.FAIL)
        .select_related("item", "row__case")
        .order_by("item__position", "item_id", "row__position")
    )
    for result in rows:
        failed.setdefault(result.item_id, (result.item, []))[1].append(result)
    return list(failed.values())


def missing_results(inspection: SelfInspection) -> int:
    items = len([i for i in checklist_items(inspection) if i.active])
    recorded = SelfInspectionResult.objects.filter(
        row__inspection=inspection, item__active=True
    ).count()
    return max(0, inspection.rows.count() * items - recorded)


def default_due(today: date | None = None) -> date:
    return add_working_days(
        today or timezone.localdate(), active_policy().self_inspection_action_days
    )


def _staff_owner(user) -> bool:
    from aftersales.quality.permissions import is_staff_member

    return user is not None and user.is_active and is_staff_member(user)


@transaction.atomic
def self_inspection_finish(
    *,
    actor,
    inspection: SelfInspection,
    findings: list[FindingInput] | None = None,
    summary: str = "",
    expected_version: int | None = None,
) -> SelfInspection:
    """Close the inspection. Every result must be recorded. Each failed question (with the
    cases it failed on) and each other finding becomes a corrective action with an owner and a
    due date, of one nonconformance (source ``self_inspection``) raised for the inspection."""
    from aftersales.quality.models import Nonconformance
    from aftersales.quality.services.nonconformances import (
        corrective_action_add,
        nonconformance_open,
    )

    inspection = _locked(inspection, expected_version)
    _workable(actor, inspection)
    today = timezone.localdate()
    findings = list(findings or [])
    failed = failed_items(inspection)
    failed_ids = {item.pk for item, _results in failed}
    errors: dict[str, list[str]] = {}
    missing = missing_results(inspection)
    if missing:
        errors["results"] = [
            _("%(n)s checks are not recorded yet: record every case and question first.")
            % {"n": missing}
        ]
    if len(summary or "") > 5000:
        errors["summary"] = [_("At most %(n)s characters.") % {"n": 5000}]
    explicit: dict[int, FindingInput] = {}
    for index, finding in enumerate(findings):
        where = f"findings[{index}]"
        if finding.item is not None:
            if finding.item not in failed_ids:
                errors[f"{where}.item"] = [_("This question did not fail.")]
            elif finding.item in explicit:
                errors[f"{where}.item"] = [_("This question has its finding already.")]
            else:
                explicit[finding.item] = finding
        elif not (finding.text or "").strip():
            errors[f"{where}.text"] = [_("Say what was found and what is to be done.")]
        if len((finding.text or "").strip()) > 300:
            errors[f"{where}.text"] = [_("At most %(n)s characters.") % {"n": 300}]
        if finding.owner_given and not _staff_owner(finding.owner):
            errors[f"{where}.owner"] = [_("Choose an active member of staff as the owner.")]
        elif finding.item is None and finding.owner is None:
            errors[f"{where}.owner"] = [_("Choose the owner.")]
        if finding.due_on is not None and finding.due_on < today:
            errors[f"{where}.due_on"] = [_("The due date is in the past.")]
        elif finding.item is None and finding.due_on is None:
            errors[f"{where}.due_on"] = [_("Give a due date.")]
    if errors:
        raise InvalidInput(fields=errors)

    inspector = inspection.inspector if _staff_owner(inspection.inspector) else actor
    due = default_due(today)
    planned: list[Finding] = []
    for item, results in failed:
        given = explicit.get(item.pk, FindingInput(item=item.pk))
        cases = [r.row.case.number for r in results]
        notes = "; ".join(f"{r.row.case.number} {r.note}" for r in results if r.note)
        text = (given.text or "").strip() or (
            f"{item.text}: {', '.join(cases)}" + (f" ({notes})" if notes else "")
        )
        planned.append(
            Finding(item, text[:300], given.owner or inspector, given.due_on or due, cases)
        )
    for finding in findings:
        if finding.item is None:
            planned.append(Finding(None, finding.text.strip(), finding.owner, finding.due_on))

    if planned:
        lines = [
            f"- {f.item.text if f.item else _('Other finding')}: "
            + (", ".join(f.cases) if f.cases else f.text)
            for f in planned
        ]
        nc = nonconformance_open(
            actor=actor,
            source=Nonconformance.Source.SELF_INSPECTION,
            source_ref=inspection.number,
            title=_("Self-inspection %(number)s: %(n)s findings")
            % {"number": inspection.number, "n": len(planned)},
            description=_("Self-inspection %(number)s of the cases of %(month)s (%(checklist)s):")
            % {
                "number": inspection.number,
                "month": f"{inspection.cases_month:%Y-%m}",
                "checklist": inspection.checklist.name,
            }
            + "\n"
            + "\n".join(lines)
            + (f"\n\n{summary.strip()}" if (summary or "").strip() else ""),
            severity=Nonconformance.Severity.MINOR,
            owner=inspector,
            system=True,
        )
        for finding in planned:
            corrective_action_add(
                actor=actor,
                nc=nc,
                description=finding.text,
                owner=finding.owner,
                due_on=finding.due_on,
                system=True,
            )
        nc.refresh_from_db()  # the actions put it under way
        inspection.nonconformance = nc
    inspection.status = SelfInspection.Status.DONE
    inspection.summary = (summary or "").strip()
    inspection.finished_at, inspection.finished_by = timezone.now(), actor
    inspection.version += 1
    inspection._history_user = actor
    inspection.save(
        update_fields=[
            "status",
            "summary",
            "finished_at",
            "finished_by",
            "nonconformance",
            "version",
            "updated_at",
        ]
    )
    return inspection
