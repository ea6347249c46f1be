"""The complaint analysis (FB-3, S9, S15): for a month, quarter or year, the Pareto of
complaints by cause, product, batch, dealer, region and handling department; the customers
and serial numbers that complained more than once; the most frequent words of the customers;
and the trend against the period before. Every bar opens the complaint register filtered alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.service.registers import DIMENSIONS, NONE_KEY
from aftersales.service.selectors import case_list_for_user

PERIODS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}
DIMENSION_LABELS = {
    "category": gettext_lazy("Complaint category"),
    "product": gettext_lazy("Product"),
    "batch": gettext_lazy("Batch"),
    "dealer": gettext_lazy("Dealer"),
    "region": gettext_lazy("Region"),
    "department": gettext_lazy("Handling department"),
}
PARETO_DIMENSIONS = tuple(DIMENSION_LABELS)
TOP_BARS = 12


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def key(self) -> str:
        return self.label.replace(" ", "")

    def previous(self) -> Period:
        return period_of(self.kind, self.start - timedelta(days=1))


def period_of(kind: str, day: date) -> Period:
    if kind == "year":
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == "quarter":
        first = (day.month - 1) // 3 * 3 + 1
        start = date(day.year, first, 1)
    else:
        kind, start = "month", date(day.year, day.month, 1)
    months = 3 if kind == "quarter" else 1
    y, m = divmod(start.month - 1 + months, 12)
    end = date(start.year + y, m + 1, 1) - timedelta(days=1)
    return Period(kind, start, end)


def parse_period(kind: str, at: str, *, today: date) -> Period:
    """``at``: 2026-11 (a month), 2026Q4 (a quarter) or 2026 (a year); else the period
    containing ``today``'s previous month, the one a manager reviews."""
    kind = kind if kind in PERIODS else "month"
    at = (at or "").strip().upper()
    if at[:4].isdigit() and not 2000 <= int(at[:4]) <= 2099:
        at = ""  # outside the calendar the product knows
    try:
        if "Q" in at:
            year, q = at.split("Q")
            return period_of("quarter", date(int(year), (int(q) - 1) * 3 + 1, 1))
        if len(at) == 4:
            return period_of("year" if kind == "year" else kind, date(int(at), 1, 1))
        if len(at) == 7:
            return period_of(kind, date(int(at[:4]), int(at[5:7]), 1))
    except ValueError:
        pass
    last_month = date(today.year, today.month, 1) - timedelta(days=1)
    return period_of(kind, last_month if kind == "month" else today)


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def complaints_in(user, period: Period) -> QuerySet:
    """The complaints taken in during the period, in the reader's scope (``None``: all of
    them, for the monthly report)."""
    from aftersales.service.models import Case

    base = Case.objects.all() if user is None else case_list_for_user(user)
    return base.select_related(None).filter(
        is_complaint=True,
        created_at__gte=_start(period.start),
        created_at__lt=_start(period.end + timedelta(days=1)),
    )


def _labels(dimension: str, keys: list) -> dict:
    from aftersales.accounts.models import Department
    from aftersales.catalog.models import Batch, Product
    from aftersales.customers.models import Customer, Dealer
    from aftersales.service.models import CaseCategory

    ids = [k for k in keys if k not in (None, "")]
    if dimension == "category":
        return {c.pk: c.label for c in CaseCategory.objects.filter(pk__in=ids)}
    if dimension == "product":
        return {p.pk: p.name for p in Product.objects.filter(pk__in=ids)}
    if dimension == "batch":
        return {b.pk: b.batch_no for b in Batch.objects.filter(pk__in=ids)}
    if dimension == "dealer":
        return {d.pk: d.name for d in Dealer.objects.filter(pk__in=ids)}
    if dimension == "department":
        return {d.pk: d.label for d in Department.objects.filter(pk__in=ids)}
    if dimension == "customer":
        return {c.pk: c.name for c in Customer.objects.filter(pk__in=ids)}
    return {k: k for k in ids}


def pareto(cases: QuerySet, dimension: str) -> list[dict]:
    """Bars largest first with their cumulative share; the tail beyond ``TOP_BARS`` is one
    "others" bar (not a link). One grouped query."""
    field = DIMENSIONS[dimension]
    counted = list(cases.order_by().values(field).annotate(n=Count("id")).order_by("-n", field))
    total = sum(r["n"] for r in counted)
    labels = _labels(dimension, [r[field] for r in counted[:TOP_BARS]])
    bars, running = [], 0
    for r in counted[:TOP_BARS]:
        running += r["n"]
        raw = r[field]
        empty = raw in (None, "")
        bars.append(
            {
                "key": NONE_KEY if empty else str(raw),
                "label": _("(none)") if empty else str(labels.get(raw, raw)),
                "count": r["n"],
                "share": round(100 * r["n"] / total, 1) if total else 0,
                "cumulative": round(100 * running / total, 1) if total else 0,
            }
        )
    rest = total - running
    if rest:
        bars.append(
            {
                "key": "",
                "label": _("Others"),
                "count": rest,
                "share": round(100 * rest / total, 1),
                "cumulative": 100.0,
            }
        )
    top = max((b["count"] for b in bars), default=0)
    for b in bars:
        b["bar"] = round(100 * b["count"] / top) if top else 0
    return bars


def repeats(cases: QuerySet, dimension: str, *, at_least: int = 2, limit: int = 10) -> list[dict]:
    """Customers (or serial numbers) with ``at_least`` complaints in the period."""
    field = DIMENSIONS[dimension]
    rows = list(
        cases.exclude(**{f"{field}__isnull": True})
        .order_by()
        .values(field)
        .annotate(n=Count("id"))
        .filter(n__gte=at_least)
        .order_by("-n", field)[:limit]
    )
    if dimension == "serial":
        from aftersales.catalog.models import SerialNumber

        labels = {
            s.pk: s.serial for s in SerialNumber.objects.filter(pk__in=[r[field] for r in rows])
        }
    else:
        labels = _labels(dimension, [r[field] for r in rows])
    return [
        {"key": str(r[field]), "label": labels.get(r[field], ""), "count": r["n"]} for r in rows
    ]


def topics(cases: QuerySet, *, limit: int = 20) -> list[dict]:
    """The customers' most frequent words (stored at intake with jieba)."""
    counter: Counter = Counter()
    for words in cases.exclude(keywords="").values_list("keywords", flat=True).iterator(2000):
        counter.update(set(words.split()))
    common = counter.most_common(limit)
    top = common[0][1] if common else 0
    return [
        {"word": w, "count": n, "size": round(0.85 + 0.9 * n / top, 2) if top else 1}
        for w, n in common
    ]


def _counts(cases: QuerySet, dimension: str) -> dict:
    field = DIMENSIONS[dimension]
    return {r[field]: r["n"] for r in cases.order_by().values(field).annotate(n=Count("id"))}


def trend(user, period: Period, dimension: str) -> list[dict]:
    """Each value's count against the period before (all values, not only the top bars),
    the largest changes first."""
    now = _counts(complaints_in(user, period), dimension)
    before = _counts(complaints_in(user, period.previous()), dimension)
    keys = sorted(
        set(now) | set(before),
        key=lambda k: (-abs(now.get(k, 0) - before.get(k, 0)), str(k)),
    )[:TOP_BARS]
    labels = _labels(dimension, keys)
    return [
        {
            "key": NONE_KEY if key in (None, "") else str(key),
            "label": _("(none)") if key in (None, "") else str(labels.get(key, key)),
            "count": now.get(key, 0),
            "previous": before.get(key, 0),
            "change": now.get(key, 0) - before.get(key, 0),
        }
        for key in keys
    ]


def monthly_counts(user, *, months: int, until: date) -> list[dict]:
    """Complaints per month for the trend chart, oldest first."""
    out = []
    period = period_of("month", until)
    for _i in range(months):
        out.append({"month": period.label, "count": complaints_in(user, period).count()})
        period = period.previous()
    out.reverse()
    top = max((m["count"] for m in out), default=0)
    for m in out:
        m["bar"] = round(100 * m["count"] / top) if top else 0
    return out


def analysis(user, period: Period, dimension: str) -> dict:
    cases = complaints_in(user, period)
    previous = complaints_in(user, period.previous()).count()
    total = cases.count()
    return {
        "period": period,
        "previous_period": period.previous(),
        "total": total,
        "previous_total": previous,
        "change": total - previous,
        "dimension": dimension,
        "pareto": pareto(cases, dimension),
        "repeat_customers": repeats(cases, "customer"),
        "repeat_serials": repeats(cases, "serial"),
        "topics": topics(cases),
        "trend": trend(user, period, dimension),
    }
