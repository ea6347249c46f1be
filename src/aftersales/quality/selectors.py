"""Reads for quality work, above all traceability (QC-4, QC-5): from a batch to everyone who
received it, and back from a serial number (or, through registered sources, a case) to its
batch, packer and inspections."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from aftersales.catalog.models import Batch, EmergencyRelease, SerialNumber
from aftersales.core.selectors import clean_query
from aftersales.sales.models import ShipmentLine

from .models import (
    CorrectiveAction,
    Inspection,
    InspectionPlan,
    LiaisonForm,
    Nonconformance,
    Recall,
    ResponsibilityJudgement,
)

DELIVERIES_ON_PAGE = 50


# --- extension points for other apps (the after-sales cases) -------------------------------


@dataclass
class TraceSection:
    """Rows another app adds to a batch's trace page, e.g. the after-sales cases on it."""

    key: str
    title: str
    headers: list[str]
    rows: list[dict]  # {"cells": [...], "url": "…"}: the first cell links to url
    total: int


BatchSectionSource = Callable[[Batch, object], TraceSection | None]
TraceLookup = Callable[[str, object], list[dict]]
_BATCH_SECTIONS: list[BatchSectionSource] = []
_LOOKUPS: list[TraceLookup] = []


def register_batch_trace_section(source: BatchSectionSource) -> None:
    if source not in _BATCH_SECTIONS:
        _BATCH_SECTIONS.append(source)


def register_trace_lookup(lookup: TraceLookup) -> None:
    """``lookup(query, user)`` returns hits ``{"kind", "label", "batch_id", "url"}`` for the
    reverse trace, e.g. a case number leading to the batch of its product."""
    if lookup not in _LOOKUPS:
        _LOOKUPS.append(lookup)


# --- batches --------------------------------------------------------------------------------


def batch_get(batch_id: int) -> Batch | None:
    return (
        Batch.objects.select_related("product", "product__category", "product__manufacturer")
        .filter(pk=batch_id)
        .first()
    )


def batch_list(*, q: str = "", status: str = "") -> QuerySet[Batch]:
    batches = Batch.objects.select_related("product")
    q = clean_query(q)
    if q:
        batches = batches.filter(
            Q(batch_no__icontains=q) | Q(product__sku__icontains=q) | Q(packer_no=q)
        )
    if status:
        batches = batches.filter(quality_status=status)
    return batches


def batch_delivery_lines(batch_ids: Iterable[int]) -> QuerySet[ShipmentLine]:
    return ShipmentLine.objects.filter(batch_id__in=list(batch_ids))


def batch_deliveries(batch: Batch, *, limit: int | None = None, offset: int = 0) -> list[dict]:
    """Every delivery that carried the batch, newest first (a slice of them with ``limit``)."""
    # The (batch, -shipped_at, -id) index gives the page's slice of line ids without touching
    # the other lines; only those rows are then joined to their shipment, order and customer
    # (a deep page would otherwise join every line before it).
    ordered = ShipmentLine.objects.filter(batch=batch).order_by("-shipped_at", "-id")
    if limit is not None:
        ordered = ShipmentLine.objects.filter(
            id__in=list(ordered.values_list("id", flat=True)[offset : offset + limit])
        ).order_by("-shipped_at", "-id")
    rows = ordered.values(
        "id",
        "quantity",
        "accepted_quantity",
        "problem",
        "shipment_id",
        "shipped_at",
        "customer_id",
        shipment_number=F("shipment__number"),
        shipment_status=F("shipment__status"),
        order_id=F("shipment__order_id"),
        order_number=F("shipment__order__number"),
        customer_name=F("customer__name"),
        dealer_name=F("shipment__order__dealer__name"),
    )
    return list(rows)


def batch_delivery_summary(batch: Batch) -> dict:
    """How far the batch went: delivery lines, pieces, customers — one aggregate query."""
    return ShipmentLine.objects.filter(batch=batch).aggregate(
        lines=Count("id"),
        pieces=Sum("quantity"),
        customers=Count("customer", distinct=True),
        first=Min("shipped_at"),
        last=Max("shipped_at"),
    )


def batch_trace(batch: Batch, user, *, delivery_page: int = 1) -> dict:
    """Everything the quality department asks about a batch, for its trace page. Deliveries
    come a page at a time (a batch may have reached tens of thousands of customers)."""
    summary = batch_delivery_summary(batch)
    pages = max(1, -(-(summary["lines"] or 0) // DELIVERIES_ON_PAGE))
    delivery_page = min(max(1, delivery_page), pages)
    inspections = list(
        Inspection.objects.filter(batch=batch)
        .select_related("inspector", "plan")
        .prefetch_related("certificate")
        .order_by("-inspected_at", "-id")
    )
    for inspection in inspections:
        inspection.cert = getattr(inspection, "certificate", None)
    return {
        "batch": batch,
        "inspections": inspections,
        "releases": list(
            EmergencyRelease.objects.filter(batch=batch)
            .select_related("requested_by", "decided_by")
            .order_by("-created_at")
        ),
        "nonconformances": list(
            Nonconformance.objects.filter(batch=batch).order_by("-created_at")[:20]
        ),
        "summary": summary,
        "deliveries": batch_deliveries(
            batch, limit=DELIVERIES_ON_PAGE, offset=(delivery_page - 1) * DELIVERIES_ON_PAGE
        ),
        "delivery_page": delivery_page,
        "delivery_pages": pages,
        "serials": list(
            SerialNumber.objects.filter(batch=batch)
            .select_related("owner")
            .order_by("serial")[:DELIVERIES_ON_PAGE]
        ),
        "serial_count": SerialNumber.objects.filter(batch=batch).count(),
        "recalls": list(batch.recalls.order_by("-created_at")),
        "judgements": list(
            ResponsibilityJudgement.objects.filter(batch=batch)
            .select_related("judged_by", "subject_type")
            .order_by("-created_at")[:20]
        ),
        "sections": [s for s in (source(batch, user) for source in _BATCH_SECTIONS) if s],
    }


# --- the reverse trace ----------------------------------------------------------------------


def trace_lookup(query: str, user) -> list[dict]:
    """What a search box on the trace page finds: a serial number, a batch number, a delivery
    note, or whatever registered apps recognise (a case number)."""
    from django.urls import reverse

    query = clean_query(query)
    if not query:
        return []
    hits: list[dict] = []
    for serial in SerialNumber.objects.filter(serial__iexact=query).select_related(
        "batch", "product", "owner"
    ):
        hits.append(
            {
                "kind": "serial",
                "label": f"{serial.serial} · {serial.product}"
                + (f" · {serial.owner.name}" if serial.owner else ""),
                "batch_id": serial.batch_id,
                "url": reverse("quality:trace-serial", args=[serial.pk]),
            }
        )
    for batch in Batch.objects.filter(batch_no__iexact=query).select_related("product")[:20]:
        hits.append(
            {
                "kind": "batch",
                "label": f"{batch.batch_no} · {batch.product}",
                "batch_id": batch.pk,
                "url": reverse("quality:trace-batch", args=[batch.pk]),
            }
        )
    seen: set[int] = set()
    for line in (
        ShipmentLine.objects.filter(shipment__number__iexact=query)
        .select_related("batch", "batch__product", "shipment")
        .order_by("id")[:20]
    ):
        if line.batch_id in seen:  # two lines of one note from the same batch: one hit
            continue
        seen.add(line.batch_id)
        hits.append(
            {
                "kind": "delivery",
                "label": f"{line.shipment.number} · {line.batch.batch_no} · {line.batch.product}",
                "batch_id": line.batch_id,
                "url": reverse("quality:trace-batch", args=[line.batch_id]),
            }
        )
    for lookup in _LOOKUPS:
        hits.extend(lookup(query, user))
    return hits


def serial_trace(serial: SerialNumber) -> dict:
    """From one unit back to where it came from and where it went."""
    lines = list(
        ShipmentLine.objects.filter(serials=serial)
        .select_related("shipment", "shipment__order", "shipment__order__customer")
        .order_by("-shipment__shipped_at")
    )
    return {"serial": serial, "batch": serial.batch, "deliveries": lines}


# --- recall ---------------------------------------------------------------------------------


def recall_rows(batch_ids: Iterable[int]) -> QuerySet:
    """One row per customer who received any of the batches: contact details, pieces,
    deliveries, first and last delivery. Grouped in the database (a batch may have gone to
    tens of thousands of customers)."""
    prefix = "customer__"
    return (
        ShipmentLine.objects.filter(batch_id__in=list(batch_ids))
        .values(
            "customer_id",
            name=F(prefix + "name"),
            mobile=F(prefix + "mobile"),
            landline=F(prefix + "landline"),
            province=F(prefix + "province"),
            city=F(prefix + "city"),
            district=F(prefix + "district"),
            street=F(prefix + "street"),
            dealer=F(prefix + "dealer__name"),
        )
        .annotate(
            pieces=Sum("quantity"),
            deliveries=Count("shipment", distinct=True),
            first=Min("shipped_at"),
            last=Max("shipped_at"),
        )
        .order_by("customer_id")
    )


def recall_list() -> QuerySet[Recall]:
    return Recall.objects.annotate(
        customers=Count("tasks"),
        done=Count("tasks", filter=~Q(tasks__outcome="pending")),
    ).order_by("-created_at")


# --- lists ----------------------------------------------------------------------------------


def plan_list(*, kind: str = "", q: str = "") -> QuerySet[InspectionPlan]:
    plans = InspectionPlan.objects.select_related("product", "category").annotate(
        item_count=Count("items")
    )
    if kind:
        plans = plans.filter(kind=kind)
    q = clean_query(q)
    if q:
        plans = plans.filter(
            Q(name__icontains=q) | Q(product__sku__icontains=q) | Q(category__name__icontains=q)
        )
    return plans.order_by("kind", "name", "id")


def inspection_list(*, q: str = "", verdict: str = "", kind: str = "") -> QuerySet[Inspection]:
    inspections = Inspection.objects.select_related("batch", "batch__product", "inspector")
    q = clean_query(q)
    if q:
        inspections = inspections.filter(Q(number__icontains=q) | Q(batch__batch_no__icontains=q))
    if verdict:
        inspections = inspections.filter(verdict=verdict)
    if kind:
        inspections = inspections.filter(kind=kind)
    return inspections.order_by("-inspected_at", "-id")


def nonconformance_list(
    *, status: str = "", q: str = "", overdue: bool = False, owner=None
) -> QuerySet[Nonconformance]:
    today = timezone.localdate()
    overdue_actions = CorrectiveAction.objects.filter(
        nonconformance=OuterRef("pk"), done_at__isnull=True, due_on__lt=today
    )
    ncs = Nonconformance.objects.select_related("batch", "owner").annotate(
        overdue=Exists(overdue_actions),
        open_actions=Count("actions", filter=Q(actions__done_at__isnull=True)),
    )
    if status == "active":
        ncs = ncs.exclude(status=Nonconformance.Status.CLOSED)
    elif status:
        ncs = ncs.filter(status=status)
    q = clean_query(q)
    if q:
        ncs = ncs.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(batch__batch_no__icontains=q)
            | Q(source_ref__icontains=q)
        )
    if overdue:
        ncs = ncs.filter(overdue=True)
    if owner is not None:
        ncs = ncs.filter(owner=owner)
    return ncs.order_by("-created_at", "-id")


def my_open_actions(user) -> QuerySet[CorrectiveAction]:
    return (
        CorrectiveAction.objects.filter(owner=user, done_at__isnull=True)
        .select_related("nonconformance")
        .order_by("due_on")
    )


def liaison_list(*, user, box: str = "", status: str = "", department=None, q: str = ""):
    forms = LiaisonForm.objects.select_related("department", "originator", "customer")
    if box == "mine":
        forms = forms.filter(originator=user)
    elif box == "department":
        forms = forms.filter(department_id=user.department_id)
    if status == "active":
        forms = forms.exclude(status=LiaisonForm.Status.CLOSED)
    elif status:
        forms = forms.filter(status=status)
    if department:
        forms = forms.filter(department_id=department)
    q = clean_query(q)
    if q:
        forms = forms.filter(
            Q(number__icontains=q) | Q(content__icontains=q) | Q(customer__name__icontains=q)
        )
    return forms.order_by("-created_at", "-id")


def open_liaison_by_department() -> list[dict]:
    """The open forms per department, for the overview (QC-8), each with the department's
    name in the reader's language (``department_label``)."""
    from aftersales.accounts.seeded import DEPARTMENTS
    from aftersales.core.seeded import seeded_name

    rows = list(
        LiaisonForm.objects.exclude(status=LiaisonForm.Status.CLOSED)
        .values("department_id", "department__name", "department__code")
        .annotate(
            open=Count("id", filter=Q(status=LiaisonForm.Status.OPEN)),
            handled=Count("id", filter=Q(status=LiaisonForm.Status.HANDLED)),
        )
        .order_by("department__name")
    )
    for row in rows:
        seed = DEPARTMENTS.get(row["department__code"])
        row["department_label"] = seeded_name(row["department__name"] or "", seed)
    return rows


def release_list(*, status: str = "") -> QuerySet[EmergencyRelease]:
    releases = EmergencyRelease.objects.select_related(
        "batch", "batch__product", "requested_by", "decided_by"
    ).annotate(
        delivered=Sum("batch__shipment_lines__quantity"),
    )
    if status:
        releases = releases.filter(status=status)
    return releases.order_by("-created_at")
