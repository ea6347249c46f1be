"""The cockpit's summary tables: what each record contributes, and how the table follows.

Every source (cases, SLA clocks, visits, 三包 applications, orders, shipments, inspections,
surveys) says what one record adds to ``Fact``: rows of (measure, day, department, product,
category, dealer, region, key) with a count, an amount and a total of hours. ``apply`` takes
a batch of records, compares what they add now with what the ledger says they added before,
and moves only the difference into ``Fact`` (one upsert per changed row). ``refresh`` does
that for the records changed since its last run (Celery, every few minutes); ``rebuild``
empties the tables and feeds every record through the same ``apply``, so the two must agree.

The dashboards read only ``Fact`` (a few thousand rows a month), never the records.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .models import Fact, FactLedger, ManagementPolicy, SummaryState

BATCH = 2000
# A record written in a transaction that commits a little after a later one would be missed
# by a strict "changed since"; the refresh reads this far back (re-reading is harmless).
OVERLAP = timedelta(minutes=10)

OPEN_CASE = ("new", "accepted", "verifying", "in_progress")
REPAIR_KINDS = ("onsite_repair", "mail_in")
ON_SITE_KINDS = ("onsite_repair", "installation", "maintenance", "inspection")
COUNTED_ORDER = Q(status__in=("draft", "cancelled", "rejected"))  # excluded

ZERO = Decimal("0")
HOURS = Decimal("0.0001")


# --- working hours and their buckets ----------------------------------------------------------


def active_policy() -> ManagementPolicy:
    policy = ManagementPolicy.objects.filter(active=True).order_by("-id").first()
    return policy or ManagementPolicy(name="default")


class Clock:
    """Working hours between two moments, by the company calendar and the policy's hours;
    outside the calendar's years, clock hours."""

    def __init__(self, policy: ManagementPolicy):
        from aftersales.workdays import BusinessHours, current_calendar

        self.calendar = current_calendar()
        self.business = BusinessHours(policy.business_opens, policy.business_closes)

    def hours(self, start: datetime, end: datetime) -> Decimal:
        try:
            spent = self.calendar.working_time_between(start, end, self.business)
        except ValueError:
            spent = max(end - start, timedelta(0))
        return Decimal(spent.total_seconds() / 3600).quantize(HOURS)


def bucket(hours: Decimal | float) -> str:
    """The upper edge of the duration's bucket: quarter hours up to a working day (8 h), whole
    hours up to 72 h, working days (8 h) up to 480 h, then 40 h. Medians and 90th
    percentiles are read to the bucket's upper edge (``quantile``)."""
    h = float(hours)
    if h <= 0:
        return "0"
    for limit, step in ((8, 0.25), (72, 1), (480, 8)):
        if h <= limit:
            return f"{math.ceil(h / step - 1e-9) * step:g}"
    return f"{math.ceil(h / 40 - 1e-9) * 40:g}"


def quantile(buckets: dict[str, int], q: float) -> float | None:
    """The nearest-rank quantile of durations kept as bucket counts: the upper edge of the
    bucket that holds the ceil(q·n)-th smallest value."""
    n = sum(buckets.values())
    if not n:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for edge in sorted(buckets, key=float):
        seen += buckets[edge]
        if seen >= rank:
            return float(edge)
    return None


# --- rows -------------------------------------------------------------------------------------


@dataclass
class Dims:
    department: int = 0
    product: int = 0
    category: int = 0
    dealer: int = 0
    region: str = ""


def _day(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return timezone.localdate(moment).isoformat()
    return moment.isoformat()


def row(measure: str, moment, dims: Dims, key: str = "", count=1, amount=ZERO, total=ZERO):
    return [
        measure,
        _day(moment),
        dims.department or 0,
        dims.product or 0,
        dims.category or 0,
        dims.dealer or 0,
        (dims.region or "")[:40],
        str(key)[:80],
        int(count),
        str(Decimal(amount or 0).quantize(Decimal("0.01"))),
        str(Decimal(total or 0).quantize(HOURS)),
    ]


@dataclass
class Context:
    policy: ManagementPolicy
    clock: Clock
    memo: dict = field(default_factory=dict)


@dataclass
class Source:
    name: str
    model: str  # app_label.Model
    queryset: Callable  # () -> QuerySet of the records, with what ``rows`` needs joined
    changed: str  # the field that moves when the record changes
    rows: Callable  # (records, ctx) -> {record id: [row, ...]}


def _product_dims(product) -> tuple[int, int]:
    if product is None:
        return 0, 0
    return product.pk, product.category_id or 0


def _case_dims(case) -> Dims:
    product, category = _product_dims(case.product)
    return Dims(case.department_id or 0, product, category, case.dealer_id or 0, case.region)


# cases --------------------------------------------------------------------------------------


def _cases():
    from aftersales.service.models import Case

    return Case.objects.select_related("product").only(
        "id",
        "created_at",
        "channel",
        "kind",
        "status",
        "department_id",
        "dealer_id",
        "region",
        "product__id",
        "product__category_id",
        "batch_id",
        "customer_id",
        "assignee_id",
        "is_complaint",
        "resolved_at",
    )


def _repeat_visits(cases, ctx: Context) -> dict[tuple[int, int], list[datetime]]:
    """The fixed repair visits of the batch's repair customers and products."""
    from aftersales.repairs.models import WorkOrder

    pairs = {
        (c.customer_id, c.product_id)
        for c in cases
        if c.kind == "repair" and c.customer_id and c.product_id
    }
    fixed: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    if not pairs:
        return fixed
    visits = (
        WorkOrder.objects.filter(
            customer_id__in={p[0] for p in pairs},
            product_id__in={p[1] for p in pairs},
            kind__in=REPAIR_KINDS,
            result="fixed",
            completed_at__isnull=False,
            technician__isnull=False,
        )
        .exclude(status="cancelled")
        .values_list("customer_id", "product_id", "completed_at")
    )
    for customer, product, done in visits:
        if (customer, product) in pairs:
            fixed[(customer, product)].append(done)
    return fixed


def _case_rows(cases, ctx: Context) -> dict[int, list]:
    window = timedelta(days=ctx.policy.repeat_repair_days)
    fixed = _repeat_visits(cases, ctx)
    out = {}
    for c in cases:
        d = _case_dims(c)
        rows = [row("case.intake", c.created_at, d, f"{c.channel}|{c.kind}")]
        if c.status in OPEN_CASE:
            rows.append(row("case.backlog", c.created_at, d, c.status))
        if c.resolved_at:
            h = ctx.clock.hours(c.created_at, c.resolved_at)
            rows.append(row("case.resolved", c.resolved_at, d, bucket(h), total=h))
            rows.append(row("case.handled", c.resolved_at, d, c.assignee_id or 0))
        if c.is_complaint:
            rows.append(row("case.complaint", c.created_at, d, c.batch_id or 0))
        if c.kind == "repair":
            done = fixed.get((c.customer_id, c.product_id), [])
            repeat = any(c.created_at - window <= t < c.created_at for t in done)
            rows.append(row("case.repair", c.created_at, d, "repeat" if repeat else "first"))
        out[c.pk] = rows
    return out


# SLA clocks -----------------------------------------------------------------------------------


def _clocks():
    from aftersales.service.models import Case
    from aftersales.sla.models import SlaClock

    return SlaClock.objects.filter(owner_type=ContentType.objects.get_for_model(Case)).only(
        "id", "owner_id", "metric", "status", "started_at", "stopped_at"
    )


def _clock_rows(clocks, ctx: Context) -> dict[int, list]:
    cases = {c.pk: c for c in _cases().filter(pk__in={k.owner_id for k in clocks})}
    out = {}
    for k in clocks:
        case = cases.get(k.owner_id)
        if case is None or k.stopped_at is None or k.status not in ("met", "breached"):
            out[k.pk] = []
            continue
        d = _case_dims(case)
        met = "met" if k.status == "met" else "missed"
        rows = [row("sla.clock", k.stopped_at, d, f"{k.metric}|{met}")]
        if k.metric == "first_response":
            h = ctx.clock.hours(k.started_at, k.stopped_at)
            rows.append(row("case.first_response", k.stopped_at, d, bucket(h), total=h))
        out[k.pk] = rows
    return out


# visits ----------------------------------------------------------------------------------------


def _work_orders():
    from aftersales.repairs.models import WorkOrder

    return WorkOrder.objects.select_related("product", "case").only(
        "id",
        "kind",
        "status",
        "result",
        "created_at",
        "completed_at",
        "technician_id",
        "in_warranty",
        "region",
        "product__id",
        "product__category_id",
        "case__id",
        "case__department_id",
        "case__dealer_id",
    )


def _work_order_rows(orders, ctx: Context) -> dict[int, list]:
    from aftersales.repairs.models import ChargeLine, WorkOrder

    earliest: dict[int, tuple] = {}
    case_ids = {w.case_id for w in orders if w.case_id}
    for case_id, created, pk in (
        WorkOrder.objects.filter(case_id__in=case_ids, kind__in=REPAIR_KINDS)
        .exclude(status="cancelled")
        .values_list("case_id", "created_at", "id")
    ):
        if case_id not in earliest or (created, pk) < earliest[case_id]:
            earliest[case_id] = (created, pk)
    free = defaultdict(Decimal)
    for wo, amount in ChargeLine.objects.filter(
        work_order__in=[w.pk for w in orders if w.in_warranty], free=True
    ).values_list("work_order_id", "amount"):
        free[wo] += amount or ZERO
    out = {}
    for w in orders:
        rows = []
        done = w.completed_at and w.status != "cancelled" and w.technician_id
        if done:
            product, category = _product_dims(w.product)
            case = w.case
            d = Dims(
                case.department_id if case else 0,
                product,
                category,
                case.dealer_id if case else 0,
                w.region,
            )
            first = w.case_id and earliest.get(w.case_id, (None, None))[1] == w.pk
            if w.kind in REPAIR_KINDS and w.result and first:
                key = "fixed" if w.result == "fixed" else "not_fixed"
                rows.append(row("visit.first", w.completed_at, d, key))
            if w.kind in ON_SITE_KINDS:
                rows.append(row("visit.done", w.completed_at, d, w.technician_id))
            if w.in_warranty and free.get(w.pk):
                rows.append(row("sanbao.repair_cost", w.completed_at, d, amount=free[w.pk]))
        out[w.pk] = rows
    return out


# 三包 applications -------------------------------------------------------------------------------


def _applications():
    from aftersales.warranty.models import Application

    return Application.objects.select_related("product", "case").only(
        "id",
        "status",
        "remedy",
        "outcome_at",
        "reviewed_at",
        "evaluated_at",
        "created_at",
        "refund_total",
        "price",
        "product__id",
        "product__category_id",
        "case__id",
        "case__department_id",
        "case__dealer_id",
        "case__region",
    )


def application_cost(a) -> Decimal:
    """What a 三包 outcome cost: the refund paid for a return, the replaced unit's price for an
    exchange (a repair's cost is its free charge lines, counted with the visit)."""
    if a.remedy == "return":
        return a.refund_total or ZERO
    if a.remedy == "exchange":
        return a.price or ZERO
    return ZERO


def _application_rows(apps, ctx: Context) -> dict[int, list]:
    out = {}
    for a in apps:
        product, category = _product_dims(a.product)
        case = a.case
        d = Dims(
            case.department_id if case else 0,
            product,
            category,
            case.dealer_id if case else 0,
            case.region if case else "",
        )
        rows = []
        if a.outcome_at and a.remedy and a.status != "cancelled":
            rows.append(
                row("sanbao.outcome", a.outcome_at, d, a.remedy, amount=application_cost(a))
            )
        if a.status == "rejected":
            rows.append(row("sanbao.refused", a.reviewed_at or a.evaluated_at or a.created_at, d))
        out[a.pk] = rows
    return out


# orders ------------------------------------------------------------------------------------------


def order_day(order) -> date:
    return order.signed_on or timezone.localdate(order.created_at)


def _orders():
    from aftersales.sales.models import Order

    return Order.objects.select_related("customer").prefetch_related("lines__product")


def _order_rows(orders, ctx: Context) -> dict[int, list]:
    out = {}
    for o in orders:
        rows = []
        region = o.customer.province if o.customer_id else ""
        base = Dims(dealer=o.dealer_id or 0, region=region)
        if o.status not in ("draft", "cancelled", "rejected"):
            day = order_day(o)
            rows.append(row("sales.order", day, base, o.customer_id, amount=o.total))
            for line in o.lines.all():
                product, category = _product_dims(line.product)
                d = Dims(0, product, category, base.dealer, region)
                rows.append(row("sales.line", day, d, count=line.quantity, amount=line.amount))
        if o.needs_approval and o.submitted_at and o.decided_at:
            h = ctx.clock.hours(o.submitted_at, o.decided_at)
            verdict = "rejected" if o.status == "rejected" else "approved"
            rows.append(row("sales.approval", o.decided_at, base, verdict, total=h))
        out[o.pk] = rows
    return out


# shipments ---------------------------------------------------------------------------------------


def delivery_key(shipment) -> str:
    promised = shipment.order.delivery_date
    if promised is None:
        return "no_date"
    return "on_time" if timezone.localdate(shipment.delivered_at) <= promised else "late"


def _shipments():
    from aftersales.sales.models import Shipment

    return Shipment.objects.select_related("order__customer").prefetch_related(
        "lines__order_line__product"
    )


def _shipment_rows(shipments, ctx: Context) -> dict[int, list]:
    out = {}
    for s in shipments:
        o = s.order
        region = o.customer.province if o.customer_id else ""
        base = Dims(dealer=o.dealer_id or 0, region=region)
        rows = []
        if s.delivered_at:
            rows.append(row("sales.delivery", s.delivered_at, base, delivery_key(s)))
        for line in s.lines.all():
            product, category = _product_dims(line.order_line.product)
            d = Dims(0, product, category, base.dealer, region)
            if s.shipped_at:
                rows.append(
                    row("sales.shipped", s.shipped_at, d, line.batch_id or 0, line.quantity)
                )
            if line.problem:
                rows.append(
                    row("sales.acceptance", s.delivered_at or s.shipped_at, d, line.problem)
                )
        out[s.pk] = rows
    return out


# inspections -------------------------------------------------------------------------------------


def _inspections():
    from aftersales.quality.models import Inspection

    return Inspection.objects.select_related("batch__product").prefetch_related("results__item")


def _inspection_rows(inspections, ctx: Context) -> dict[int, list]:
    out = {}
    for i in inspections:
        product, category = _product_dims(i.batch.product if i.batch_id else None)
        d = Dims(0, product, category)
        rows = [row("quality.inspection", i.inspected_at, d, f"{i.kind}|{i.verdict}")]
        for result in i.results.all():
            if result.passed is False:
                rows.append(row("quality.failed_item", i.inspected_at, d, result.item.name))
        out[i.pk] = rows
    return out


# surveys -----------------------------------------------------------------------------------------


def _surveys():
    from aftersales.feedback.models import Survey

    return Survey.objects.filter(status="answered").only(
        "id",
        "answered_at",
        "overall",
        "nps",
        "department_id",
        "product_id",
        "category_id",
        "dealer_id",
        "region",
    )


def _survey_rows(surveys, ctx: Context) -> dict[int, list]:
    out = {}
    for s in surveys:
        d = Dims(s.department_id, s.product_id, s.category_id, s.dealer_id, s.region)
        rows = []
        if s.answered_at and s.overall is not None:
            rows.append(row("survey.overall", s.answered_at, d, s.overall))
        if s.answered_at and s.nps is not None:
            rows.append(row("survey.nps", s.answered_at, d, s.nps))
        out[s.pk] = rows
    return out


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("case", "service.Case", _cases, "updated_at", _case_rows),
        Source("sla_clock", "sla.SlaClock", _clocks, "updated_at", _clock_rows),
        Source("work_order", "repairs.WorkOrder", _work_orders, "updated_at", _work_order_rows),
        Source(
            "application", "warranty.Application", _applications, "updated_at", _application_rows
        ),
        Source("order", "sales.Order", _orders, "updated_at", _order_rows),
        Source("shipment", "sales.Shipment", _shipments, "updated_at", _shipment_rows),
        Source("inspection", "quality.Inspection", _inspections, "updated_at", _inspection_rows),
        Source("survey", "feedback.Survey", _surveys, "answered_at", _survey_rows),
    )
}


# --- applying contributions -------------------------------------------------------------------


def _key(r: list) -> tuple:
    return tuple(r[:8])


def _upsert(deltas: dict[tuple, list]) -> None:
    if not deltas:
        return
    q = connection.ops.quote_name
    table = q(Fact._meta.db_table)
    dims = ["measure", "day", "department", "product", "category", "dealer", "region", "key"]
    cols = ", ".join(q(c) for c in [*dims, "count", "amount", "total"])
    values = ", ".join(["(" + ", ".join(["%s"] * 11) + ")"] * 1)
    sql = (
        f"INSERT INTO {table} ({cols}) VALUES {values} "
        f"ON CONFLICT ({', '.join(q(c) for c in dims)}) DO UPDATE SET "
        f"{q('count')} = {table}.{q('count')} + EXCLUDED.{q('count')}, "
        f"{q('amount')} = {table}.{q('amount')} + EXCLUDED.{q('amount')}, "
        f"{q('total')} = {table}.{q('total')} + EXCLUDED.{q('total')}"
    )
    params = [
        [*k[:1], date.fromisoformat(k[1]), *k[2:], v[0], v[1], v[2]] for k, v in deltas.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    # Rows that fell to nothing go, so a rebuilt table has exactly the same rows.
    touched = Q()
    for measure, days in _by_measure(deltas).items():
        touched |= Q(measure=measure, day__in=days)
    Fact.objects.filter(touched, count=0, amount=0, total=0).delete()


def _by_measure(deltas) -> dict[str, set]:
    out: dict[str, set] = defaultdict(set)
    for k in deltas:
        out[k[0]].add(date.fromisoformat(k[1]))
    return out


def apply(source: Source, records: list, ctx: Context, *, gone: Iterable[int] = ()) -> int:
    """Move the difference between what ``records`` add now and what they added before into
    ``Fact``; ``gone`` are ids of deleted records (they add nothing now)."""
    ids = [r.pk for r in records] + list(gone)
    if not ids:
        return 0
    new = source.rows(records, ctx) if records else {}
    old = {
        entry.record_id: entry
        for entry in FactLedger.objects.filter(source=source.name, record_id__in=ids)
    }
    deltas: dict[tuple, list] = defaultdict(lambda: [0, ZERO, ZERO])
    for pk in ids:
        before = old[pk].rows if pk in old else []
        after = new.get(pk, [])
        if before == after:
            continue
        for sign, rows in ((-1, before), (1, after)):
            for r in rows:
                d = deltas[_key(r)]
                d[0] += sign * r[8]
                d[1] += sign * Decimal(r[9])
                d[2] += sign * Decimal(r[10])
    _upsert({k: v for k, v in deltas.items() if v != [0, ZERO, ZERO]})
    create, update, remove = [], [], []
    for pk in ids:
        after = new.get(pk, [])
        entry = old.get(pk)
        if entry is None:
            if after:
                create.append(FactLedger(source=source.name, record_id=pk, rows=after))
        elif not after:
            remove.append(entry.pk)
        elif entry.rows != after:
            entry.rows = after
            update.append(entry)
    FactLedger.objects.bulk_create(create, batch_size=BATCH)
    FactLedger.objects.bulk_update(update, ["rows"], batch_size=BATCH)
    FactLedger.objects.filter(pk__in=remove).delete()
    return len(ids)


def _context() -> Context:
    policy = active_policy()
    return Context(policy, Clock(policy))


def _chunks(queryset, size: int = BATCH):
    """Records in id order, ``size`` at a time (keyset pages: no OFFSET over a big table)."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def refresh(now: datetime | None = None, *, sources: Iterable[str] | None = None) -> dict:
    """Take in the records changed since the last refresh (the Celery job, every few
    minutes). Each source is refreshed under a lock on its state row, so two runs never
    apply the same change twice."""
    now = now or timezone.now()
    ctx = _context()
    done = {}
    for name in sources or SOURCES:
        source = SOURCES[name]
        with transaction.atomic():
            SummaryState.objects.get_or_create(source=name)
            state = SummaryState.objects.select_for_update().get(source=name)
            changed = source.queryset()
            if state.seen_until is not None:
                changed = changed.filter(**{f"{source.changed}__gte": state.seen_until - OVERLAP})
            changed = changed.filter(**{f"{source.changed}__lte": now})
            n = 0
            for chunk in _chunks(changed):
                n += apply(source, chunk, ctx)
            state.seen_until = now
            state.refreshed_at = timezone.now()
            state.records = n
            state.save()
        done[name] = n
    return done


def forget(source_name: str, record_ids: Iterable[int]) -> None:
    """A deleted record's numbers leave the tables."""
    with transaction.atomic():
        apply(SOURCES[source_name], [], _context(), gone=list(record_ids))


@transaction.atomic
def rebuild(now: datetime | None = None) -> dict:
    """Recompute the summary tables from every record."""
    now = now or timezone.now()
    Fact.objects.all().delete()
    FactLedger.objects.all().delete()
    ctx = _context()
    done = {}
    for name, source in SOURCES.items():
        n = 0
        for chunk in _chunks(source.queryset()):
            n += apply(source, chunk, ctx)
        SummaryState.objects.update_or_create(
            source=name,
            defaults={"seen_until": now, "refreshed_at": timezone.now(), "records": n},
        )
        done[name] = n
    return done


def last_refreshed() -> datetime | None:
    return (
        SummaryState.objects.order_by("-refreshed_at")
        .values_list("refreshed_at", flat=True)
        .first()
    )
