"""Inspection plans and inspections (QC-1, QC-2, QC-6): the verdict, and what it does to
the batch — a finished-goods pass releases it and issues the certificate of conformity, a
failure blocks it and opens a nonconformance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.catalog.models import Batch, Category
from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.notifications import notify
from aftersales.core.numbering import document_number_next
from aftersales.core.services import full_clean_or_invalid

from ..models import (
    Certificate,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionPlan,
    InspectionResult,
    Nonconformance,
)
from ..permissions import can_inspect, can_manage_quality
from .common import role_users

# Which kinds move the batch's quality status. A pass of these releases the batch; a failure
# of these blocks it. Sample and returned-goods inspections are records about goods already
# out; their failure opens a nonconformance but leaves the batch to the quality department.
RELEASING_KINDS = {InspectionKind.FINISHED, InspectionKind.INCOMING}
BLOCKING_KINDS = {InspectionKind.FINISHED, InspectionKind.INCOMING, InspectionKind.IN_PROCESS}


@dataclass(frozen=True)
class ItemInput:
    item_id: int
    passed: bool | None = None
    measured_value: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class ItemOutcome:
    item: InspectionItem
    passed: bool
    measured_value: Decimal | None
    note: str


# --- plans -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    name: str
    aspect: str
    result_type: str = InspectionItem.ResultType.PASS_FAIL
    unit: str = ""
    lower_limit: Decimal | None = None
    upper_limit: Decimal | None = None
    critical: bool = False
    method: str = ""


@transaction.atomic
def plan_create(*, actor, data: dict, items: list[ItemSpec]) -> InspectionPlan:
    """A plan with its check items, written whole or not at all."""
    if not can_manage_quality(actor):
        raise PermissionDenied(_("Only the quality department maintains inspection plans."))
    plan = InspectionPlan(
        **{
            k: v
            for k, v in data.items()
            if k
            in {
                "name",
                "kind",
                "product",
                "category",
                "sample_size",
                "minor_failures_allowed",
                "standard",
            }
        }
    )
    errors: dict[str, list[str]] = {}
    if not plan.product_id and not plan.category_id:
        errors["product"] = [_("Choose the product or the category the plan applies to.")]
    if not items:
        errors["items"] = [_("A plan needs at least one check item.")]
    for index, spec in enumerate(items):
        key = f"items[{index}]"
        if not spec.name.strip():
            errors[f"{key}.name"] = [_("Name the check item.")]
        if spec.aspect not in InspectionItem.Aspect.values:
            errors[f"{key}.aspect"] = [_("Choose an aspect from the list.")]
        if spec.result_type not in InspectionItem.ResultType.values:
            errors[f"{key}.result_type"] = [_("Choose pass/fail or a measured value.")]
        if spec.result_type == InspectionItem.ResultType.MEASURED:
            if spec.lower_limit is None and spec.upper_limit is None:
                errors[f"{key}.lower_limit"] = [_("A measured item needs a lower or upper limit.")]
            elif (
                spec.lower_limit is not None
                and spec.upper_limit is not None
                and spec.lower_limit > spec.upper_limit
            ):
                errors[f"{key}.upper_limit"] = [_("The upper limit is below the lower limit.")]
    if errors:
        raise InvalidInput(fields=errors)
    full_clean_or_invalid(plan)
    plan._history_user = actor
    plan.save()
    for position, spec in enumerate(items, start=1):
        item = InspectionItem(plan=plan, position=position, **spec.__dict__)
        item.name = item.name.strip()
        if item.result_type == InspectionItem.ResultType.PASS_FAIL:
            item.lower_limit = item.upper_limit = None
        item._history_user = actor
        item.save()
    return plan


def plan_applies_to(plan: InspectionPlan, batch: Batch) -> bool:
    if plan.product_id:
        return plan.product_id == batch.product_id
    return plan.category_id in {c.pk for c in batch.product.category.path()}


def plans_for_batch(batch: Batch, *, kind: str | None = None) -> list[InspectionPlan]:
    """Active plans that apply to the batch: the product's own first, then the nearest
    category's, each kind once."""
    path: list[Category] = batch.product.category.path()
    depth = {c.pk: i for i, c in enumerate(path)}
    plans = InspectionPlan.objects.filter(active=True).filter(
        **({"kind": kind} if kind else {})
    ).filter(product=batch.product) | InspectionPlan.objects.filter(
        active=True, category__in=path, **({"kind": kind} if kind else {})
    )

    def rank(p: InspectionPlan):
        return (0, 0) if p.product_id else (1, -depth.get(p.category_id, 0))

    return sorted(plans.select_related("product", "category"), key=rank)


# --- recording ---------------------------------------------------------------------------


def item_outcome(item: InspectionItem, given: ItemInput, key: str, errors: dict) -> ItemOutcome:
    """One item's finding: a measured value is judged against the limits; a pass/fail item
    takes the inspector's word."""
    if item.result_type == InspectionItem.ResultType.MEASURED:
        value = given.measured_value
        if value is None:
            errors[f"{key}.measured_value"] = [
                _("Enter the measured value of %(item)s.") % {"item": item.name}
            ]
            return ItemOutcome(item, False, None, given.note)
        passed = (item.lower_limit is None or value >= item.lower_limit) and (
            item.upper_limit is None or value <= item.upper_limit
        )
        return ItemOutcome(item, passed, value, given.note)
    if given.passed is None:
        errors[f"{key}.passed"] = [_("Say whether %(item)s passed.") % {"item": item.name}]
        return ItemOutcome(item, False, None, given.note)
    return ItemOutcome(item, bool(given.passed), None, given.note)


def verdict_of(plan: InspectionPlan, outcomes: list[ItemOutcome]) -> str:
    """A failed critical item fails the inspection; so do more non-critical failures than the
    plan allows. Fewer pass it with remarks (QC-1)."""
    failed = [o for o in outcomes if not o.passed]
    if any(o.item.critical for o in failed):
        return Inspection.Verdict.FAILED
    if len(failed) > plan.minor_failures_allowed:
        return Inspection.Verdict.FAILED
    if failed:
        return Inspection.Verdict.PASSED_WITH_REMARKS
    return Inspection.Verdict.PASSED


@transaction.atomic
def inspection_record(
    *,
    actor,
    batch: Batch,
    plan: InspectionPlan,
    results: list[ItemInput],
    kind: str | None = None,
    party: str = Inspection.Party.COMPANY,
    party_name: str = "",
    inspected_at: datetime | None = None,
    sample_size: int | None = None,
    note: str = "",
    report=None,
) -> Inspection:
    """Record an inspection with a finding for every item of the plan, work out the verdict
    and apply it to the batch."""
    if not can_inspect(actor):
        raise PermissionDenied(_("Only quality inspection records inspections."))
    kind = kind or plan.kind
    errors: dict[str, list[str]] = {}
    if kind not in InspectionKind.values:
        errors["kind"] = [_("Choose an inspection kind from the list.")]
    elif kind != plan.kind and kind in RELEASING_KINDS:
        # A pass of these releases the batch (and certifies finished goods): only against a
        # plan made for that kind, never e.g. an in-process plan recorded as finished goods.
        # Samples and returned goods may follow any plan of the product.
        errors["kind"] = [
            _("This plan is for %(plan_kind)s inspections; %(kind)s needs a plan of its own.")
            % {"kind": InspectionKind(kind).label, "plan_kind": plan.get_kind_display()}
        ]
    if not plan.active:
        errors["plan"] = [_("This inspection plan is no longer in use.")]
    elif not plan_applies_to(plan, batch):
        errors["plan"] = [_("This plan is for another product.")]
    if party not in Inspection.Party.values:
        errors["party"] = [_("Choose who inspected from the list.")]
    elif party != Inspection.Party.COMPANY and not party_name.strip():
        errors["party_name"] = [_("Name the buyer or agency that inspected.")]
    now = timezone.now()
    inspected_at = inspected_at or now
    if inspected_at > now + timedelta(minutes=5):
        errors["inspected_at"] = [_("The inspection time is in the future.")]
    items = {i.pk: i for i in plan.items.all()}
    outcomes: list[ItemOutcome] = []
    seen: set[int] = set()
    for index, given in enumerate(results):
        key = f"results[{index}]"
        item = items.get(given.item_id)
        if item is None:
            errors[f"{key}.item"] = [_("This check item is not part of the plan.")]
            continue
        if item.pk in seen:
            errors[f"{key}.item"] = [_("%(item)s is listed twice.") % {"item": item.name}]
            continue
        seen.add(item.pk)
        outcomes.append(item_outcome(item, given, key, errors))
    missing = [i.name for pk, i in items.items() if pk not in seen]
    if missing and "plan" not in errors:
        errors["results"] = [
            _("Every check item needs a result; missing: %(items)s.")
            % {"items": "、".join(missing)}
        ]
    if sample_size is not None and sample_size < 1:
        errors["sample_size"] = [_("The sample size is at least 1.")]
    if errors:
        raise InvalidInput(fields=errors)

    locked = Batch.objects.select_for_update().select_related("product").get(pk=batch.pk)
    if (
        locked.quality_status == Batch.QualityStatus.FAILED
        and kind in RELEASING_KINDS
        and not can_manage_quality(actor)
    ):
        # A passing re-inspection would put a blocked batch back on the shelf: after rework
        # that is the quality department's call, not any inspector's (QC-2).
        raise PermissionDenied(
            _(
                "Batch %(batch)s failed inspection; after rework the quality department "
                "records the re-inspection."
            )
            % {"batch": locked.batch_no}
        )
    inspection = Inspection(
        number=document_number_next(kind="inspection"),
        kind=kind,
        batch=locked,
        plan=plan,
        inspector=actor,
        party=party,
        party_name=party_name.strip(),
        inspected_at=inspected_at,
        sample_size=sample_size or plan.sample_size,
        verdict=verdict_of(plan, outcomes),
        note=note.strip(),
    )
    if report:
        inspection.report = report
    full_clean_or_invalid(inspection, exclude=["report"])
    inspection._history_user = actor
    inspection.save()
    InspectionResult.objects.bulk_create(
        InspectionResult(
            inspection=inspection,
            item=o.item,
            passed=o.passed,
            measured_value=o.measured_value,
            note=o.note[:200],
        )
        for o in outcomes
    )
    _apply_to_batch(inspection, locked, actor)
    return inspection


def _apply_to_batch(inspection: Inspection, batch: Batch, actor) -> None:
    status = Batch.QualityStatus
    was = batch.quality_status
    if inspection.failed:
        if inspection.kind in BLOCKING_KINDS and was != status.FAILED:
            _set_status(batch, status.FAILED, actor, inspection.number)
        _open_nonconformance_for(
            inspection, actor, was_released=was == status.RELEASED_BY_EXCEPTION
        )
        return
    if inspection.kind in RELEASING_KINDS and was != status.PASSED:
        _set_status(batch, status.PASSED, actor, inspection.number)
    if inspection.kind == InspectionKind.FINISHED:
        Certificate.objects.create(
            number=document_number_next(kind="certificate"),
            inspection=inspection,
            batch=batch,
            issued_at=inspection.inspected_at,
            issued_by=actor,
        )


def _set_status(batch: Batch, value: str, actor, reason: str) -> None:
    batch.quality_status = value
    batch._history_user = actor
    batch._change_reason = reason
    batch.save(update_fields=["quality_status", "updated_at"])
    _settle_open_release_requests(batch, reason, actor)


def _settle_open_release_requests(batch: Batch, inspection_number: str, actor) -> None:
    """The inspection answered the question an open emergency-release request asked: the
    request is closed on the register (no vice-president decided it) and the requester told."""
    from aftersales.catalog.models import EmergencyRelease

    for release in EmergencyRelease.objects.select_for_update().filter(
        batch=batch, status=EmergencyRelease.Status.REQUESTED
    ):
        release.status = EmergencyRelease.Status.SUPERSEDED
        release.decided_at = timezone.now()
        release._history_user = actor
        release.decision_note = _("Inspected before a decision (%(number)s): %(status)s") % {
            "number": inspection_number,
            "status": batch.get_quality_status_display(),
        }
        release.save(update_fields=["status", "decided_at", "decision_note", "updated_at"])
        if release.requested_by:
            notify(
                recipients=[release.requested_by],
                title=_("Batch %(batch)s was inspected: %(status)s")
                % {"batch": batch.batch_no, "status": batch.get_quality_status_display()},
                body=release.decision_note,
                link=reverse("quality:trace-batch", args=[batch.pk]),
            )


def _open_nonconformance_for(inspection: Inspection, actor, *, was_released: bool) -> None:
    from .nonconformances import nonconformance_open

    failed = [r for r in inspection.results.select_related("item") if not r.passed]
    lines = [
        f"- {r.item.name}"
        + (
            f" = {r.measured_value.normalize():f} ({r.item.limits_text()})"
            if r.measured_value is not None
            else ""
        )
        + (f"：{r.note}" if r.note else "")
        for r in failed
    ]
    description = _("Inspection %(number)s failed on:") % {"number": inspection.number}
    description += "\n" + "\n".join(lines)
    source = Nonconformance.Source.INSPECTION
    if was_released and inspection.kind in BLOCKING_KINDS:
        source = Nonconformance.Source.EMERGENCY_RELEASE
        deliveries, total = _deliveries_text(inspection.batch)
        description += "\n\n" + _(
            "This batch had been released by exception. Deliveries that carried it:"
        )
        description += "\n" + (deliveries or _("none yet"))
    nc = nonconformance_open(
        actor=actor,
        source=source,
        title=_("Batch %(batch)s failed %(kind)s inspection")
        % {"batch": inspection.batch.batch_no, "kind": inspection.get_kind_display()},
        description=description,
        severity=Nonconformance.Severity.CRITICAL
        if any(r.item.critical for r in failed)
        else Nonconformance.Severity.MAJOR,
        batch=inspection.batch,
        inspection=inspection,
        source_ref=inspection.number,
        system=True,
    )
    if source == Nonconformance.Source.EMERGENCY_RELEASE:
        _alert_released_batch_failed(inspection, nc, deliveries, total)


ALERT_DELIVERIES = 50  # named one by one; the recall list has them all


def _deliveries_text(batch: Batch) -> tuple[str, int]:
    """The deliveries that carried the batch, newest first, and how many there are."""
    from ..selectors import batch_deliveries, batch_delivery_summary

    rows = batch_deliveries(batch, limit=ALERT_DELIVERIES)
    total = batch_delivery_summary(batch)["lines"]
    lines = [
        f"- {d['shipment_number']} {d['customer_name']} × {d['quantity']} "
        f"({timezone.localtime(d['shipped_at']):%Y-%m-%d})"
        for d in rows
    ]
    if total > len(rows):
        lines.append(_("… and %(n)s more: see the recall list.") % {"n": total - len(rows)})
    return "\n".join(lines), total


def _alert_released_batch_failed(
    inspection: Inspection, nc: Nonconformance, text: str, total: int
) -> None:
    """QC-3: an emergency-released batch failed after all. Everyone who let it out, and
    everyone who must now call customers back, hears at once, with each delivery named."""
    from aftersales.catalog.models import EmergencyRelease

    people = {
        *role_users(Role.SALES_VP),
        *role_users(Role.QUALITY),
        *role_users(Role.LOGISTICS),
        *role_users(Role.CUSTOMER_SERVICE),
    }
    people |= {
        r.requested_by
        for r in inspection.batch.emergency_releases.filter(
            status=EmergencyRelease.Status.APPROVED
        ).select_related("requested_by")
        if r.requested_by
    }
    notify(
        recipients=people,
        title=_("Emergency-released batch %(batch)s failed inspection: %(n)s deliveries")
        % {"batch": inspection.batch.batch_no, "n": total},
        body=text or _("No delivery has carried it yet."),
        link=reverse("quality:trace-batch", args=[inspection.batch_id]),
        level="danger",
    )
