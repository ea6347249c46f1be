"""The cockpit's figures, read from the summary table (``Fact``) for a period and filters.

Each dashboard is a list of headline cards and charts. A chart carries its labels, its series,
the drill-down link of every bar, a definition, and the same numbers as a table (shown under
the chart and exported to Excel).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import InvalidInput

from .facts import OPEN_CASE, quantile
from .models import Fact

ALL = ("department", "product", "category", "dealer", "region")
# Which filters each measure can answer (the others are not applied, and the card says so).
DIMENSIONS = {
    "sales.order": ("dealer", "region"),
    "sales.approval": ("dealer", "region"),
    "sales.delivery": ("dealer", "region"),
    "sales.line": ("product", "category", "dealer", "region"),
    "sales.shipped": ("product", "category", "dealer", "region"),
    "sales.acceptance": ("product", "category", "dealer", "region"),
    "quality.inspection": ("product", "category"),
    "quality.failed_item": ("product", "category"),
}
FILTER_LABELS = {
    "department": gettext_lazy("department"),
    "product": gettext_lazy("product"),
    "category": gettext_lazy("category"),
    "dealer": gettext_lazy("dealer"),
    "region": gettext_lazy("region"),
}


# --- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter or year
    start: date
    end: date  # the day after the last

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def last(self) -> date:
        return self.end - timedelta(days=1)

    def shift(self, months: int) -> Period:
        return _period(self.kind, _add_months(self.start, months))

    def previous(self) -> Period:
        return self.shift(-{"month": 1, "quarter": 3, "year": 12}[self.kind])

    def year_before(self) -> Period:
        return self.shift(-12)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _period(kind: str, start: date) -> Period:
    size = {"month": 1, "quarter": 3, "year": 12}[kind]
    return Period(kind, start, _add_months(start, size))


def period_of(kind: str, day: date) -> Period:
    if kind == "month":
        return _period(kind, date(day.year, day.month, 1))
    if kind == "quarter":
        return _period(kind, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
    return _period(kind, date(day.year, 1, 1))


def parse_period(text: str, today: date) -> Period:
    """``2026-11`` (a month), ``2026-Q4`` (a quarter) or ``2026`` (a year); empty: this month."""
    text = (text or "").strip().upper()
    if not text:
        return period_of("month", today)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        if 1 <= int(m[2]) <= 12:
            return period_of("month", date(int(m[1]), int(m[2]), 1))
    elif m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        return period_of("quarter", date(int(m[1]), int(m[2]) * 3 - 2, 1))
    elif (m := re.fullmatch(r"(\d{4})", text)) and 2000 <= int(m[1]) <= 2100:
        return period_of("year", date(int(m[1]), 1, 1))
    raise InvalidInput(
        _("Give the period as 2026-11, 2026-Q4 or 2026 / 期间格式：2026-11、2026-Q4 或 2026."),
        fields={"period": [_("Not a month, quarter or year.")]},
    )


# --- filters -----------------------------------------------------------------------------------


@dataclass
class Filters:
    period: Period
    department: int = 0
    product: int = 0
    category: int = 0
    dealer: int = 0
    region: str = ""

    @classmethod
    def from_query(cls, params, today: date) -> Filters:
        period = parse_period(params.get("period", ""), today)
        values = {}
        for name in ("department", "product", "category", "dealer"):
            raw = (params.get(name) or "").strip()
            if raw and not raw.isdigit():
                raise InvalidInput(
                    _("Choose the %(field)s from the list.") % {"field": FILTER_LABELS[name]},
                    fields={name: [_("Not one of the choices.")]},
                )
            values[name] = int(raw or 0)
        return cls(period, region=(params.get("region") or "").strip()[:40], **values)

    def active(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in ALL if getattr(self, name)}

    def query(self, **extra) -> str:
        params = {"period": self.period.label, **self.active(), **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None, 0)})

    def facts(self, measure: str, period: Period | None = None, card: Card | None = None):
        period = period or self.period
        rows = Fact.objects.filter(measure=measure, day__gte=period.start, day__lt=period.end)
        return self.narrow(rows, measure, card)

    def narrow(self, rows, measure: str, card: Card | None = None):
        allowed = DIMENSIONS.get(measure, ALL)
        for name, value in self.active().items():
            if name in allowed:
                rows = rows.filter(**{name: value})
            elif card is not None and name not in card.ignored:
                card.ignored.append(name)
        return rows

    def drill(self, measure: str, period: Period | None = None, **extra) -> str:
        period = period or self.period
        params = {
            "measure": measure,
            "from": period.start.isoformat(),
            "to": period.last.isoformat(),
            **{k: v for k, v in self.active().items() if k in DIMENSIONS.get(measure, ALL)},
            **extra,
        }
        return reverse("management:records") + "?" + urlencode(params)


@dataclass
class Card:
    """A headline figure: its value, the comparisons, what it means and where it leads."""

    key: str
    label: str
    value: object
    unit: str = ""
    previous: object = None
    last_year: object = None
    definition: str = ""
    url: str = ""
    ignored: list = field(default_factory=list)

    @property
    def change(self):
        return _change(self.value, self.previous)

    @property
    def change_year(self):
        return _change(self.value, self.last_year)

    @property
    def ignored_text(self) -> str:
        return ", ".join(str(FILTER_LABELS[n]) for n in self.ignored)


def _change(now, before):
    if not isinstance(now, int | float | Decimal) or not isinstance(before, int | float | Decimal):
        return None
    return round(float(now) - float(before), 1)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, hbar, line or pie
    labels: list
    series: list  # [{"name", "data", "links"}]
    definition: str
    unit: str = ""
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    def payload(self) -> dict:
        return {
            "kind": self.kind,
            "labels": [str(x) for x in self.labels],
            "series": [
                {
                    "name": str(s["name"]),
                    "data": [None if v is None else float(v) for v in s["data"]],
                    "links": s.get("links", []),
                }
                for s in self.series
            ],
            "unit": str(self.unit),
        }

    @property
    def ignored_text(self) -> str:
        return ", ".join(str(FILTER_LABELS[n]) for n in self.ignored)

    @property
    def json_id(self) -> str:
        return f"chart-data-{self.key}"

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s["data"])


# --- small readers -------------------------------------------------------------------------------


def _sum(rows, what: str = "count"):
    return rows.aggregate(v=Sum(what))["v"] or (0 if what == "count" else Decimal("0"))


def _by(rows, dim: str, what: str = "count") -> dict:
    return {r[dim]: r["v"] for r in rows.order_by().values(dim).annotate(v=Sum(what)) if r["v"]}


def _by_key_parts(rows, index: int) -> dict[str, int]:
    """Counts by one part of a composite key such as ``phone|repair``."""
    out: dict[str, int] = defaultdict(int)
    for key, n in _by(rows, "key").items():
        out[key.split("|")[index]] += n
    return out


def _pct(part, whole) -> float | None:
    return round(100 * float(part) / float(whole), 1) if whole else None


def _month_series(filters: Filters, measure: str, what: str, months: int = 12) -> tuple:
    """The last ``months`` months to the period's end, and the same months a year before."""
    end_month = _add_months(filters.period.end, -1)
    first = _add_months(end_month, -(months - 1))
    since = _add_months(first, -12)
    rows = filters.narrow(
        Fact.objects.filter(measure=measure, day__gte=since, day__lt=filters.period.end),
        measure,
    )
    by_month: dict[date, Decimal] = defaultdict(Decimal)
    for r in rows.order_by().values("day").annotate(v=Sum(what)):
        by_month[date(r["day"].year, r["day"].month, 1)] += Decimal(r["v"] or 0)
    labels, now, before, links = [], [], [], []
    for i in range(months):
        month = _add_months(first, i)
        labels.append(f"{month:%Y-%m}")
        now.append(by_month.get(month, 0))
        before.append(by_month.get(_add_months(month, -12), 0))
        links.append(filters.drill(measure, _period("month", month)))
    return labels, now, before, links


def _labels(model_path: str, ids) -> dict:
    from django.apps import apps

    ids = [i for i in ids if i]
    if not ids:
        return {}
    model = apps.get_model(model_path)
    out = {}
    for obj in model.objects.filter(pk__in=ids):
        label = getattr(obj, "label", None)
        out[obj.pk] = str(label() if callable(label) else (label or obj))
    return out


def _user_labels(ids) -> dict:
    from django.contrib.auth import get_user_model

    return {
        u.pk: u.get_full_name() or u.username
        for u in get_user_model().objects.filter(pk__in=[i for i in ids if i])
    }


def _choices(model_path: str, field_name: str) -> dict:
    from django.apps import apps

    return {
        str(k): str(v) for k, v in apps.get_model(model_path)._meta.get_field(field_name).choices
    }


def _card_count(filters, key, label, measure, definition, *, unit="", url_extra=None):
    card = Card(key, label, None, unit=unit, definition=definition)
    card.value = _sum(filters.facts(measure, card=card))
    card.previous = _sum(filters.facts(measure, filters.period.previous()))
    card.last_year = _sum(filters.facts(measure, filters.period.year_before()))
    card.url = filters.drill(measure, **(url_extra or {}))
    return card


def _top(values: dict, n: int) -> list:
    return sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:n]


def _bar(key, title, kind, pairs, labels, link, definition, *, unit="", name=None, table=None):
    """A one-series chart from (key, value) pairs, each bar linking to its records."""
    chart = Chart(
        key,
        title,
        kind,
        [labels.get(k, k) if labels else k for k, _v in pairs],
        [
            {
                "name": name or title,
                "data": [v for _k, v in pairs],
                "links": [link(k) for k, _v in pairs],
            }
        ],
        definition,
        unit=unit,
    )
    chart.headers = table or [title, str(name or _("Count"))]
    chart.rows = [[chart.labels[i], v] for i, (_k, v) in enumerate(pairs)]
    return chart


def _durations(filters: Filters, measure: str, card: Card | None = None) -> dict:
    rows = filters.facts(measure, card=card)
    buckets = {k: int(v) for k, v in _by(rows, "key").items()}
    n = sum(buckets.values())
    total = _sum(rows, "total")
    return {
        "n": n,
        "average": round(float(total) / n, 1) if n else None,
        "median": quantile(buckets, 0.5),
        "p90": quantile(buckets, 0.9),
    }


# --- service -------------------------------------------------------------------------------------

BACKLOG_AGES = ((0, 1), (2, 3), (4, 7), (8, 14), (15, 30), (31, None))


def _rate_card(filters, key, label, measure, good, definition, *, index=None, url_extra=None):
    """A share in percent: the rows whose key (or key part) is in ``good``, of all."""
    card = Card(key, label, None, unit="%", definition=definition)

    def rate(period, c=None):
        rows = filters.facts(measure, period, card=c)
        parts = _by_key_parts(rows, index) if index is not None else _by(rows, "key")
        whole = sum(parts.values())
        return _pct(sum(v for k, v in parts.items() if k in good), whole)

    card.value = rate(filters.period, card)
    card.previous = rate(filters.period.previous())
    card.last_year = rate(filters.period.year_before())
    card.url = filters.drill(measure, **(url_extra or {}))
    return card


def service_dashboard(filters: Filters, today: date) -> dict:
    channel_labels = _choices("service.Case", "channel")
    kind_labels = _choices("service.Case", "kind")
    metric_labels = _choices("sla.SlaClock", "metric")
    remedy_labels = _choices("warranty.Application", "remedy")

    cards = [
        _card_count(
            filters,
            "intake",
            _("Cases received"),
            "case.intake",
            _("Cases opened in the period, by the day they were received, from every channel."),
        )
    ]
    backlog = Card(
        "backlog",
        _("Open cases now"),
        None,
        definition=_(
            "Cases not yet resolved today (new, accepted, being verified or in progress), "
            "whatever period is chosen."
        ),
    )
    backlog_rows = filters.narrow(
        Fact.objects.filter(measure="case.backlog"), "case.backlog", backlog
    )
    backlog.value = _sum(backlog_rows)
    backlog.url = filters.drill("case.backlog", _open_period(today))
    cards.append(backlog)
    cards.append(
        _rate_card(
            filters,
            "sla",
            _("SLA targets met"),
            "sla.clock",
            {"met"},
            _(
                "Of the time limits that ended in the period (first response, on-site, resolution, "
                "refund …), the share met in time."
            ),
            index=1,
        )
    )
    first = _durations(filters, "case.first_response")
    resolution_card = Card("resolution", _("Resolution time (median)"), None, unit=_("h"))
    resolution = _durations(filters, "case.resolved", resolution_card)
    resolution_card.value = resolution["median"]
    resolution_card.definition = _(
        "Working hours from receiving a case to resolving it, for the cases resolved in the "
        "period; the median, read to a quarter hour up to 8 hours, an hour up to 72 hours."
    )
    resolution_card.url = filters.drill("case.resolved")
    previous = _durations(replace(filters, period=filters.period.previous()), "case.resolved")
    resolution_card.previous = previous["median"]
    cards.append(resolution_card)
    cards.append(
        _rate_card(
            filters,
            "first_time_fix",
            _("Fixed on the first visit"),
            "visit.first",
            {"fixed"},
            _(
                "Of the cases' first repair visits completed in the period, the share that "
                "fixed the fault."
            ),
        )
    )
    cards.append(
        _rate_card(
            filters,
            "repeat",
            _("Repeat repair rate"),
            "case.repair",
            {"repeat"},
            _(
                "Of the repair cases opened in the period, the share reported by the same customer "
                "for the same product within %(days)s days of a visit that fixed it."
            )
            % {"days": _policy_days()},
            url_extra={"key": "repeat"},
        )
    )

    charts = []
    intake = filters.facts("case.intake")
    by_channel = _top(_by_key_parts(intake, 0), 20)
    charts.append(
        _bar(
            "intake_channel",
            _("Cases by channel"),
            "bar",
            by_channel,
            channel_labels,
            lambda k: filters.drill("case.intake", channel=k),
            _("Cases received in the period, by the channel they came through."),
        )
    )
    by_kind = _top(_by_key_parts(intake, 1), 20)
    charts.append(
        _bar(
            "intake_kind",
            _("Cases by kind"),
            "bar",
            by_kind,
            kind_labels,
            lambda k: filters.drill("case.intake", kind=k),
            _("Cases received in the period, by kind (complaint, repair, return …)."),
        )
    )
    labels, now, before, links = _month_series(filters, "case.intake", "count")
    trend = Chart(
        "intake_months",
        _("Cases received by month"),
        "line",
        labels,
        [
            {"name": _("This year"), "data": now, "links": links},
            {"name": _("A year before"), "data": before, "links": []},
        ],
        _(
            "Cases received in each of the twelve months to the period's end, and in the same "
            "months a year before."
        ),
    )
    trend.headers = [_("Month"), _("This year"), _("A year before")]
    trend.rows = [[m, a, b] for m, a, b in zip(labels, now, before, strict=True)]
    charts.append(trend)

    ages = defaultdict(int)
    for day, n in _by(backlog_rows, "day").items():
        age = (today - day).days
        for low, high in BACKLOG_AGES:
            if age >= low and (high is None or age <= high):
                ages[(low, high)] += n
                break
    age_pairs = [((low, high), ages.get((low, high), 0)) for low, high in BACKLOG_AGES]
    charts.append(
        _bar(
            "backlog_age",
            _("Open cases by age (days)"),
            "bar",
            age_pairs,
            {(lo, hi): (f"{lo}–{hi}" if hi is not None else f"≥{lo}") for lo, hi in BACKLOG_AGES},
            lambda k: filters.drill("case.backlog", _age_period(today, *k)),
            _("Open cases today, by how many calendar days ago they were received."),
        )
    )

    clocks = filters.facts("sla.clock")
    by_metric: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, n in _by(clocks, "key").items():
        metric, met = key.split("|")
        by_metric[metric][0 if met == "met" else 1] += n
    metric_pairs = [
        (m, _pct(v[0], v[0] + v[1])) for m, v in sorted(by_metric.items(), key=lambda kv: kv[0])
    ]
    sla_chart = _bar(
        "sla_targets",
        _("SLA met rate by target"),
        "bar",
        metric_pairs,
        metric_labels,
        lambda k: filters.drill("sla.clock", metric=k),
        _(
            "For each kind of time limit, the share of the limits that ended in the period and "
            "were met in time."
        ),
        unit="%",
        name=_("Met (%)"),
    )
    sla_chart.headers = [_("Target"), _("Met"), _("Missed"), _("Met (%)")]
    sla_chart.rows = [
        [metric_labels.get(m, m), by_metric[m][0], by_metric[m][1], v] for m, v in metric_pairs
    ]
    charts.append(sla_chart)

    times = Chart(
        "durations",
        _("Response and resolution times (working hours)"),
        "bar",
        [_("First response"), _("Resolution")],
        [
            {
                "name": _("Median"),
                "data": [first["median"], resolution["median"]],
                "links": [
                    filters.drill("sla.clock", metric="first_response"),
                    filters.drill("case.resolved"),
                ],
            },
            {
                "name": _("90th percentile"),
                "data": [first["p90"], resolution["p90"]],
                "links": [
                    filters.drill("sla.clock", metric="first_response"),
                    filters.drill("case.resolved"),
                ],
            },
        ],
        _(
            "Working hours by the company calendar and the policy's working hours: from "
            "receiving a case to the first response (its first-response time limit stopping), "
            "and to its resolution. Median and 90th percentile, nearest rank."
        ),
        unit=_("h"),
    )
    times.headers = [_("Measure"), _("Cases"), _("Average"), _("Median"), _("90th percentile")]
    times.rows = [
        [_("First response"), first["n"], first["average"], first["median"], first["p90"]],
        [
            _("Resolution"),
            resolution["n"],
            resolution["average"],
            resolution["median"],
            resolution["p90"],
        ],
    ]
    charts.append(times)

    handled = filters.facts("case.handled")
    by_department = _top(_by(handled, "department"), 15)
    charts.append(
        _bar(
            "work_department",
            _("Cases resolved by department"),
            "bar",
            by_department,
            {**_labels("accounts.Department", [k for k, _v in by_department]), 0: _("(none)")},
            lambda k: filters.drill("case.handled", department=k or "none"),
            _("Cases resolved in the period, by the department that held them."),
        )
    )
    by_person = _top(_by_key_parts(handled, 0), 15)
    people = _user_labels([int(k) for k, _v in by_person])
    charts.append(
        _bar(
            "work_person",
            _("Cases resolved by person (top 15)"),
            "hbar",
            by_person,
            {k: people.get(int(k), _("(unassigned)")) for k, _v in by_person},
            lambda k: filters.drill("case.handled", assignee=k),
            _("Cases resolved in the period, by the person they were assigned to."),
        )
    )
    outcomes = filters.facts("sanbao.outcome")
    counts = _by(outcomes, "key")
    costs = _by(outcomes, "key", "amount")
    repair_cost = _sum(filters.facts("sanbao.repair_cost"), "amount")
    remedies = [r for r in ("free_repair", "paid_repair", "exchange", "return") if r in counts]
    sanbao = Chart(
        "sanbao",
        _("Three Guarantees (三包) outcomes"),
        "bar",
        [remedy_labels.get(r, r) for r in remedies],
        [
            {
                "name": _("Applications"),
                "data": [counts.get(r, 0) for r in remedies],
                "links": [filters.drill("sanbao.outcome", key=r) for r in remedies],
            }
        ],
        _(
            "三包 applications that reached their outcome in the period, by remedy. Cost: the "
            "refund paid for a return, the replaced unit's price for an exchange; the free "
            "parts and labour of in-warranty visits are shown apart."
        ),
    )
    sanbao.headers = [_("Remedy"), _("Applications"), _("Cost (yuan)")]
    sanbao.rows = [[remedy_labels.get(r, r), counts.get(r, 0), costs.get(r, 0)] for r in remedies]
    sanbao.rows.append([_("Free in-warranty repairs (parts and labour)"), "", repair_cost])
    charts.append(sanbao)
    return {"cards": cards, "charts": charts}


def _policy_days() -> int:
    from .facts import active_policy

    return active_policy().repeat_repair_days


def _open_period(today: date) -> Period:
    return Period("open", date(2000, 1, 1), today + timedelta(days=1))


def _age_period(today: date, low: int, high: int | None) -> Period:
    first = date(2000, 1, 1) if high is None else today - timedelta(days=high)
    return Period("age", first, today - timedelta(days=low) + timedelta(days=1))


# --- sales ---------------------------------------------------------------------------------------


def sales_dashboard(filters: Filters, today: date) -> dict:
    cards = [
        _card_count(
            filters,
            "orders",
            _("Orders"),
            "sales.order",
            _(
                "Orders placed in the period (by the contract date, else the day entered), not "
                "drafts, cancelled or rejected ones."
            ),
        )
    ]
    amount = Card("amount", _("Order amount"), None, unit=_("yuan"))
    amount.value = _sum(filters.facts("sales.line", card=amount), "amount")
    amount.previous = _sum(filters.facts("sales.line", filters.period.previous()), "amount")
    amount.last_year = _sum(filters.facts("sales.line", filters.period.year_before()), "amount")
    amount.definition = _(
        "The amount of the order lines of those orders (of the chosen "
        "products when a product or category is chosen)."
    )
    amount.url = filters.drill("sales.order")
    cards.append(amount)
    approval = Card("approval", _("Approval lead time (average)"), None, unit=_("h"))
    rows = filters.facts("sales.approval", card=approval)
    n = _sum(rows)
    approval.value = round(float(_sum(rows, "total")) / n, 1) if n else None
    approval.definition = _(
        "Working hours from submitting an order that needs approval to the "
        "decision, for the decisions made in the period."
    )
    approval.url = filters.drill("sales.approval")
    cards.append(approval)
    cards.append(
        _rate_card(
            filters,
            "on_time",
            _("Delivered on time"),
            "sales.delivery",
            {"on_time"},
            _(
                "Of the deliveries made in the period to an order with a promised delivery date, "
                "the share delivered on or before it (those without a date are not counted)."
            ),
        )
    )
    # Deliveries without a promised date are not part of the rate.
    cards[-1].value = _delivery_rate(filters, filters.period)
    cards[-1].previous = _delivery_rate(filters, filters.period.previous())
    cards[-1].last_year = _delivery_rate(filters, filters.period.year_before())
    cards.append(
        _card_count(
            filters,
            "acceptance",
            _("Acceptance problems"),
            "sales.acceptance",
            _(
                "Delivery lines the customer accepted with a problem (damage, shortage, wrong "
                "specification), by the day of delivery."
            ),
        )
    )

    charts = []
    labels, now, before, _links = _month_series(filters, "sales.line", "amount")
    trend = Chart(
        "amount_months",
        _("Order amount by month (yuan)"),
        "line",
        labels,
        [
            {
                "name": _("This year"),
                "data": now,
                "links": [
                    filters.drill("sales.order", _period("month", date.fromisoformat(m + "-01")))
                    for m in labels
                ],
            },
            {"name": _("A year before"), "data": before, "links": []},
        ],
        _(
            "Order line amounts in each of the twelve months to the period's end, and the same "
            "months a year before."
        ),
        unit=_("yuan"),
    )
    trend.headers = [_("Month"), _("This year"), _("A year before")]
    trend.rows = [[m, a, b] for m, a, b in zip(labels, now, before, strict=True)]
    charts.append(trend)

    lines = filters.facts("sales.line")
    by_category = _top(_by(lines, "category", "amount"), 12)
    charts.append(
        _bar(
            "amount_category",
            _("Order amount by category"),
            "pie",
            by_category,
            {**_labels("catalog.Category", [k for k, _v in by_category]), 0: _("(none)")},
            lambda k: filters.drill("sales.order", category=k),
            _("Order line amounts in the period, by the product's category."),
            name=_("Amount (yuan)"),
        )
    )
    by_product = _top(_by(lines, "product", "amount"), 10)
    charts.append(
        _bar(
            "amount_product",
            _("Order amount by product (top 10)"),
            "hbar",
            by_product,
            _labels("catalog.Product", [k for k, _v in by_product]),
            lambda k: filters.drill("sales.order", product=k),
            _("Order line amounts in the period, by product."),
            name=_("Amount (yuan)"),
        )
    )
    orders = filters.facts("sales.order")
    by_customer = _top({int(k): v for k, v in _by(orders, "key", "amount").items()}, 10)
    charts.append(
        _bar(
            "amount_customer",
            _("Order amount by customer (top 10)"),
            "hbar",
            by_customer,
            _labels("customers.Customer", [k for k, _v in by_customer]),
            lambda k: filters.drill("sales.order", customer=k),
            _("Order totals in the period, by customer."),
            name=_("Amount (yuan)"),
        )
    )
    by_dealer = _top(_by(lines, "dealer", "amount"), 12)
    charts.append(
        _bar(
            "amount_dealer",
            _("Order amount by dealer"),
            "bar",
            by_dealer,
            {**_labels("customers.Dealer", [k for k, _v in by_dealer]), 0: _("Direct")},
            lambda k: filters.drill("sales.order", dealer=k or "none"),
            _(
                "Order line amounts in the period, by the dealer the order came through (direct "
                "sales apart)."
            ),
            name=_("Amount (yuan)"),
        )
    )
    by_region = _top(_by(lines, "region", "amount"), 12)
    charts.append(
        _bar(
            "amount_region",
            _("Order amount by region"),
            "bar",
            by_region,
            {"": _("(none)")},
            lambda k: filters.drill("sales.order", region=k or "none"),
            _("Order line amounts in the period, by the customer's province."),
            name=_("Amount (yuan)"),
        )
    )
    deliveries = _by(filters.facts("sales.delivery"), "key")
    delivery_labels = {"on_time": _("On time"), "late": _("Late"), "no_date": _("No date promised")}
    charts.append(
        _bar(
            "deliveries",
            _("Deliveries on time"),
            "pie",
            [
                (k, deliveries.get(k, 0))
                for k in ("on_time", "late", "no_date")
                if deliveries.get(k)
            ],
            delivery_labels,
            lambda k: filters.drill("sales.delivery", key=k),
            _("Deliveries made in the period, against the delivery date the order promised."),
        )
    )
    problems = _top(_by(filters.facts("sales.acceptance"), "key"), 10)
    charts.append(
        _bar(
            "acceptance",
            _("Acceptance problems by kind"),
            "bar",
            problems,
            _choices("sales.ShipmentLine", "problem"),
            lambda k: filters.drill("sales.acceptance", key=k),
            _("Delivery lines accepted with a problem in the period, by the problem."),
        )
    )
    return {"cards": cards, "charts": charts}


def _delivery_rate(filters: Filters, period: Period):
    counts = _by(filters.facts("sales.delivery", period), "key")
    return _pct(counts.get("on_time", 0), counts.get("on_time", 0) + counts.get("late", 0))


# --- quality -------------------------------------------------------------------------------------


def quality_dashboard(filters: Filters, today: date) -> dict:
    kind_labels = _choices("quality.Inspection", "kind")
    cards = [
        _rate_card(
            filters,
            "pass_rate",
            _("Inspection pass rate"),
            "quality.inspection",
            {"passed", "passed_with_remarks"},
            _("Of the inspections made in the period, the share passed (with or without remarks)."),
            index=1,
        )
    ]
    shipped = _by(filters.facts("sales.shipped"), "product")
    complaints = _by(filters.facts("case.complaint"), "product")
    outcomes = filters.facts("sanbao.outcome")
    returns = _by(outcomes.filter(key="return"), "product")
    exchanges = _by(outcomes.filter(key="exchange"), "product")
    units = sum(shipped.values())
    per_thousand = Card(
        "complaints_per_1000",
        _("Complaints per 1,000 units shipped"),
        round(1000 * sum(complaints.values()) / units, 2) if units else None,
        definition=_(
            "Complaints received in the period for every thousand units shipped in the period."
        ),
        url=filters.drill("case.complaint"),
    )
    cards.append(per_thousand)
    cards.append(
        Card(
            "return_rate",
            _("Return rate"),
            round(100 * sum(returns.values()) / units, 2) if units else None,
            unit="%",
            definition=_(
                "三包 returns that reached their outcome in the period, per unit "
                "shipped in the period."
            ),
            url=filters.drill("sanbao.outcome", key="return"),
        )
    )
    cards.append(
        Card(
            "exchange_rate",
            _("Exchange rate"),
            round(100 * sum(exchanges.values()) / units, 2) if units else None,
            unit="%",
            definition=_(
                "三包 exchanges that reached their outcome in the period, per unit "
                "shipped in the period."
            ),
            url=filters.drill("sanbao.outcome", key="exchange"),
        )
    )
    ncs = nonconformance_figures(filters, today)
    cards.append(
        Card(
            "nc_open",
            _("Open nonconformances"),
            ncs["open"],
            definition=_("Nonconformances not yet closed, today."),
            url=reverse("quality:nc-list") + "?status=open",
        )
    )
    cards.append(
        Card(
            "nc_overdue",
            _("Corrective actions overdue"),
            ncs["overdue"],
            definition=_("Corrective actions not done whose due date has passed, today."),
            url=reverse("quality:nc-list") + "?status=open",
        )
    )

    charts = []
    inspections = filters.facts("quality.inspection")
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, n in _by(inspections, "key").items():
        kind, verdict = key.split("|")
        per_kind[kind][0 if verdict != "failed" else 1] += n
    kind_pairs = [(k, _pct(v[0], v[0] + v[1])) for k, v in sorted(per_kind.items())]
    pass_chart = _bar(
        "pass_rate",
        _("Pass rate by inspection kind"),
        "bar",
        kind_pairs,
        kind_labels,
        lambda k: filters.drill("quality.inspection", kind=k),
        _("Inspections made in the period, the share passed, by kind of inspection."),
        unit="%",
        name=_("Passed (%)"),
    )
    pass_chart.headers = [_("Inspection"), _("Passed"), _("Failed"), _("Passed (%)")]
    pass_chart.rows = [
        [kind_labels.get(k, k), per_kind[k][0], per_kind[k][1], v] for k, v in kind_pairs
    ]
    charts.append(pass_chart)
    failures = _top(_by(filters.facts("quality.failed_item"), "key"), 10)
    charts.append(
        _bar(
            "failed_items",
            _("Failures by inspection item (top 10)"),
            "hbar",
            failures,
            None,
            lambda k: filters.drill("quality.failed_item", key=k),
            _("Inspection items failed in the period, by item."),
        )
    )
    products = sorted(
        (set(shipped) | set(complaints)) - {0}, key=lambda p: (-complaints.get(p, 0), p)
    )[:12]
    names = _labels("catalog.Product", products)
    rate = Chart(
        "complaints_product",
        _("Complaints per 1,000 units shipped, by product"),
        "bar",
        [names.get(p, p) for p in products],
        [
            {
                "name": _("Per 1,000 units"),
                "data": [
                    round(1000 * complaints.get(p, 0) / shipped[p], 2) if shipped.get(p) else None
                    for p in products
                ],
                "links": [filters.drill("case.complaint", product=p) for p in products],
            }
        ],
        _(
            "Complaints received in the period per thousand units of the product shipped in the "
            "period (blank when none was shipped)."
        ),
    )
    rate.headers = [
        _("Product"),
        _("Units shipped"),
        _("Complaints"),
        _("Per 1,000 units"),
        _("Returns"),
        _("Exchanges"),
    ]
    rate.rows = [
        [
            names.get(p, p),
            shipped.get(p, 0),
            complaints.get(p, 0),
            rate.series[0]["data"][i],
            returns.get(p, 0),
            exchanges.get(p, 0),
        ]
        for i, p in enumerate(products)
    ]
    charts.append(rate)
    batch_shipped = _by(filters.facts("sales.shipped"), "key")
    batch_complaints = _top(
        {k: v for k, v in _by(filters.facts("case.complaint"), "key").items() if k != "0"}, 10
    )
    batch_names = _labels("catalog.Batch", [int(k) for k, _v in batch_complaints])
    by_batch = Chart(
        "complaints_batch",
        _("Complaints per 1,000 units shipped, by batch (top 10)"),
        "hbar",
        [batch_names.get(int(k), k) for k, _v in batch_complaints],
        [
            {
                "name": _("Per 1,000 units"),
                "data": [
                    round(1000 * v / batch_shipped[k], 2) if batch_shipped.get(k) else None
                    for k, v in batch_complaints
                ],
                "links": [filters.drill("case.complaint", batch=k) for k, _v in batch_complaints],
            }
        ],
        _(
            "The batches with the most complaints in the period, and their complaints per "
            "thousand units of the batch shipped in the period."
        ),
    )
    by_batch.headers = [_("Batch"), _("Units shipped"), _("Complaints"), _("Per 1,000 units")]
    by_batch.rows = [
        [batch_names.get(int(k), k), batch_shipped.get(k, 0), v, by_batch.series[0]["data"][i]]
        for i, (k, v) in enumerate(batch_complaints)
    ]
    charts.append(by_batch)
    return {
        "cards": cards,
        "charts": charts,
        "nonconformances": ncs,
        "releases": emergency_releases(filters, today),
    }


def nonconformance_figures(filters: Filters, today: date) -> dict:
    """Open nonconformances by severity and overdue corrective actions, today (a small table,
    read as it is)."""
    from django.db.models import Count

    from aftersales.quality.models import CorrectiveAction, Nonconformance

    open_ncs = Nonconformance.objects.exclude(status="closed")
    by_severity = dict(
        open_ncs.order_by()
        .values_list("severity")
        .annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    overdue = CorrectiveAction.objects.filter(done_at__isnull=True, due_on__lt=today).exclude(
        nonconformance__status="closed"
    )
    labels = _choices("quality.Nonconformance", "severity")
    return {
        "open": sum(by_severity.values()),
        "overdue": overdue.count(),
        "by_severity": [(labels.get(k, k), n) for k, n in sorted(by_severity.items())],
    }


def emergency_releases(filters: Filters, today: date) -> list[dict]:
    """Emergency releases decided in the period and what became of the batch since: its later
    inspection's verdict and its complaints."""
    from django.db.models import Count, OuterRef, Subquery

    from aftersales.catalog.models import EmergencyRelease
    from aftersales.quality.models import Inspection
    from aftersales.service.models import Case

    later = Inspection.objects.filter(batch=OuterRef("batch")).order_by("-inspected_at")
    complaints = (
        Case.objects.filter(batch=OuterRef("batch"), is_complaint=True)
        .order_by()
        .values("batch")
        .annotate(n=Count("id"))
        .values("n")
    )
    releases = (
        EmergencyRelease.objects.filter(
            created_at__date__gte=filters.period.start, created_at__date__lt=filters.period.end
        )
        .select_related("batch__product")
        .annotate(verdict=Subquery(later.values("verdict")[:1]), complaints=Subquery(complaints))
        .order_by("-created_at")
    )
    if filters.product:
        releases = releases.filter(batch__product=filters.product)
    verdicts = _choices("quality.Inspection", "verdict")
    statuses = _choices("catalog.EmergencyRelease", "status")
    return [
        {
            "batch": r.batch.batch_no,
            "batch_id": r.batch_id,
            "product": str(r.batch.product),
            "status": statuses.get(r.status, r.status),
            "requested": r.created_at,
            "verdict": verdicts.get(r.verdict or "", "") or _("not inspected yet"),
            "failed": r.verdict == "failed",
            "complaints": r.complaints or 0,
        }
        for r in releases[:50]
    ]


# --- satisfaction and people ---------------------------------------------------------------------


def _csat(counts: dict) -> float | None:
    whole = sum(counts.values())
    return _pct(sum(v for k, v in counts.items() if int(k) >= 4), whole)


def _nps(counts: dict) -> float | None:
    whole = sum(counts.values())
    if not whole:
        return None
    promoters = sum(v for k, v in counts.items() if int(k) >= 9)
    detractors = sum(v for k, v in counts.items() if int(k) <= 6)
    return round(100 * (promoters - detractors) / whole, 1)


def satisfaction_dashboard(filters: Filters, today: date) -> dict:
    cards = []
    csat = Card("csat", _("Satisfied (CSAT)"), None, unit="%")
    overall = _by(filters.facts("survey.overall", card=csat), "key")
    csat.value = _csat(overall)
    csat.previous = _csat(_by(filters.facts("survey.overall", filters.period.previous()), "key"))
    csat.last_year = _csat(
        _by(filters.facts("survey.overall", filters.period.year_before()), "key")
    )
    csat.definition = _(
        "Of the surveys answered in the period, the share with an overall score of 4 or 5 (of 5)."
    )
    csat.url = filters.drill("survey.overall")
    cards.append(csat)
    nps = Card("nps", _("Net promoter score"), None)
    nps_counts = _by(filters.facts("survey.nps", card=nps), "key")
    nps.value = _nps(nps_counts)
    nps.previous = _nps(_by(filters.facts("survey.nps", filters.period.previous()), "key"))
    nps.last_year = _nps(_by(filters.facts("survey.nps", filters.period.year_before()), "key"))
    nps.definition = _(
        'The share of 9–10 answers minus the share of 0–6 answers to "would you '
        'recommend us", from −100 to 100.'
    )
    nps.url = filters.drill("survey.nps")
    cards.append(nps)
    cards.append(
        Card(
            "answers",
            _("Surveys answered"),
            sum(overall.values()),
            definition=_("Surveys answered in the period with an overall score."),
            url=filters.drill("survey.overall"),
        )
    )

    charts = []
    end_month = _add_months(filters.period.end, -1)
    months = [_add_months(end_month, -i) for i in range(11, -1, -1)]
    since = months[0]
    by_month: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    by_month_nps: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    for measure, target in (("survey.overall", by_month), ("survey.nps", by_month_nps)):
        rows = filters.narrow(
            Fact.objects.filter(measure=measure, day__gte=since, day__lt=filters.period.end),
            measure,
        )
        for r in rows.order_by().values("day", "key").annotate(v=Sum("count")):
            target[date(r["day"].year, r["day"].month, 1)][r["key"]] += r["v"]
    labels = [f"{m:%Y-%m}" for m in months]
    trend = Chart(
        "satisfaction_months",
        _("CSAT and NPS by month"),
        "line",
        labels,
        [
            {
                "name": _("CSAT (%)"),
                "data": [_csat(by_month[m]) for m in months],
                "links": [filters.drill("survey.overall", _period("month", m)) for m in months],
            },
            {
                "name": _("NPS"),
                "data": [_nps(by_month_nps[m]) for m in months],
                "links": [filters.drill("survey.nps", _period("month", m)) for m in months],
            },
        ],
        _("Each month's CSAT and NPS, for the twelve months to the period's end."),
    )
    trend.headers = [_("Month"), _("CSAT (%)"), _("NPS"), _("Answers")]
    trend.rows = [
        [f"{m:%Y-%m}", _csat(by_month[m]), _nps(by_month_nps[m]), sum(by_month[m].values())]
        for m in months
    ]
    charts.append(trend)
    scores = [(str(s), overall.get(str(s), 0)) for s in range(1, 6)]
    charts.append(
        _bar(
            "overall_scores",
            _("Overall scores"),
            "bar",
            scores,
            None,
            lambda k: filters.drill("survey.overall", key=k),
            _("Surveys answered in the period, by their overall score (1–5)."),
        )
    )
    charts.append(scorecard_chart(filters))
    return {"cards": cards, "charts": charts}


SCORE_BANDS = ((0, 60), (60, 70), (70, 80), (80, 90), (90, None))


def scorecard_chart(filters: Filters) -> Chart:
    """How the period's monthly scorecards are spread over score bands (a table of people ×
    months, read as it is)."""
    from aftersales.core.hooks import call_hook

    totals = [
        t
        for found in call_hook(
            "scorecard_totals", period=filters.period.label, department=filters.department
        )
        for t in found
    ]
    bands = []
    for low, high in SCORE_BANDS:
        n = sum(1 for t in totals if t >= low and (high is None or t < high))
        bands.append(((low, high), n))
    chart = _bar(
        "scorecards",
        _("Scorecards by total score"),
        "bar",
        bands,
        {(lo, hi): (f"{lo}–{hi}" if hi else f"≥{lo}") for lo, hi in SCORE_BANDS},
        lambda k: reverse("staff:scorecards") + "?" + urlencode({"period": filters.period.label}),
        _(
            "The period's scorecards (the latest revision of each, reviewed or later), by total "
            "score."
        ),
        name=_("Scorecards"),
    )
    return chart


DASHBOARDS = {
    "service": (gettext_lazy("Service"), service_dashboard),
    "sales": (gettext_lazy("Sales"), sales_dashboard),
    "quality": (gettext_lazy("Quality"), quality_dashboard),
    "satisfaction": (gettext_lazy("Satisfaction and people"), satisfaction_dashboard),
}


def headline(today: date) -> list[Card]:
    """The vice-president's workbench: this month so far, one card per area."""
    filters = Filters(period_of("month", today))
    service = service_dashboard(filters, today)["cards"]
    return [c for c in service if c.key in ("intake", "backlog", "sla")]


def open_backlog_statuses() -> tuple:
    return OPEN_CASE
