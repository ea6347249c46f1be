"""The computed indicators (STF-2): each source answers, for a period, every person's value in
a few set-based queries (``values``), and for one person the records the value came from
(``records``), so the person can check their own number.

A value is attributed to the person the record names: the case's handler (``assignee``), the
visit's technician, the caller who made the follow-up, the attendee. Rates with nothing to
count are ``None`` (no data: the line is left out of the total); counts are 0.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.errors import InvalidInput

from .models import Attendance, PeriodKind, Source, StaffPolicy, TrainingRequirement

TWO = Decimal("0.01")
ONE = Decimal("0.1")
MAX_RECORDS = 1000  # a drill-down lists at most this many (the count says how many in all)


# -- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    kind: str
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(
            self.first, datetime.min.time(), tzinfo=timezone.get_current_timezone()
        )

    @property
    def end(self) -> datetime:
        """The moment after the period (exclusive)."""
        return datetime.combine(
            self.last + timedelta(days=1),
            datetime.min.time(),
            tzinfo=timezone.get_current_timezone(),
        )

    def previous(self) -> Period:
        return period_containing(self.first - timedelta(days=1), self.kind)

    def next(self) -> Period:
        return period_containing(self.last + timedelta(days=1), self.kind)

    def __str__(self) -> str:
        return self.key


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """``2026-11`` (a month) or ``2026-Q4`` (a quarter); anything else is a 400 on ``period``."""
    raw = (text or "").strip()
    month, quarter = _MONTH.match(raw), _QUARTER.match(raw)
    if month and 2000 <= int(month[1]) <= 2100 and 1 <= int(month[2]) <= 12:
        return period_containing(date(int(month[1]), int(month[2]), 1), PeriodKind.MONTH)
    if quarter and 2000 <= int(quarter[1]) <= 2100:
        return period_containing(
            date(int(quarter[1]), 3 * int(quarter[2]) - 2, 1), PeriodKind.QUARTER
        )
    raise InvalidInput(
        fields={
            "period": [
                _("Give a month like 2026-11 or a quarter like 2026-Q4 (got “%(value)s”).")
                % {"value": raw[:20]}
            ]
        }
    )


def period_containing(day: date, kind: str) -> Period:
    if kind == PeriodKind.QUARTER:
        q = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * q - 2, 1)
        last = _month_last(date(day.year, 3 * q, 1))
        return Period(f"{day.year}-Q{q}", PeriodKind.QUARTER, first, last)
    first = day.replace(day=1)
    return Period(f"{first:%Y-%m}", PeriodKind.MONTH, first, _month_last(first))


def _month_last(first: date) -> date:
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


# -- scoring -----------------------------------------------------------------------------------


def line_score(value, target, direction: str, points_per_unit=Decimal("20")) -> Decimal | None:
    """0–100: at or beyond the target 100; short of it in proportion (higher-is-better:
    value / target; lower-is-better: target / value, or, with a target of 0, 100 less
    ``points_per_unit`` for each unit). No value: no score."""
    if value is None:
        return None
    value, target = Decimal(value), Decimal(target)
    if direction == "lower":
        if value <= target:
            score = Decimal(100)
        elif target > 0:
            score = 100 * target / value
        else:
            score = 100 - Decimal(points_per_unit) * value
    elif value >= target or target <= 0:
        score = Decimal(100)
    else:
        score = 100 * value / target
    return min(Decimal(100), max(Decimal(0), score)).quantize(ONE, ROUND_HALF_UP)


def weighted_total(lines) -> Decimal | None:
    """Σ score × weight / Σ weight over the lines that have a score."""
    scored = [(line.score, line.weight) for line in lines if line.score is not None]
    weight = sum((w for _s, w in scored), Decimal(0))
    if not weight:
        return None
    return (sum((s * w for s, w in scored), Decimal(0)) / weight).quantize(ONE, ROUND_HALF_UP)


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(TWO, ROUND_HALF_UP)


def _dec(value) -> Decimal:
    return Decimal(str(value)).quantize(TWO, ROUND_HALF_UP)


# -- drill-down rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One record behind a value: its number, when, what it says, whether it counted for the
    person (met / fixed / satisfied), and the page (when the reader may open it)."""

    number: str
    when: object  # a moment, or a day (a training session's)
    text: str
    good: bool | None
    url: str = ""

    @property
    def when_text(self) -> str:
        if isinstance(self.when, datetime):
            return timezone.localtime(self.when).strftime("%Y-%m-%d %H:%M")
        return self.when.isoformat() if self.when is not None else "—"


class Links:
    """Which record pages the reader may open (asked once per kind)."""

    def __init__(self, reader):
        self.reader = reader
        self._cache: dict[str, bool] = {}

    def _may(self, kind: str) -> bool:
        if kind not in self._cache:
            self._cache[kind] = _MAY_OPEN[kind](self.reader)
        return self._cache[kind]

    def case(self, number: str) -> str:
        return reverse("service:case-detail", args=[number]) if self._may("case") else ""

    def work_order(self, number: str) -> str:
        return (
            reverse("repairs:work-order-detail", args=[number]) if self._may("work_order") else ""
        )

    def survey(self, pk: int) -> str:
        return reverse("feedback:survey", args=[pk]) if self._may("survey") else ""

    def follow_up(self, number: str) -> str:
        return reverse("feedback:follow-up", args=[number]) if self._may("follow_up") else ""


def _may_case(user) -> bool:
    from aftersales.accounts.permissions import user_roles
    from aftersales.customers.permissions import is_dealer_user

    return bool(user_roles(user)) and not is_dealer_user(user)


def _may_work_order(user) -> bool:
    from aftersales.repairs.permissions import can_view_work_orders

    return can_view_work_orders(user)


def _may_survey(user) -> bool:
    from aftersales.feedback.permissions import can_view_all_surveys

    return can_view_all_surveys(user)


def _may_follow_up(user) -> bool:
    from aftersales.feedback.permissions import can_work_queue

    return can_work_queue(user)


_MAY_OPEN = {
    "case": _may_case,
    "work_order": _may_work_order,
    "survey": _may_survey,
    "follow_up": _may_follow_up,
}


# -- the sources -------------------------------------------------------------------------------


class Context:
    """What one computation shares between sources: the period, each person's role, the
    policy, and results two sources both need (the resolution times)."""

    def __init__(self, period: Period, roles: dict[int, str]):
        self.period = period
        self.roles = roles
        self.policy = StaffPolicy.objects.filter(active=True).first() or StaffPolicy()
        self.memo: dict = {}


Values = dict[int, tuple[Decimal | None, int]]


def _case_model():
    from aftersales.service.models import Case

    return Case


def _work_order_model():
    from aftersales.repairs.models import WorkOrder

    return WorkOrder


# SLA met rates ---------------------------------------------------------------------------------


def _sla_clocks(metric: str, period: Period):
    from aftersales.sla.models import SlaClock

    Case = _case_model()
    case = Case.objects.filter(pk=OuterRef("owner_id")).order_by()  # one row: no sort
    return SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(Case),
        metric=metric,
        status__in=[SlaClock.Status.MET, SlaClock.Status.BREACHED],
        stopped_at__gte=period.start,
        stopped_at__lt=period.end,
    ).annotate(person=Subquery(case.values("assignee")[:1]))


def _sla_values(metric: str) -> Callable[[Context], Values]:
    def values(ctx: Context) -> Values:
        from aftersales.sla.models import SlaClock

        rows = (
            _sla_clocks(metric, ctx.period)
            .filter(person__isnull=False)
            .order_by()
            .values("person")
            .annotate(n=Count("id"), met=Count("id", filter=Q(status=SlaClock.Status.MET)))
        )
        return {r["person"]: (_pct(r["met"], r["n"]), r["n"]) for r in rows}

    return values


def _sla_records(metric: str):
    def records(ctx: Context, user, links: Links) -> list[Row]:
        from aftersales.sla.models import SlaClock

        Case = _case_model()
        clocks = (
            _sla_clocks(metric, ctx.period)
            .filter(owner_id__in=Case.objects.filter(assignee=user).order_by().values("pk"))
            .annotate(
                number=Subquery(
                    Case.objects.filter(pk=OuterRef("owner_id")).order_by().values("number")[:1]
                )
            )
            .order_by("stopped_at")
        )
        return [
            Row(
                c.number,
                c.stopped_at,
                _("due %(due)s") % {"due": timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M")},
                c.status == SlaClock.Status.MET,
                links.case(c.number),
            )
            for c in clocks[:MAX_RECORDS]
        ]

    return records


# resolution times -------------------------------------------------------------------------------


def _resolved_cases(period: Period):
    return _case_model().objects.filter(
        resolved_at__gte=period.start, resolved_at__lt=period.end, assignee__isnull=False
    )


def _hours(ctx: Context, start: datetime, end: datetime) -> float:
    from aftersales.workdays import BusinessHours, current_calendar

    calendar = ctx.memo.get("calendar")
    if calendar is None:
        calendar = ctx.memo["calendar"] = current_calendar()
        ctx.memo["business"] = BusinessHours(ctx.policy.business_opens, ctx.policy.business_closes)
    try:
        spent = calendar.working_time_between(start, end, ctx.memo["business"])
    except ValueError:  # outside the calendar's years: clock hours
        spent = max(end - start, timedelta(0))
    return spent.total_seconds() / 3600


def _resolution_hours(ctx: Context) -> dict[int, list[float]]:
    if "resolution" not in ctx.memo:
        by_person: dict[int, list[float]] = defaultdict(list)
        rows = _resolved_cases(ctx.period).values_list("assignee", "created_at", "resolved_at")
        for person, created, resolved in rows.iterator(chunk_size=5000):
            by_person[person].append(_hours(ctx, created, resolved))
        ctx.memo["resolution"] = by_person
    return ctx.memo["resolution"]


def p90(hours: list[float]) -> float:
    """The nearest-rank 90th percentile: the smallest value at least 90 % of the list reach."""
    ordered = sorted(hours)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _resolution_avg(ctx: Context) -> Values:
    return {p: (_dec(sum(h) / len(h)), len(h)) for p, h in _resolution_hours(ctx).items() if h}


def _resolution_p90(ctx: Context) -> Values:
    return {p: (_dec(p90(h)), len(h)) for p, h in _resolution_hours(ctx).items() if h}


def _resolution_records(ctx: Context, user, links: Links) -> list[Row]:
    cases = _resolved_cases(ctx.period).filter(assignee=user).order_by("resolved_at")
    return [
        Row(
            c.number,
            c.resolved_at,
            _("%(hours)s working hours")
            % {"hours": _dec(_hours(ctx, c.created_at, c.resolved_at))},
            None,
            links.case(c.number),
        )
        for c in cases.only("number", "created_at", "resolved_at")[:MAX_RECORDS]
    ]


# visits -------------------------------------------------------------------------------------


REPAIR_KINDS = ("onsite_repair", "mail_in")
# Visits to the customer (remote support and the repair centre's mail-ins are not visits).
ON_SITE_KINDS = ("onsite_repair", "installation", "maintenance", "inspection")


def _completed_visits(period: Period):
    WorkOrder = _work_order_model()
    return WorkOrder.objects.filter(
        completed_at__gte=period.start, completed_at__lt=period.end, technician__isnull=False
    ).exclude(status=WorkOrder.Status.CANCELLED)


def _first_visits(period: Period):
    """Repair visits completed in the period that were their case's first."""
    WorkOrder = _work_order_model()
    earlier = WorkOrder.objects.filter(
        case=OuterRef("case"), created_at__lt=OuterRef("created_at"), kind__in=REPAIR_KINDS
    ).exclude(status=WorkOrder.Status.CANCELLED)
    return (
        _completed_visits(period)
        .filter(kind__in=REPAIR_KINDS)
        .exclude(result="")
        .annotate(repeat_visit=Exists(earlier))
        .filter(repeat_visit=False)
    )


def _first_time_fix(ctx: Context) -> Values:
    rows = (
        _first_visits(ctx.period)
        .order_by()
        .values("technician")
        .annotate(n=Count("id"), fixed=Count("id", filter=Q(result="fixed")))
    )
    return {r["technician"]: (_pct(r["fixed"], r["n"]), r["n"]) for r in rows}


def _first_time_fix_records(ctx: Context, user, links: Links) -> list[Row]:
    visits = _first_visits(ctx.period).filter(technician=user).order_by("completed_at")
    return [
        Row(
            wo.number,
            wo.completed_at,
            wo.get_result_display(),
            wo.result == "fixed",
            links.work_order(wo.number),
        )
        for wo in visits[:MAX_RECORDS]
    ]


def _repaired(ctx: Context):
    """Repeat repairs seen in the period: a fixed repair visit after which the same customer
    reported the same product for repair again (a new repair case opened in the period)
    within the policy's window. So the repairs of the period's last weeks count in the month
    their repeat comes, and each month's number is known when the month ends."""
    Case = _case_model()
    window = timedelta(days=ctx.policy.repeat_repair_days)
    period = ctx.period
    later = Case.objects.filter(
        customer=OuterRef("customer"),
        product=OuterRef("product"),
        kind="repair",
        created_at__gt=OuterRef("completed_at"),  # not the repaired case itself
        created_at__lte=OuterRef("repeat_until"),
        created_at__gte=period.start,
        created_at__lt=period.end,
    )
    WorkOrder = _work_order_model()
    return (
        WorkOrder.objects.filter(
            completed_at__gte=period.start - window,
            completed_at__lt=period.end,
            technician__isnull=False,
            kind__in=REPAIR_KINDS,
            result="fixed",
            product__isnull=False,
        )
        .annotate(
            repeat_until=ExpressionWrapper(
                F("completed_at") + window, output_field=DateTimeField()
            ),
            again=Subquery(later.order_by("created_at").values("number")[:1]),
        )
        .filter(again__isnull=False)
    )


def _repeat_repairs(ctx: Context) -> Values:
    rows = _repaired(ctx).order_by().values("technician").annotate(n=Count("id"))
    return {r["technician"]: (Decimal(r["n"]), r["n"]) for r in rows}


def _repeat_records(ctx: Context, user, links: Links) -> list[Row]:
    visits = _repaired(ctx).filter(technician=user).order_by("completed_at")
    return [
        Row(
            wo.number,
            wo.completed_at,
            _("reported again: %(number)s") % {"number": wo.again},
            False,
            links.work_order(wo.number),
        )
        for wo in visits[:MAX_RECORDS]
    ]


def _on_site(period: Period):
    return _completed_visits(period).filter(kind__in=ON_SITE_KINDS)


def _visits_handled(ctx: Context) -> Values:
    rows = _on_site(ctx.period).order_by().values("technician").annotate(n=Count("id"))
    return {r["technician"]: (Decimal(r["n"]), r["n"]) for r in rows}


def _visit_records(ctx: Context, user, links: Links) -> list[Row]:
    visits = _on_site(ctx.period).filter(technician=user).order_by("completed_at")
    return [
        Row(wo.number, wo.completed_at, wo.get_kind_display(), None, links.work_order(wo.number))
        for wo in visits[:MAX_RECORDS]
    ]


# cases ---------------------------------------------------------------------------------------


def _cases_handled(ctx: Context) -> Values:
    rows = _resolved_cases(ctx.period).order_by().values("assignee").annotate(n=Count("id"))
    return {r["assignee"]: (Decimal(r["n"]), r["n"]) for r in rows}


def _case_records(ctx: Context, user, links: Links) -> list[Row]:
    cases = _resolved_cases(ctx.period).filter(assignee=user).order_by("resolved_at")
    return [
        Row(c.number, c.resolved_at, c.get_kind_display(), None, links.case(c.number))
        for c in cases.only("number", "kind", "resolved_at")[:MAX_RECORDS]
    ]


# follow-ups and surveys -------------------------------------------------------------------------


def _follow_ups_done(period: Period):
    from aftersales.feedback.models import FollowUp

    return FollowUp.objects.filter(
        status=FollowUp.Status.DONE,
        done_at__gte=period.start,
        done_at__lt=period.end,
        done_by__isnull=False,
    ).annotate(done_on=TruncDate("done_at"))


def _follow_ups_on_time(ctx: Context) -> Values:
    rows = (
        _follow_ups_done(ctx.period)
        .order_by()
        .values("done_by")
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(done_on__lte=F("deadline_on"))))
    )
    return {r["done_by"]: (_pct(r["on_time"], r["n"]), r["n"]) for r in rows}


def _follow_up_records(ctx: Context, user, links: Links) -> list[Row]:
    rows = _follow_ups_done(ctx.period).filter(done_by=user).order_by("done_at")
    return [
        Row(
            f.number,
            f.done_at,
            _("deadline %(day)s") % {"day": f.deadline_on.isoformat()},
            f.done_on <= f.deadline_on,
            links.follow_up(f.number),
        )
        for f in rows[:MAX_RECORDS]
    ]


def _answered(period: Period):
    from aftersales.feedback.models import Survey

    return Survey.objects.filter(
        status=Survey.Status.ANSWERED,
        answered_at__gte=period.start,
        answered_at__lt=period.end,
        assignee__isnull=False,
    )


def _csat(ctx: Context) -> Values:
    good = ctx.policy.satisfied_from
    rows = (
        _answered(ctx.period)
        .filter(overall__isnull=False)
        .order_by()
        .values("assignee")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(overall__gte=good)))
    )
    return {r["assignee"]: (_pct(r["satisfied"], r["n"]), r["n"]) for r in rows}


def _csat_records(ctx: Context, user, links: Links) -> list[Row]:
    good = ctx.policy.satisfied_from
    rows = (
        _answered(ctx.period)
        .filter(overall__isnull=False, assignee=user)
        .select_related("case")
        .order_by("answered_at")
    )
    return [
        Row(
            s.case.number,
            s.answered_at,
            _("overall %(score)s") % {"score": s.overall},
            s.overall >= good,
            links.survey(s.pk),
        )
        for s in rows[:MAX_RECORDS]
    ]


def _with_attitude(period: Period):
    return (
        _answered(period)
        .annotate(attitude=Cast(KeyTextTransform("attitude", "answers"), FloatField()))
        .filter(attitude__isnull=False)
    )


def _attitude(ctx: Context) -> Values:
    from django.db.models import Avg

    rows = (
        _with_attitude(ctx.period)
        .order_by()
        .values("assignee")
        .annotate(n=Count("id"), avg=Avg("attitude"))
    )
    return {r["assignee"]: (_dec(r["avg"]), r["n"]) for r in rows}


def _attitude_records(ctx: Context, user, links: Links) -> list[Row]:
    rows = (
        _with_attitude(ctx.period)
        .filter(assignee=user)
        .select_related("case")
        .order_by("answered_at")
    )
    return [
        Row(
            s.case.number,
            s.answered_at,
            _("attitude %(score)s") % {"score": int(s.attitude)},
            s.attitude >= ctx.policy.satisfied_from,
            links.survey(s.pk),
        )
        for s in rows[:MAX_RECORDS]
    ]


def _complaints_opened(period: Period):
    """Complaints opened in the period from a follow-up call about a case the person
    handled (the customer was not satisfied with it)."""
    from aftersales.feedback.models import FollowUp

    return FollowUp.objects.filter(
        complaint__isnull=False,
        complaint__created_at__gte=period.start,
        complaint__created_at__lt=period.end,
        case__assignee__isnull=False,
    )


def _complaints(ctx: Context) -> Values:
    rows = (
        _complaints_opened(ctx.period)
        .order_by()
        .values("case__assignee")
        .annotate(n=Count("complaint", distinct=True))
    )
    return {r["case__assignee"]: (Decimal(r["n"]), r["n"]) for r in rows}


def _complaint_records(ctx: Context, user, links: Links) -> list[Row]:
    rows = (
        _complaints_opened(ctx.period)
        .filter(case__assignee=user)
        .select_related("complaint", "case")
        .order_by("complaint__created_at")
    )
    return [
        Row(
            f.complaint.number,
            f.complaint.created_at,
            _("about %(case)s") % {"case": f.case.number},
            False,
            links.case(f.complaint.number),
        )
        for f in rows[:MAX_RECORDS]
    ]


# training --------------------------------------------------------------------------------------


def _attended(period: Period):
    return Attendance.objects.filter(
        attended=True, session__held_on__gte=period.first, session__held_on__lte=period.last
    )


def _training_hours(ctx: Context) -> Values:
    rows = (
        _attended(ctx.period)
        .order_by()
        .values("user")
        .annotate(n=Count("id"), h=Sum("session__hours"))
    )
    return {r["user"]: (Decimal(r["h"]).quantize(TWO), r["n"]) for r in rows}


def _training_records(ctx: Context, user, links: Links) -> list[Row]:
    rows = (
        _attended(ctx.period)
        .filter(user=user)
        .select_related("session__course")
        .order_by("session__held_on")
    )
    return [
        Row(
            a.session.number,
            a.session.held_on,
            _("%(course)s · %(hours)s hours")
            % {"course": a.session.course.label, "hours": a.session.hours},
            a.passed,
            reverse("staff:course", args=[a.session.course.code]),
        )
        for a in rows[:MAX_RECORDS]
    ]


def valid_passes(day: date):
    """Passes that are qualifications on ``day``."""
    return Attendance.objects.filter(passed=True, session__held_on__lte=day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def _qualifications(ctx: Context) -> Values:
    required: dict[str, set[int]] = defaultdict(set)
    for role, course in TrainingRequirement.objects.filter(course__active=True).values_list(
        "role", "course"
    ):
        required[role].add(course)
    held: dict[int, set[int]] = defaultdict(set)
    people = [p for p, role in ctx.roles.items() if required.get(role)]
    for person, course in (
        valid_passes(ctx.period.last).filter(user__in=people).values_list("user", "session__course")
    ):
        held[person].add(course)
    out: Values = {}
    for person in people:
        need = required[ctx.roles[person]]
        out[person] = (_pct(len(need & held[person]), len(need)), len(need))
    return out


def _qualification_records(ctx: Context, user, links: Links) -> list[Row]:
    role = ctx.roles.get(user.pk, "")
    needs = TrainingRequirement.objects.filter(role=role, course__active=True).select_related(
        "course"
    )
    held = {  # the newest pass of each course
        a.session.course_id: a
        for a in valid_passes(ctx.period.last)
        .filter(user=user)
        .select_related("session")
        .order_by("session__held_on")
    }
    rows = []
    for need in needs:
        a = held.get(need.course_id)
        rows.append(
            Row(
                need.course.label,
                a.session.held_on if a else None,
                (
                    _("valid until %(day)s") % {"day": a.valid_until.isoformat()}
                    if a and a.valid_until
                    else (_("valid") if a else _("not passed, or expired"))
                ),
                a is not None,
                reverse("staff:course", args=[need.course.code]),
            )
        )
    return rows


# -- the registry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    values: Callable[[Context], Values]
    records: Callable[[Context, object, Links], list[Row]]
    counts: bool  # a count (no record: 0) rather than a rate (no record: no data)
    record_kind: object  # what a drill-down row is, for its column heading


SOURCES: dict[str, Computed] = {
    Source.SLA_FIRST_RESPONSE: Computed(
        _sla_values("first_response"), _sla_records("first_response"), False, gettext_lazy("Case")
    ),
    Source.SLA_RESOLUTION: Computed(
        _sla_values("resolution"), _sla_records("resolution"), False, gettext_lazy("Case")
    ),
    Source.RESOLUTION_HOURS_AVG: Computed(
        _resolution_avg, _resolution_records, False, gettext_lazy("Case")
    ),
    Source.RESOLUTION_HOURS_P90: Computed(
        _resolution_p90, _resolution_records, False, gettext_lazy("Case")
    ),
    Source.FIRST_TIME_FIX: Computed(
        _first_time_fix, _first_time_fix_records, False, gettext_lazy("Work order")
    ),
    Source.REPEAT_REPAIRS: Computed(
        _repeat_repairs, _repeat_records, True, gettext_lazy("Work order")
    ),
    Source.FOLLOW_UPS_ON_TIME: Computed(
        _follow_ups_on_time, _follow_up_records, False, gettext_lazy("Follow-up")
    ),
    Source.CSAT: Computed(_csat, _csat_records, False, gettext_lazy("Case")),
    Source.ATTITUDE: Computed(_attitude, _attitude_records, False, gettext_lazy("Case")),
    Source.COMPLAINTS: Computed(_complaints, _complaint_records, True, gettext_lazy("Complaint")),
    Source.CASES_HANDLED: Computed(_cases_handled, _case_records, True, gettext_lazy("Case")),
    Source.VISITS_HANDLED: Computed(
        _visits_handled, _visit_records, True, gettext_lazy("Work order")
    ),
    Source.TRAINING_HOURS: Computed(
        _training_hours, _training_records, True, gettext_lazy("Training session")
    ),
    Source.QUALIFICATIONS_VALID: Computed(
        _qualifications, _qualification_records, False, gettext_lazy("Course")
    ),
}


def compute_values(ctx: Context, sources: set[str]) -> dict[str, Values]:
    """Every person's value of each source (the people of ``ctx.roles``)."""
    out: dict[str, Values] = {}
    for source in sources:
        computed = SOURCES.get(source)
        if computed is None:
            continue
        values = computed.values(ctx)
        if computed.counts:
            values = {p: values.get(p, (Decimal(0), 0)) for p in ctx.roles}
        out[source] = values
    return out
