"""The records behind a cockpit figure: the same definition as the summary row, asked of the
records themselves, so the list counts what the bar showed (RPT-1 drill-down)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import InvalidInput

from .facts import ON_SITE_KINDS, OPEN_CASE, REPAIR_KINDS, active_policy

DIMS = ("department", "product", "category", "dealer", "region")
EXTRAS = ("key", "channel", "kind", "metric", "assignee", "customer", "batch")


@dataclass
class Drill:
    measure: str
    start: date
    end: date  # the last day, included
    filters: dict = field(default_factory=dict)  # dimension and extra filters, as given

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def between(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.since, f"{path}__lt": self.until})

    def get(self, name: str) -> str:
        return self.filters.get(name, "")


def _match(rows: QuerySet, drill: Drill, paths: dict[str, str]) -> QuerySet:
    """Narrow by the dimension filters; ``none`` (or 0) means the record has none."""
    for name in DIMS:
        value = drill.get(name)
        if not value or name not in paths:
            continue
        path = paths[name]
        if name == "region":
            rows = rows.filter(**{path: "" if value == "none" else value})
        elif value in ("none", "0"):
            rows = rows.filter(**{f"{path}__isnull": True})
        else:
            rows = rows.filter(**{path: int(value)})
    return rows


def _id_or_none(rows, drill: Drill, name: str, path: str):
    value = drill.get(name)
    if not value:
        return rows
    if value in ("none", "0"):
        return rows.filter(**{f"{path}__isnull": True})
    return rows.filter(**{path: int(value)})


CASE_PATHS = {
    "department": "department_id",
    "product": "product_id",
    "category": "product__category_id",
    "dealer": "dealer_id",
    "region": "region",
}


def _cases(drill: Drill) -> QuerySet:
    from aftersales.service.models import Case

    rows = _match(Case.objects.all(), drill, CASE_PATHS)
    m = drill.measure
    if m == "case.intake":
        rows = rows.filter(drill.between("created_at"))
        if drill.get("channel"):
            rows = rows.filter(channel=drill.get("channel"))
        if drill.get("kind"):
            rows = rows.filter(kind=drill.get("kind"))
    elif m == "case.backlog":
        rows = rows.filter(drill.between("created_at"), status__in=OPEN_CASE)
    elif m in ("case.resolved", "case.handled"):
        rows = _id_or_none(
            rows.filter(drill.between("resolved_at")), drill, "assignee", "assignee_id"
        )
    elif m == "case.complaint":
        rows = _id_or_none(
            rows.filter(drill.between("created_at"), is_complaint=True), drill, "batch", "batch_id"
        )
    elif m == "case.repair":
        from aftersales.repairs.models import WorkOrder

        window = timedelta(days=active_policy().repeat_repair_days)
        fixed_before = WorkOrder.objects.filter(
            customer=OuterRef("customer"),
            product=OuterRef("product"),
            kind__in=REPAIR_KINDS,
            result="fixed",
            technician__isnull=False,
            completed_at__lt=OuterRef("created_at"),
            completed_at__gte=OuterRef("window_start"),
        ).exclude(status="cancelled")
        rows = rows.filter(drill.between("created_at"), kind="repair").annotate(
            window_start=ExpressionWrapper(F("created_at") - window, output_field=DateTimeField()),
            repeat=Exists(fixed_before),
        )
        if drill.get("key") == "repeat":
            rows = rows.filter(repeat=True, customer__isnull=False, product__isnull=False)
        elif drill.get("key") == "first":
            rows = rows.exclude(repeat=True, customer__isnull=False, product__isnull=False)
    return rows.select_related("product", "department", "assignee").order_by("-created_at", "-id")


def _clocks(drill: Drill) -> QuerySet:
    from django.contrib.contenttypes.models import ContentType

    from aftersales.service.models import Case
    from aftersales.sla.models import SlaClock

    cases = _match(Case.objects.all(), drill, CASE_PATHS)
    rows = SlaClock.objects.filter(
        drill.between("stopped_at"),
        owner_type=ContentType.objects.get_for_model(Case),
        status__in=("met", "breached"),
        owner_id__in=cases.values("pk"),
    )
    metric = drill.get("metric")
    if drill.measure == "case.first_response":
        metric = "first_response"
    if metric:
        rows = rows.filter(metric=metric)
    key = drill.get("key")
    if key in ("met", "missed"):
        rows = rows.filter(status="met" if key == "met" else "breached")
    return rows.order_by("-stopped_at", "-id")


WO_PATHS = {
    "department": "case__department_id",
    "product": "product_id",
    "category": "product__category_id",
    "dealer": "case__dealer_id",
    "region": "region",
}


def _work_orders(drill: Drill) -> QuerySet:
    from aftersales.repairs.models import ChargeLine, WorkOrder

    rows = _match(
        WorkOrder.objects.filter(drill.between("completed_at"), technician__isnull=False).exclude(
            status="cancelled"
        ),
        drill,
        WO_PATHS,
    )
    if drill.measure == "visit.first":
        earlier = (
            WorkOrder.objects.filter(case=OuterRef("case"), kind__in=REPAIR_KINDS)
            .filter(
                Q(created_at__lt=OuterRef("created_at"))
                | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
            )
            .exclude(status="cancelled")
        )
        rows = rows.filter(kind__in=REPAIR_KINDS, case__isnull=False).exclude(result="")
        rows = rows.annotate(later_visit=Exists(earlier)).filter(later_visit=False)
        if drill.get("key") == "fixed":
            rows = rows.filter(result="fixed")
        elif drill.get("key") == "not_fixed":
            rows = rows.exclude(result="fixed")
    elif drill.measure == "visit.done":
        rows = _id_or_none(rows.filter(kind__in=ON_SITE_KINDS), drill, "key", "technician_id")
    elif drill.measure == "sanbao.repair_cost":
        free = ChargeLine.objects.filter(work_order=OuterRef("pk"), free=True, amount__gt=0)
        rows = rows.filter(in_warranty=True).filter(Exists(free))
    return rows.select_related("product", "technician").order_by("-completed_at", "-id")


def _applications(drill: Drill) -> QuerySet:
    from aftersales.warranty.models import Application

    rows = _match(
        Application.objects.all(),
        drill,
        {
            "department": "case__department_id",
            "product": "product_id",
            "category": "product__category_id",
            "dealer": "case__dealer_id",
            "region": "case__region",
        },
    )
    if drill.measure == "sanbao.outcome":
        rows = (
            rows.filter(drill.between("outcome_at")).exclude(status="cancelled").exclude(remedy="")
        )
        if drill.get("key"):
            rows = rows.filter(remedy=drill.get("key"))
    else:  # refused
        rows = rows.annotate(
            refused_at=Coalesce("reviewed_at", "evaluated_at", "created_at")
        ).filter(drill.between("refused_at"), status="rejected")
    return rows.select_related("product", "customer").order_by("-id")


ORDER_PATHS = {"dealer": "dealer_id", "region": "customer__province"}


def _orders(drill: Drill) -> QuerySet:
    from aftersales.sales.models import Order, OrderLine

    rows = _match(Order.objects.all(), drill, ORDER_PATHS)
    if drill.measure == "sales.approval":
        rows = rows.filter(
            drill.between("decided_at"), needs_approval=True, submitted_at__isnull=False
        )
    else:
        rows = rows.exclude(status__in=("draft", "cancelled", "rejected")).filter(
            Q(signed_on__gte=drill.start, signed_on__lte=drill.end)
            | Q(signed_on__isnull=True) & drill.between("created_at")
        )
        lines = OrderLine.objects.filter(order=OuterRef("pk"))
        if drill.get("product"):
            rows = rows.filter(Exists(lines.filter(product_id=int(drill.get("product")))))
        if drill.get("category"):
            rows = rows.filter(
                Exists(lines.filter(product__category_id=int(drill.get("category"))))
            )
        rows = _id_or_none(rows, drill, "customer", "customer_id")
    return rows.select_related("customer", "dealer").order_by("-id")


def _shipments(drill: Drill) -> QuerySet:
    from aftersales.sales.models import Shipment

    rows = _match(
        Shipment.objects.filter(drill.between("delivered_at")),
        drill,
        {"dealer": "order__dealer_id", "region": "order__customer__province"},
    )
    key = drill.get("key")
    if key == "no_date":
        rows = rows.filter(order__delivery_date__isnull=True)
    elif key in ("on_time", "late"):
        rows = rows.annotate(day=TruncDate("delivered_at")).filter(
            order__delivery_date__isnull=False
        )
        rows = (
            rows.filter(day__lte=F("order__delivery_date"))
            if key == "on_time"
            else rows.filter(day__gt=F("order__delivery_date"))
        )
    return rows.select_related("order__customer").order_by("-delivered_at", "-id")


LINE_PATHS = {
    "product": "order_line__product_id",
    "category": "order_line__product__category_id",
    "dealer": "shipment__order__dealer_id",
    "region": "shipment__order__customer__province",
}


def _shipment_lines(drill: Drill) -> QuerySet:
    from aftersales.sales.models import ShipmentLine

    rows = _match(ShipmentLine.objects.all(), drill, LINE_PATHS)
    if drill.measure == "sales.acceptance":
        rows = (
            rows.annotate(at=Coalesce("shipment__delivered_at", "shipment__shipped_at"))
            .filter(drill.between("at"))
            .exclude(problem="")
        )
        if drill.get("key"):
            rows = rows.filter(problem=drill.get("key"))
    else:
        rows = rows.filter(drill.between("shipment__shipped_at"))
        rows = _id_or_none(rows, drill, "key", "batch_id")
    return rows.select_related("shipment", "order_line__product", "batch").order_by("-id")


def _inspections(drill: Drill) -> QuerySet:
    from aftersales.quality.models import Inspection, InspectionResult

    rows = _match(
        Inspection.objects.filter(drill.between("inspected_at")),
        drill,
        {"product": "batch__product_id", "category": "batch__product__category_id"},
    )
    if drill.get("kind"):
        rows = rows.filter(kind=drill.get("kind"))
    if drill.measure == "quality.failed_item":
        rows = InspectionResult.objects.filter(
            inspection__in=rows, passed=False, item__name=drill.get("key")
        ).select_related("inspection__batch__product", "item")
        return rows.order_by("-inspection__inspected_at", "-id")
    if "|" in drill.get("key"):
        kind, verdict = drill.get("key").split("|", 1)
        rows = rows.filter(kind=kind, verdict=verdict)
    return rows.select_related("batch__product").order_by("-inspected_at", "-id")


def _surveys(drill: Drill) -> QuerySet:
    from aftersales.feedback.models import Survey

    field_name = "overall" if drill.measure == "survey.overall" else "nps"
    rows = _match(
        Survey.objects.filter(drill.between("answered_at"), status="answered").exclude(
            **{f"{field_name}__isnull": True}
        ),
        drill,
        {
            "department": "department_id",
            "product": "product_id",
            "category": "category_id",
            "dealer": "dealer_id",
            "region": "region",
        },
    )
    if drill.get("key"):
        rows = rows.filter(**{field_name: int(drill.get("key"))})
    return rows.select_related("case", "product").order_by("-answered_at", "-id")


@dataclass
class Lens:
    title: str
    records: Callable[[Drill], QuerySet]
    columns: Callable  # (record, links) -> [cell, ...]; the first cell is (text, url)
    headers: tuple


def _when(moment) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


class Links:
    """Which record pages the reader may open (asked once per kind)."""

    def __init__(self, user):
        self.user = user
        self._may: dict[str, bool] = {}

    def may(self, kind: str) -> bool:
        if kind not in self._may:
            self._may[kind] = _MAY[kind](self.user)
        return self._may[kind]

    def url(self, kind: str, name: str, arg) -> str:
        return reverse(name, args=[arg]) if self.may(kind) else ""


def _may_case(user) -> bool:
    from aftersales.accounts.permissions import user_roles
    from aftersales.customers.permissions import is_dealer_user

    return bool(user_roles(user)) and not is_dealer_user(user)


def _may_work_order(user) -> bool:
    from aftersales.repairs.permissions import can_view_work_orders

    return can_view_work_orders(user)


def _may_application(user) -> bool:
    from aftersales.warranty.permissions import can_view_warranty

    return can_view_warranty(user)


def _may_inspection(user) -> bool:
    from aftersales.quality.permissions import can_view_quality

    return can_view_quality(user)


def _may_survey(user) -> bool:
    from aftersales.feedback.permissions import can_view_all_surveys

    return can_view_all_surveys(user)


_MAY = {
    "case": _may_case,
    "order": _may_case,  # every company role reads orders (a dealer never opens the cockpit)
    "work_order": _may_work_order,
    "application": _may_application,
    "inspection": _may_inspection,
    "survey": _may_survey,
}


def _case_cells(c, links):
    return [
        (c.number, links.url("case", "service:case-detail", c.number)),
        _when(c.created_at),
        c.get_kind_display(),
        c.get_channel_display(),
        c.get_status_display(),
        str(c.product or ""),
        c.department.label if c.department_id else "",
        (c.assignee.get_full_name() or c.assignee.username) if c.assignee_id else "",
        _when(c.resolved_at),
    ]


def _clock_cells(k, links, numbers):
    number = numbers.get(k.owner_id, "")
    return [
        (number, links.url("case", "service:case-detail", number) if number else ""),
        k.get_metric_display(),
        _when(k.due_at),
        _when(k.stopped_at),
        _("Met") if k.status == "met" else _("Missed"),
    ]


def _wo_cells(w, links):
    return [
        (w.number, links.url("work_order", "repairs:work-order-detail", w.number)),
        w.get_kind_display(),
        str(w.product or ""),
        (w.technician.get_full_name() or w.technician.username) if w.technician_id else "",
        _when(w.completed_at),
        w.get_result_display() if w.result else "",
    ]


def _application_cells(a, links):
    return [
        (a.number, links.url("application", "warranty:application-detail", a.number)),
        str(a.product or ""),
        a.get_remedy_display() if a.remedy else "",
        a.get_status_display(),
        _when(a.outcome_at),
        a.refund_total if a.remedy == "return" else (a.price if a.remedy == "exchange" else ""),
    ]


def _order_cells(o, links):
    return [
        (o.number, links.url("order", "sales:order-detail", o.pk)),
        str(o.customer),
        str(o.dealer or _("Direct")),
        o.get_status_display(),
        _when(o.signed_on or o.created_at),
        o.total,
    ]


def _shipment_cells(s, links):
    return [
        (s.number, links.url("order", "sales:order-detail", s.order_id)),
        str(s.order.customer),
        _when(s.delivered_at),
        _when(s.order.delivery_date),
        s.get_status_display(),
    ]


def _line_cells(line, links):
    s = line.shipment
    return [
        (s.number, links.url("order", "sales:order-detail", s.order_id)),
        str(line.order_line.product),
        line.batch.batch_no if line.batch_id else "",
        line.quantity,
        line.get_problem_display() if line.problem else "",
        _when(s.delivered_at or s.shipped_at),
    ]


def _inspection_cells(i, links):
    if hasattr(i, "inspection"):  # a failed item's result
        result, i = i, i.inspection
        extra = [result.item.name]
    else:
        extra = [i.get_verdict_display()]
    return [
        (i.number, links.url("inspection", "quality:inspection-detail", i.pk)),
        i.get_kind_display(),
        str(i.batch.product) if i.batch_id else "",
        i.batch.batch_no if i.batch_id else "",
        _when(i.inspected_at),
        *extra,
    ]


def _survey_cells(s, links):
    return [
        (str(s.pk), links.url("survey", "feedback:survey", s.pk)),
        s.case.number if s.case_id else "",
        str(s.product or ""),
        _when(s.answered_at),
        s.overall if s.overall is not None else "",
        s.nps if s.nps is not None else "",
    ]


CASE_HEADERS = (
    gettext_lazy("Case"),
    gettext_lazy("Received"),
    gettext_lazy("Kind"),
    gettext_lazy("Channel"),
    gettext_lazy("Status"),
    gettext_lazy("Product"),
    gettext_lazy("Department"),
    gettext_lazy("Assigned to"),
    gettext_lazy("Resolved"),
)
WO_HEADERS = (
    gettext_lazy("Work order"),
    gettext_lazy("Kind"),
    gettext_lazy("Product"),
    gettext_lazy("Technician"),
    gettext_lazy("Completed"),
    gettext_lazy("Result"),
)
CLOCK_HEADERS = (
    gettext_lazy("Case"),
    gettext_lazy("Target"),
    gettext_lazy("Due"),
    gettext_lazy("Ended"),
    gettext_lazy("In time"),
)
APP_HEADERS = (
    gettext_lazy("Application"),
    gettext_lazy("Product"),
    gettext_lazy("Remedy"),
    gettext_lazy("Status"),
    gettext_lazy("Outcome on"),
    gettext_lazy("Cost (yuan)"),
)
ORDER_HEADERS = (
    gettext_lazy("Order"),
    gettext_lazy("Customer"),
    gettext_lazy("Dealer"),
    gettext_lazy("Status"),
    gettext_lazy("Order date"),
    gettext_lazy("Total (yuan)"),
)
SHIPMENT_HEADERS = (
    gettext_lazy("Delivery note"),
    gettext_lazy("Customer"),
    gettext_lazy("Delivered"),
    gettext_lazy("Promised"),
    gettext_lazy("Status"),
)
LINE_HEADERS = (
    gettext_lazy("Delivery note"),
    gettext_lazy("Product"),
    gettext_lazy("Batch"),
    gettext_lazy("Quantity"),
    gettext_lazy("Problem"),
    gettext_lazy("Date"),
)
INSPECTION_HEADERS = (
    gettext_lazy("Inspection"),
    gettext_lazy("Kind"),
    gettext_lazy("Product"),
    gettext_lazy("Batch"),
    gettext_lazy("Inspected"),
    gettext_lazy("Verdict or item"),
)
SURVEY_HEADERS = (
    gettext_lazy("Survey"),
    gettext_lazy("Case"),
    gettext_lazy("Product"),
    gettext_lazy("Answered"),
    gettext_lazy("Overall (1–5)"),
    gettext_lazy("Recommend (0–10)"),
)

LENSES: dict[str, Lens] = {
    "case.intake": Lens(gettext_lazy("Cases received"), _cases, _case_cells, CASE_HEADERS),
    "case.backlog": Lens(gettext_lazy("Open cases"), _cases, _case_cells, CASE_HEADERS),
    "case.resolved": Lens(gettext_lazy("Cases resolved"), _cases, _case_cells, CASE_HEADERS),
    "case.handled": Lens(gettext_lazy("Cases resolved"), _cases, _case_cells, CASE_HEADERS),
    "case.complaint": Lens(gettext_lazy("Complaints"), _cases, _case_cells, CASE_HEADERS),
    "case.repair": Lens(gettext_lazy("Repair cases"), _cases, _case_cells, CASE_HEADERS),
    "sla.clock": Lens(gettext_lazy("Time limits ended"), _clocks, _clock_cells, CLOCK_HEADERS),
    "case.first_response": Lens(
        gettext_lazy("First responses"), _clocks, _clock_cells, CLOCK_HEADERS
    ),
    "visit.first": Lens(gettext_lazy("First repair visits"), _work_orders, _wo_cells, WO_HEADERS),
    "visit.done": Lens(gettext_lazy("Visits"), _work_orders, _wo_cells, WO_HEADERS),
    "sanbao.repair_cost": Lens(
        gettext_lazy("Free in-warranty repairs"), _work_orders, _wo_cells, WO_HEADERS
    ),
    "sanbao.outcome": Lens(
        gettext_lazy("Three Guarantees (三包) outcomes"),
        _applications,
        _application_cells,
        APP_HEADERS,
    ),
    "sanbao.refused": Lens(
        gettext_lazy("Three Guarantees (三包) refused"),
        _applications,
        _application_cells,
        APP_HEADERS,
    ),
    "sales.order": Lens(gettext_lazy("Orders"), _orders, _order_cells, ORDER_HEADERS),
    "sales.line": Lens(gettext_lazy("Orders"), _orders, _order_cells, ORDER_HEADERS),
    "sales.approval": Lens(
        gettext_lazy("Approval decisions"), _orders, _order_cells, ORDER_HEADERS
    ),
    "sales.delivery": Lens(
        gettext_lazy("Deliveries"), _shipments, _shipment_cells, SHIPMENT_HEADERS
    ),
    "sales.acceptance": Lens(
        gettext_lazy("Acceptance problems"), _shipment_lines, _line_cells, LINE_HEADERS
    ),
    "sales.shipped": Lens(
        gettext_lazy("Lines shipped"), _shipment_lines, _line_cells, LINE_HEADERS
    ),
    "quality.inspection": Lens(
        gettext_lazy("Inspections"), _inspections, _inspection_cells, INSPECTION_HEADERS
    ),
    "quality.failed_item": Lens(
        gettext_lazy("Failed inspection items"),
        _inspections,
        _inspection_cells,
        INSPECTION_HEADERS,
    ),
    "survey.overall": Lens(
        gettext_lazy("Surveys answered"), _surveys, _survey_cells, SURVEY_HEADERS
    ),
    "survey.nps": Lens(gettext_lazy("Surveys answered"), _surveys, _survey_cells, SURVEY_HEADERS),
}


def drill_from_query(params) -> Drill:
    """The drill-down from the list's address; a 400 naming the parameter when it is wrong."""
    measure = params.get("measure", "")
    if measure not in LENSES:
        raise InvalidInput(
            _("Unknown figure / 未知的指标."), fields={"measure": [_("Not one of the figures.")]}
        )
    days = {}
    for name in ("from", "to"):
        try:
            value = parse_date(params.get(name, "") or "") if params.get(name) else None
        except ValueError:  # well formed, but no such day (2026-11-31)
            value = None
        if value is None:
            raise InvalidInput(
                _("Give the dates as YYYY-MM-DD / 日期格式为 YYYY-MM-DD."),
                fields={name: [_("Not a date.")]},
            )
        days[name] = value
    if days["to"] < days["from"]:
        raise InvalidInput(
            _("The end date is before the start date / 结束日期早于开始日期."),
            fields={"to": [_("Before the start date.")]},
        )
    filters = {}
    for name in (*DIMS, *EXTRAS):
        value = (params.get(name) or "").strip()
        if not value:
            continue
        numeric = name in (
            "department",
            "product",
            "category",
            "dealer",
            "assignee",
            "customer",
            "batch",
        )
        if numeric and not (value.isdigit() or value == "none"):
            raise InvalidInput(
                _("Choose the %(field)s from the list.") % {"field": name},
                fields={name: [_("Not one of the choices.")]},
            )
        filters[name] = value[:80]
    return Drill(measure, days["from"], days["to"], filters)


def drill_records(drill: Drill) -> tuple[Lens, QuerySet]:
    lens = LENSES[drill.measure]
    return lens, lens.records(drill)


def rows_for(drill: Drill, records, links: Links) -> list[list]:
    """The list's rows (each a list of cells; the first is (text, url))."""
    lens = LENSES[drill.measure]
    if lens.records is _clocks:
        from aftersales.service.models import Case

        numbers = dict(
            Case.objects.filter(pk__in=[k.owner_id for k in records]).values_list("pk", "number")
        )
        return [_clock_cells(k, links, numbers) for k in records]
    return [lens.columns(r, links) for r in records]
