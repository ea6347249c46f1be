"""The two registers of S18 kept by the after-sales desk, each a page, an Excel export and a
PDF print from one scoped, filtered queryset:

- 售后服务记录: every case with its handling and result;
- 顾客投诉记录: complaints — the user, the content, the handling, the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.times import local_text

from .models import Case
from .selectors import case_list_for_user

# The complaint analysis's dimensions (FB-3) and the case field each groups by; a bar of the
# analysis opens the complaint register filtered by the same field.
DIMENSIONS = {
    "category": "category_id",
    "product": "product_id",
    "batch": "batch_id",
    "dealer": "dealer_id",
    "region": "region",
    "department": "department_id",
    "customer": "customer_id",
    "serial": "serial_id",
}
NONE_KEY = "none"  # the bar of cases without a value (no batch, no dealer …)


@dataclass(frozen=True)
class RegisterFilter:
    date_from: date | None = None
    date_to: date | None = None
    kind: str = ""
    status: str = ""
    by: str = ""  # a key of DIMENSIONS, with ``key`` its value
    key: str = ""
    topic: str = ""  # a keyword of the customers' words


def dimension_filter(by: str, key: str) -> dict:
    """The queryset filter for one bar of the analysis; empty for an unknown dimension."""
    field = DIMENSIONS.get(by)
    if field is None or key == "":
        return {}
    if key == NONE_KEY:
        return {f"{field}__isnull": True} if field.endswith("_id") else {field: ""}
    if field.endswith("_id"):
        return {field: int(key)} if key.isdigit() else {"pk__in": []}
    return {field: key}


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def register_cases(user, filters: RegisterFilter, *, complaints: bool = False) -> QuerySet[Case]:
    cases = case_list_for_user(user).select_related("category", "assignee", "department")
    if complaints:
        # FB-3: a complaint whatever the kind of case (a return that came as a complaint).
        cases = cases.filter(is_complaint=True)
    elif filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.by:
        cases = cases.filter(**dimension_filter(filters.by, filters.key))
    if filters.topic:
        # Keywords are stored space-separated: match a whole word.
        padded = f" {filters.topic.strip().lower()} "
        cases = cases.annotate(_kw=Concat(Value(" "), "keywords", Value(" "))).filter(
            _kw__contains=padded
        )
    if filters.date_from:
        cases = cases.filter(created_at__gte=_local_day_start(filters.date_from))
    if filters.date_to:
        cases = cases.filter(created_at__lt=_local_day_start(filters.date_to + timedelta(days=1)))
    return cases.order_by("created_at", "id")


SERVICE_HEADERS = [
    _("Case number"),
    _("Taken in"),
    _("Channel"),
    _("Kind"),
    _("Customer"),
    _("Phone"),
    _("Product"),
    _("Serial number"),
    _("Problem"),
    _("Handled by"),
    _("Solution"),
    _("Result"),
    _("Status"),
    _("Closed"),
]

COMPLAINT_HEADERS = [
    _("Case number"),
    _("Date"),
    _("Customer"),
    _("Phone"),
    _("Complaint category"),
    _("What the customer said"),
    _("Handling"),
    _("Result"),
    _("Customer's verdict"),
]


def _day(value) -> str:
    return local_text(value, "%Y-%m-%d")


def _handler(case: Case) -> str:
    parts = [case.department.label if case.department_id else "", str(case.assignee or "")]
    return " · ".join(p for p in parts if p)


def service_rows(cases: QuerySet[Case], show_phone):
    for c in cases.iterator(chunk_size=2000):
        yield [
            c.number,
            _day(c.created_at),
            str(c.get_channel_display()),
            str(c.get_kind_display()),
            c.customer.name,
            show_phone(c.contact_phone),
            c.product.name if c.product_id else "",
            c.serial.serial if c.serial_id else "",
            c.description,
            _handler(c),
            c.solution,
            c.result,
            str(c.get_status_display()),
            _day(c.closed_at),
        ]


def complaint_rows(cases: QuerySet[Case], show_phone):
    for c in cases.iterator(chunk_size=2000):
        # 客户意见: the customer's own words about the handling (the rejection, the follow-up
        # call, the survey), not the case's status.
        verdict = c.customer_opinion
        yield [
            c.number,
            _day(c.created_at),
            c.customer.name,
            show_phone(c.contact_phone),
            c.category.label if c.category_id else "",
            c.description,
            "\n".join(x for x in (_handler(c), c.solution) if x),
            c.result,
            verdict,
        ]
