"""Reads of the feedback loop, scoped to the reader: the follow-up queue, the satisfaction
register (顾客满意度调查表) and its statistics (FB-2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, IntegerField, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Department
from aftersales.catalog.models import Category, Product
from aftersales.customers.models import Dealer

from .models import (
    FollowUp,
    MeetingAction,
    SelfInspection,
    SelfInspectionResult,
    ServiceMeeting,
    Survey,
)
from .permissions import (
    can_manage_meetings,
    can_see_meeting_actions,
    can_view_all_surveys,
    can_view_follow_ups,
    can_view_self_inspections,
    can_view_surveys,
    can_work_queue,
)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# -- follow-ups -------------------------------------------------------------------------------


def follow_up_list_for_user(user) -> QuerySet[FollowUp]:
    """The whole queue for customer service; a salesperson's own calls for sales."""
    if not can_view_follow_ups(user):
        return FollowUp.objects.none()
    rows = FollowUp.objects.select_related("case", "order", "customer", "assignee", "rule")
    return rows if can_work_queue(user) else rows.filter(assignee=user)


def follow_ups_due(user, *, today: date | None = None) -> QuerySet[FollowUp]:
    """To call today or before (the queue and the workbench count the same rows)."""
    today = today or timezone.localdate()
    return follow_up_list_for_user(user).filter(status=FollowUp.Status.DUE, due_on__lte=today)


def follow_up_get_for_user(user, *, number: str) -> FollowUp | None:
    return follow_up_list_for_user(user).filter(number=number).first()


# -- surveys ----------------------------------------------------------------------------------


def survey_list_for_user(user) -> QuerySet[Survey]:
    if can_view_all_surveys(user):
        return Survey.objects.all()
    if can_view_surveys(user):  # a department head: the department's cases
        return Survey.objects.filter(department__in=user.headed_departments.filter(active=True))
    return Survey.objects.none()


@dataclass(frozen=True)
class SurveyFilter:
    date_from: date | None = None
    date_to: date | None = None
    department: int | None = None
    assignee: int | None = None
    product: int | None = None
    dealer: int | None = None
    low_only: bool = False


def _sent_between(rows: QuerySet[Survey], date_from, date_to) -> QuerySet[Survey]:
    if date_from:
        rows = rows.filter(sent_at__gte=_day_start(date_from))
    if date_to:
        rows = rows.filter(sent_at__lt=_day_start(date_to + timedelta(days=1)))
    return rows


def survey_register(user, filters: SurveyFilter) -> QuerySet[Survey]:
    """The 顾客满意度调查表 (S18): every answer with its case, product, handler, department,
    dealer, scores and remarks, newest first."""
    # answered_at is set exactly when the survey is answered: the index on it serves the
    # filter and the order (newest first).
    rows = survey_list_for_user(user).filter(answered_at__isnull=False)
    if filters.date_from:
        rows = rows.filter(answered_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(answered_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    for field in ("department", "assignee", "product", "dealer"):
        value = getattr(filters, field)
        if value:
            rows = rows.filter(**{f"{field}_id": value})
    if filters.low_only:
        rows = rows.filter(low=True)
    return rows.select_related(
        "case", "customer", "product", "department", "assignee", "dealer", "recorded_by"
    ).order_by("-answered_at", "-id")


GROUPS = {
    "department": "department_id",
    "assignee": "assignee_id",
    "product": "product_id",
    "category": "category_id",
    "dealer": "dealer_id",
    "region": "region",
    "month": "month",
}
SCORE_CODES = ("overall", "timeliness", "attitude", "quality")


def _figures(row: dict) -> dict:
    def share(part, whole):
        return round(part / whole, 4) if whole else None

    nps = None
    if row["nps_n"]:
        nps = round(100 * (row["promoters"] - row["detractors"]) / row["nps_n"], 1)
    return {
        "responses": row["responses"],
        "csat": share(row["satisfied"], row["rated"]),
        "nps": nps,
    }


def _aggregates() -> dict:
    answered = Q(status=Survey.Status.ANSWERED)
    return {
        "sent": Count("id"),
        "responses": Count("id", filter=answered),
        "rated": Count("id", filter=Q(overall__isnull=False)),
        "satisfied": Count("id", filter=Q(overall__gte=4)),
        "nps_n": Count("id", filter=Q(nps__isnull=False)),
        "promoters": Count("id", filter=Q(nps__gte=9)),
        "detractors": Count("id", filter=Q(nps__lte=6)),
    }


def _labels(group_by: str, keys: list) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if group_by == "department":
        return {d.pk: d.label for d in Department.objects.filter(pk__in=keys)}
    if group_by == "assignee":
        from django.contrib.auth import get_user_model

        return {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=keys)}
    if group_by == "product":
        return {p.pk: p.name for p in Product.objects.filter(pk__in=keys)}
    if group_by == "category":
        return {c.pk: str(c) for c in Category.objects.filter(pk__in=keys)}
    if group_by == "dealer":
        return {d.pk: d.name for d in Dealer.objects.filter(pk__in=keys)}
    return {k: str(k) for k in keys}


def survey_summary(
    user, *, date_from: date | None, date_to: date | None, group_by: str = ""
) -> dict:
    """FB-2: of the surveys sent in the period, how many were answered, the share of
    ``overall`` ≥ 4 (CSAT), and the NPS (promoters 9–10 minus detractors 0–6, −100 … 100);
    ``None`` where nothing was answered. One aggregate query, and one for the groups."""
    rows = _sent_between(survey_list_for_user(user), date_from, date_to)
    total = rows.aggregate(**_aggregates())
    out = {
        "sent": total["sent"],
        "responses": total["responses"],
        "response_rate": round(total["responses"] / total["sent"], 4) if total["sent"] else None,
        **{k: v for k, v in _figures(total).items() if k != "responses"},
        "groups": [],
    }
    if group_by:
        field = GROUPS[group_by]
        grouped = rows.filter(status=Survey.Status.ANSWERED)
        if group_by == "month":
            grouped = grouped.annotate(month=TruncMonth("sent_at"))
        found = list(grouped.values(field).annotate(**_aggregates()).order_by(field))
        labels = _labels(group_by, [r[field] for r in found])
        for r in found:
            key = r[field]
            if group_by == "month" and key is not None:
                key = (
                    timezone.localtime(key).strftime("%Y-%m")
                    if timezone.is_aware(key)
                    else (key.strftime("%Y-%m"))
                )
                label = key
            else:
                label = labels.get(key) or _("(none)")
            out["groups"].append(
                {"key": "" if key is None else str(key), "label": label, **_figures(r)}
            )
    return out


def survey_score_averages(user, *, date_from: date | None, date_to: date | None) -> dict:
    """The average of each 1–5 question of the preset questionnaire in the period."""
    rows = _sent_between(survey_list_for_user(user), date_from, date_to).filter(
        status=Survey.Status.ANSWERED
    )
    averages = rows.aggregate(
        **{code: Avg(Cast(KT(f"answers__{code}"), IntegerField())) for code in SCORE_CODES}
    )
    return {code: (round(v, 2) if v is not None else None) for code, v in averages.items()}


# -- self-inspection and service meetings (FB-5) -----------------------------------------------


def self_inspection_list_for_user(user) -> QuerySet[SelfInspection]:
    """Every self-inspection, for those who run or read them."""
    if not can_view_self_inspections(user):
        return SelfInspection.objects.none()
    return SelfInspection.objects.select_related("checklist", "inspector", "nonconformance")


def self_inspection_get_for_user(user, *, number: str) -> SelfInspection | None:
    return self_inspection_list_for_user(user).filter(number=number.strip().upper()).first()


def self_inspection_counts(rows: QuerySet[SelfInspection]) -> QuerySet[SelfInspection]:
    """With ``n_cases``, ``n_failed`` and ``n_actions`` (subqueries: no row is repeated)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from aftersales.quality.models import CorrectiveAction

    from .models import SelfInspectionCase

    def count_of(queryset, outer: str):
        counted = (
            queryset.filter(**{outer: OuterRef("pk")})
            .order_by()
            .values(outer)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return rows.annotate(
        n_cases=count_of(SelfInspectionCase.objects.all(), "inspection"),
        n_failed=count_of(
            SelfInspectionResult.objects.filter(result=SelfInspectionResult.Result.FAIL),
            "row__inspection",
        ),
        n_actions=Coalesce(
            Subquery(
                CorrectiveAction.objects.filter(nonconformance=OuterRef("nonconformance"))
                .order_by()
                .values("nonconformance")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def self_inspections_in_month(month: date) -> list[dict]:
    """For the monthly management report: the self-inspections held in ``month`` (any day of
    it), oldest first, each ``{"number", "checklist" (its name in the reader's language),
    "inspector" (a display name, "" when nobody), "status" ("open" | "done"), "cases" (cases
    sampled), "failed_items" (results that failed), "actions" (corrective actions raised)}``.
    A system read (not scoped to a person): two queries."""
    first = date(month.year, month.month, 1)
    rows = self_inspection_counts(
        SelfInspection.objects.filter(month=first).select_related("checklist", "inspector")
    ).order_by("number")
    return [
        {
            "number": r.number,
            "checklist": r.checklist.label,
            "inspector": str(r.inspector) if r.inspector_id else "",
            "status": r.status,
            "cases": r.n_cases,
            "failed_items": r.n_failed,
            "actions": r.n_actions,
        }
        for r in rows
    ]


def meeting_list_for_user(user) -> QuerySet[ServiceMeeting]:
    """Every meeting for the managers; the meetings one attended or owns an item of, for
    everyone else of the company."""
    rows = ServiceMeeting.objects.select_related("recorded_by")
    if can_manage_meetings(user):
        return rows
    if not can_see_meeting_actions(user):
        return ServiceMeeting.objects.none()
    return rows.filter(Q(attendees=user) | Q(actions__owner=user)).distinct()


def meeting_get_for_user(user, *, number: str) -> ServiceMeeting | None:
    return meeting_list_for_user(user).filter(number=number.strip().upper()).first()


def meeting_action_list_for_user(user) -> QuerySet[MeetingAction]:
    """Every action item for the managers; one's own for everyone else of the company."""
    if not can_see_meeting_actions(user):
        return MeetingAction.objects.none()
    rows = MeetingAction.objects.select_related("meeting", "owner", "done_by")
    return rows if can_manage_meetings(user) else rows.filter(owner=user)


def meeting_actions_open(user) -> QuerySet[MeetingAction]:
    """The reader's own open items (the workbench counts these; the list shows them with
    ``?status=open&owner=me``)."""
    return meeting_action_list_for_user(user).filter(owner=user, done_at__isnull=True)


def open_meeting_actions(until: date) -> list[dict]:
    """For the monthly management report: the action items not done by the end of ``until``
    (of meetings held by then), soonest due first, each ``{"meeting" (its number),
    "meeting_date", "text", "owner" (a display name), "due_on", "overdue" (due before
    ``until``)}``. A system read (not scoped to a person): one query."""
    after = _day_start(until + timedelta(days=1))
    rows = (
        MeetingAction.objects.filter(meeting__held_on__lte=until)
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=after))
        .select_related("meeting", "owner")
        .order_by("due_on", "meeting__number", "position", "id")
    )
    return [
        {
            "meeting": a.meeting.number,
            "meeting_date": a.meeting.held_on,
            "text": a.text,
            "owner": str(a.owner),
            "due_on": a.due_on,
            "overdue": a.due_on < until,
        }
        for a in rows
    ]


def meetings_in_month(month: date) -> list[dict]:
    """For the monthly management report: the meetings held in ``month`` (any day of it),
    oldest first, each ``{"number", "date", "title", "decisions"}``. One query."""
    first = date(month.year, month.month, 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    rows = ServiceMeeting.objects.filter(held_on__gte=first, held_on__lt=following).order_by(
        "held_on", "number"
    )
    return [
        {"number": m.number, "date": m.held_on, "title": m.title, "decisions": m.decisions}
        for m in rows
    ]


def staff_people():
    """Active people of the company who may own an action item or a finding (no dealer's
    people, nobody without a role), by username."""
    from django.contrib.auth import get_user_model

    from aftersales.customers.models import DealerMember

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .exclude(groups__name="dealer")
        .exclude(pk__in=DealerMember.objects.values("user_id"))
        .distinct()
        .order_by("username")
    )
