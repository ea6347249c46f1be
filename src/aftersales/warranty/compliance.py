"""The compliance register (WAR-14, S14 六): what the company may be held to account for.

Three kinds of row, one queryset for the page, the Excel export, the PDF and the API:

- ``refused``: a 三包 request rejected (at review, or when the goods came back); the amount at
  stake is the price paid;
- ``overridden``: the reviewer decided a remedy the rules did not offer (an approval; a
  rejection against the rules is a refusal above, flagged by its reason); the price is at
  stake;
- ``late_refund``: a refund recorded after its due day, or not recorded and the day passed;
  the customer may claim three times the refund (S14 二.2), so that is the exposure. While the
  refund is not recorded its amount is the price paid.

Each row has a day (``on``): the day of the decision, or the refund's due day; the month
filter and the monthly summary go by it. Days late are calendar days, as the deadline itself
is (the engine's days counted as a civil-law period, ``applications._start_refund_clock``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Application, ApplicationEvent, Remedy
from .permissions import can_view_compliance
from .selectors import application_list_for_user

REFUSED, OVERRIDDEN, LATE_REFUND = "refused", "overridden", "late_refund"
KINDS = {
    REFUSED: _("Refused Three Guarantees (三包) request"),
    OVERRIDDEN: _("Rules overridden"),
    LATE_REFUND: _("Late refund"),
}
KIND_ORDER = (REFUSED, OVERRIDDEN, LATE_REFUND)
THREEFOLD = Decimal("3")  # S14 二.2: three times the refund
MONEY = DecimalField(max_digits=14, decimal_places=2)
FIELDS = (
    "kind",
    "id",
    "number",
    "case_number",
    "customer_name",
    "product_name",
    "amount",
    "exposure",
    "due_on",
    "decided_at",
    "refunded",
    "why",
    "on",
)


class MonthInvalid(ValueError):
    """The ``month`` filter is not ``YYYY-MM``."""


@dataclass(frozen=True)
class ComplianceFilter:
    month: tuple[int, int] | None = None  # (year, month)
    kind: str = ""  # one of KINDS, or all


def month_parse(raw: str) -> tuple[int, int] | None:
    """``"2026-11"`` → ``(2026, 11)``; ``""`` → None; anything else raises ``MonthInvalid``."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        year_text, month_text = raw.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise MonthInvalid(raw) from None
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        raise MonthInvalid(raw)
    return year, month


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def _late_q(today: date) -> Q:
    """Refunds recorded after their due day, or still waiting for one with the day passed."""
    unpaid = Q(
        refunded_at__isnull=True,
        status=Application.Status.GOODS_RECEIVED,
        remedy=Remedy.RETURN,
        refund_due_on__lt=today,
    )
    return Q(refund_due_on__isnull=False) & (
        unpaid | Q(refunded_at__isnull=False, refunded_at__date__gt=F("refund_due_on"))
    )


def _refused_q() -> Q:
    return Q(
        Exists(ApplicationEvent.objects.filter(application=OuterRef("pk"), action="reject")),
        reviewed_at__isnull=False,
    )


def _base(user) -> QuerySet[Application]:
    if not can_view_compliance(user):
        return Application.objects.none()
    return application_list_for_user(user).order_by()


def _parts(user, filters: ComplianceFilter, *, today: date) -> dict[str, QuerySet]:
    """Each kind's applications, filtered (the month) but not yet shaped into rows."""
    base = _base(user)
    parts = {
        REFUSED: base.filter(_refused_q()),
        OVERRIDDEN: base.filter(overridden=True, reviewed_at__isnull=False).exclude(_refused_q()),
        LATE_REFUND: base.filter(_late_q(today)),
    }
    if filters.month:
        start = _month_start(*filters.month)
        end = _next_month(start)
        for kind in (REFUSED, OVERRIDDEN):
            parts[kind] = parts[kind].filter(
                reviewed_at__gte=_aware(start), reviewed_at__lt=_aware(end)
            )
        parts[LATE_REFUND] = parts[LATE_REFUND].filter(
            refund_due_on__gte=start, refund_due_on__lt=end
        )
    if filters.kind in KINDS:
        parts = {filters.kind: parts[filters.kind]}
    return parts


def late_refunds_for(user, today: date) -> QuerySet[Application]:
    """The applications behind the register's late-refund rows (the workbench's trend)."""
    return _base(user).filter(_late_q(today))


def _amount(kind: str):
    if kind == LATE_REFUND:
        return Coalesce(F("refund_total"), F("price"), output_field=MONEY)
    return F("price")


def _shape(kind: str, qs: QuerySet) -> QuerySet:
    amount = _amount(kind)
    late = kind == LATE_REFUND
    # Typed NULLs (NULL::date): PostgreSQL cannot match an untyped NULL with a date column
    # across the UNION's branches.
    none_dt = Cast(Value(None), output_field=DateTimeField())
    none_day = Cast(Value(None), output_field=DateField())
    return qs.annotate(
        kind=Value(kind, output_field=CharField()),
        case_number=F("case__number"),
        customer_name=F("customer__name"),
        product_name=F("product__name"),
        amount=amount,
        exposure=amount * THREEFOLD if late else amount,
        due_on=F("refund_due_on") if late else none_day,
        decided_at=none_dt if late else F("reviewed_at"),
        refunded=F("refunded_at") if late else none_dt,
        why=Value("", output_field=CharField()) if late else F("review_note"),
        on=F("refund_due_on") if late else TruncDate("reviewed_at"),
    ).values(*FIELDS)


def compliance_rows(user, filters: ComplianceFilter | None = None, *, today: date | None = None):
    """The register's one queryset (of dicts), newest first: the page pages it, the Excel
    and PDF exports and the API read it alike."""
    today = today or timezone.localdate()
    parts = _parts(user, filters or ComplianceFilter(), today=today)
    shaped = [_shape(kind, qs) for kind, qs in parts.items()]
    first, *rest = shaped
    qs = first.union(*rest, all=True) if rest else first
    return qs.order_by("-on", "kind", "-number")


@dataclass(frozen=True)
class Row:
    kind: str
    number: str
    case_number: str | None
    customer: str
    product: str
    amount: Decimal
    exposure: Decimal
    days_late: int | None
    due_on: date | None
    decided_at: datetime | None
    refunded_at: datetime | None
    reason: str
    on: date

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def threefold(self) -> bool:
        return self.kind == LATE_REFUND


def as_row(values: dict, *, today: date | None = None) -> Row:
    kind = values["kind"]
    refunded_at = values["refunded"]
    due_on = values["due_on"]
    days_late = None
    if kind == LATE_REFUND and due_on is not None:
        until = (
            timezone.localtime(refunded_at).date()
            if refunded_at
            else (today or timezone.localdate())
        )
        days_late = max(0, (until - due_on).days)
    on = values["on"]
    if isinstance(on, datetime):  # SQLite hands a truncated day back as a moment
        on = on.date()
    elif isinstance(on, str):
        on = date.fromisoformat(on[:10])
    return Row(
        kind=kind,
        number=values["number"],
        case_number=values["case_number"],
        customer=values["customer_name"],
        product=values["product_name"],
        amount=Decimal(values["amount"]).quantize(Decimal("0.01")),
        exposure=Decimal(values["exposure"]).quantize(Decimal("0.01")),
        days_late=days_late,
        due_on=due_on,
        decided_at=values["decided_at"],
        refunded_at=refunded_at,
        reason=values["why"] or "",
        on=on,
    )


def rows_of(queryset, *, today: date | None = None):
    today = today or timezone.localdate()
    for values in queryset:
        yield as_row(values, today=today)


# -- totals and the monthly summary ------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    kind: str
    count: int
    exposure: Decimal

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])


def compliance_totals(user, filters: ComplianceFilter | None = None, *, today=None) -> dict:
    """Count and exposure per kind and overall, for the filters (one aggregate per kind)."""
    today = today or timezone.localdate()
    parts = _parts(user, filters or ComplianceFilter(), today=today)
    kinds = []
    for kind in KIND_ORDER:
        if kind not in parts:
            continue
        amount = _amount(kind)
        row = parts[kind].aggregate(
            n=Count("pk"),
            s=Sum(amount * THREEFOLD if kind == LATE_REFUND else amount, output_field=MONEY),
        )
        kinds.append(Total(kind, row["n"] or 0, Decimal(row["s"] or 0).quantize(Decimal("0.01"))))
    return {
        "kinds": kinds,
        "count": sum(t.count for t in kinds),
        "exposure": sum((t.exposure for t in kinds), Decimal("0.00")),
    }


def months_back(today: date, months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first, this month last."""
    firsts = [date(today.year, today.month, 1)]
    while len(firsts) < months:
        first = firsts[-1]
        firsts.append(date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1))
    return list(reversed(firsts))


def compliance_summary(user, *, months: int = 12, today: date | None = None) -> list[dict]:
    """Per month of the last ``months`` (oldest first): the count and exposure of each kind
    and in all. One grouped query per kind."""
    today = today or timezone.localdate()
    firsts = months_back(today, months)
    start = firsts[0]
    table = {
        first: {k: {"count": 0, "exposure": Decimal("0.00")} for k in KIND_ORDER}
        for first in firsts
    }
    parts = _parts(user, ComplianceFilter(), today=today)
    for kind in KIND_ORDER:
        qs = parts[kind]
        if kind == LATE_REFUND:
            qs = qs.filter(refund_due_on__gte=start)
            month = TruncMonth("refund_due_on", output_field=DateField())
        else:
            qs = qs.filter(reviewed_at__gte=_aware(start))
            month = TruncMonth("reviewed_at", output_field=DateField())
        amount = _amount(kind)
        grouped = (
            qs.annotate(m=month)
            .values("m")
            .annotate(
                n=Count("pk"),
                s=Sum(amount * THREEFOLD if kind == LATE_REFUND else amount, output_field=MONEY),
            )
            .order_by("m")
        )
        for g in grouped:
            m = g["m"]
            if isinstance(m, datetime):
                m = m.date()
            m = date(m.year, m.month, 1)
            if m in table:
                table[m][kind] = {
                    "count": g["n"],
                    "exposure": Decimal(g["s"] or 0).quantize(Decimal("0.01")),
                }
    summary = []
    for first in firsts:
        kinds = table[first]
        summary.append(
            {
                "month": f"{first.year:04d}-{first.month:02d}",
                **{k: kinds[k] for k in KIND_ORDER},
                "count": sum(v["count"] for v in kinds.values()),
                "exposure": sum((v["exposure"] for v in kinds.values()), Decimal("0.00")),
            }
        )
    return summary


# -- the printed and exported register ---------------------------------------------------------

HEADERS = [
    _("Kind"),
    _("Application"),
    _("Case"),
    _("Customer"),
    _("Product"),
    _("Amount (CNY)"),
    _("Exposure (CNY)"),
    _("Days late"),
    _("Refund due on"),
    _("Decided / refunded"),
    _("Reason"),
]


def export_rows(queryset, *, today: date | None = None):
    from aftersales.core.times import local_text

    for r in rows_of(queryset, today=today):
        yield [
            r.kind_label,
            r.number,
            r.case_number or "",
            r.customer,
            r.product,
            r.amount,
            r.exposure,
            r.days_late if r.days_late is not None else "",
            r.due_on.isoformat() if r.due_on else "",
            local_text(r.decided_at or r.refunded_at, "%Y-%m-%d")
            if (r.decided_at or r.refunded_at)
            else "",
            r.reason,
        ]
