"""Reads of training and assessment, scoped to the reader (``permissions``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from .indicators import SOURCES, Context, Links, Period, valid_passes
from .models import Attendance, Scorecard, TrainingPlan, TrainingSession
from .permissions import headed_department_ids, is_staff_member, sees_everyone


def people_for_user(user) -> QuerySet:
    """The people whose records the reader may open: everyone (HR, the vice-president), the
    departments they head, and always themselves."""
    from .services.training import staff_people

    people = staff_people()
    if not is_staff_member(user):
        return people.none()
    if sees_everyone(user):
        return people
    return people.filter(Q(department_id__in=headed_department_ids(user)) | Q(pk=user.pk))


def person_get_for_user(user, username: str):
    return people_for_user(user).filter(username=username).first()


def scorecards_for_user(user) -> QuerySet[Scorecard]:
    cards = Scorecard.objects.select_related("user", "department")
    if not is_staff_member(user):
        return cards.none()
    if sees_everyone(user):
        return cards
    return cards.filter(Q(department_id__in=headed_department_ids(user)) | Q(user=user))


def current_only(cards: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    """The latest revision of each person's scorecard for each period."""
    from django.db.models import OuterRef, Subquery

    latest = (
        Scorecard.objects.filter(user=OuterRef("user"), period=OuterRef("period"))
        .order_by("-revision")
        .values("revision")[:1]
    )
    return cards.filter(revision=Subquery(latest))


def ranking(user, period: Period, department=None, *, lines: bool = False) -> list[Scorecard]:
    """The period's current scorecards the reader may see, best total first (no total last),
    with each one's place in its department (``lines``: with their lines)."""
    cards = current_only(scorecards_for_user(user).filter(period=period.key))
    if department is not None:
        cards = cards.filter(department=department)
    if lines:
        cards = cards.prefetch_related("lines")
    rows = list(cards.order_by("department__code", "-total", "user__username"))
    place: dict[int | None, int] = defaultdict(int)
    for card in rows:
        if card.total is not None:
            place[card.department_id] += 1
            card.place = place[card.department_id]
        else:
            card.place = None
    # Places are within a department: with several, each department's people stay together.
    rows.sort(
        key=lambda c: (
            c.department.code if c.department_id else "~",
            c.total is None,
            -(c.total or 0),
            c.user.username,
        )
    )
    return rows


def trend(person, *, until: Period, periods: int = 6) -> list[tuple[str, object]]:
    """The person's totals for the last ``periods`` periods up to ``until`` (oldest first)."""
    keys = []
    p = until
    for _i in range(periods):
        keys.append(p.key)
        p = p.previous()
    keys.reverse()
    totals = {
        c.period: c.total
        for c in current_only(Scorecard.objects.filter(user=person, period__in=keys))
    }
    return [(k, totals.get(k)) for k in keys]


def training_record(person) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(user=person)
        .select_related("session__course", "session__trainer")
        .order_by("-session__held_on", "-id")
    )


def qualifications(person, day: date | None = None) -> list[Attendance]:
    """The person's valid qualifications on ``day``, the newest pass of each course."""
    day = day or timezone.localdate()
    newest: dict[int, Attendance] = {}
    for a in (
        valid_passes(day)
        .filter(user=person)
        .select_related("session__course")
        .order_by("session__held_on")
    ):
        newest[a.session.course_id] = a
    return sorted(newest.values(), key=lambda a: a.session.course.label)


def training_hours(person, year: int):
    from django.db.models import Sum

    return (
        Attendance.objects.filter(
            user=person, attended=True, session__held_on__year=year
        ).aggregate(h=Sum("session__hours"))["h"]
        or 0
    )


def sessions() -> QuerySet[TrainingSession]:
    return TrainingSession.objects.select_related("course", "trainer").annotate(
        people=Count("attendances"),
        passed=Count("attendances", filter=Q(attendances__passed=True)),
    )


def plan_progress(year: int) -> list[dict]:
    """Each plan of ``year`` with how many of the department passed the course in the year
    (people in the department now), and the completion rate."""
    plans = list(
        TrainingPlan.objects.filter(year=year)
        .select_related("department", "course")
        .order_by("department__code", "course__code")
    )
    if not plans:
        return []
    done = defaultdict(set)
    rows = Attendance.objects.filter(
        passed=True,
        session__held_on__year=year,
        session__course__in={p.course_id for p in plans},
        user__department__in={p.department_id for p in plans},
    ).values_list("user__department", "session__course", "user")
    for department, course, person in rows:
        done[(department, course)].add(person)
    out = []
    for plan in plans:
        passed = len(done[(plan.department_id, plan.course_id)])
        out.append(
            {
                "plan": plan,
                "passed": passed,
                "rate": min(100, round(100 * passed / plan.planned)) if plan.planned else None,
            }
        )
    return out


def plan_years() -> list[int]:
    years = set(TrainingPlan.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years, reverse=True)


def line_records(reader, scorecard: Scorecard, line) -> list:
    """The records behind one computed line, for the person to check their number."""
    from .indicators import parse_period

    computed = SOURCES.get(line.source)
    if computed is None:
        return []
    ctx = Context(parse_period(scorecard.period), {scorecard.user_id: scorecard.role})
    return computed.records(ctx, scorecard.user, Links(reader))


# What a supervisor still does with a card: review it, answer a dispute, make it final.
TO_ACT_ON = (Scorecard.Status.DRAFT, Scorecard.Status.DISPUTED, Scorecard.Status.ACKNOWLEDGED)


def scorecards_to_act_on(user) -> QuerySet[Scorecard]:
    """The current cards waiting for the reader as supervisor: their departments' people's
    (a head), and the heads' own and the headless departments' (HR, the vice-president).
    The same rule as ``permissions.can_review``."""
    if not is_staff_member(user):
        return Scorecard.objects.none()
    mine = Q(department_id__in=headed_department_ids(user))
    if sees_everyone(user):
        mine |= (
            Q(department__isnull=True)
            | Q(department__head__isnull=True)
            | Q(department__head=F("user"))
        )
    return current_only(
        Scorecard.objects.filter(mine, status__in=TO_ACT_ON).exclude(user=user)
    ).select_related("user", "department")


def scorecards_waiting(user) -> dict[str, int]:
    """The reader's own scorecard to answer, and (a supervisor) the ones to act on."""
    own = current_only(
        Scorecard.objects.filter(user=user, status=Scorecard.Status.REVIEWED)
    ).count()
    supervises = bool(headed_department_ids(user)) or sees_everyone(user)
    return {
        "to_answer": own,
        "to_review": scorecards_to_act_on(user).count() if supervises else 0,
    }


def latest_period_with_cards(user) -> str | None:
    return scorecards_for_user(user).aggregate(p=Max("period"))["p"]


def people_with_status(user, *, department=None, today: date | None = None) -> list:
    """The people list: each person with valid qualifications and the courses their roles
    still need (the same check as the one that gates the work)."""
    from .gating import missing_training

    today = today or timezone.localdate()
    people = people_for_user(user)
    if department is not None:
        people = people.filter(department=department)
    people = list(people.prefetch_related("groups"))
    counts = dict(
        valid_passes(today)
        .filter(user__in=people)
        .values("user")
        .annotate(n=Count("session__course", distinct=True))
        .values_list("user", "n")
    )
    missing = missing_training(people, today)
    for p in people:
        p.qualifications = counts.get(p.pk, 0)
        p.missing = missing.get(p.pk, [])
    return people


def views_summary(person, *, scorecard=None, limit: int = 20) -> list[dict]:
    """Who opened the person's record (or one scorecard of it): each viewer and kind of view
    once, with how many times and the last time, latest first."""
    from .models import RecordView

    views = RecordView.objects.filter(subject=person)
    if scorecard is not None:
        views = views.filter(scorecard=scorecard)
    rows = list(
        views.values("viewer", "what")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-last")[:limit]
    )
    people = get_user_model().objects.in_bulk([r["viewer"] for r in rows])
    labels = dict(RecordView.What.choices)
    return [
        {
            "viewer": people[r["viewer"]],
            "what": labels[r["what"]],
            "times": r["times"],
            "at": r["last"],
        }
        for r in rows
    ]


def scorecard_totals(*, period: str, department: int = 0) -> list[float]:
    """The totals of a period's current scorecards past the draft, for the management
    cockpit's distribution (a hook: the cockpit does not import this app)."""
    cards = current_only(
        Scorecard.objects.filter(period=period, total__isnull=False).exclude(
            status=Scorecard.Status.DRAFT
        )
    )
    if department:
        cards = cards.filter(department_id=department)
    return [float(t) for t in cards.values_list("total", flat=True)]
