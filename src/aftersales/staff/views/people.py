"""A person's record: qualifications, training, scorecards and their trend (STF-1, STF-2).
Everyone sees their own; opening someone else's is kept (SEC-1)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from aftersales.accounts.models import Department

from .. import selectors
from ..gating import missing_training
from ..indicators import period_containing
from ..models import Attendance, RecordView, Scorecard
from ..permissions import (
    can_view_people,
    can_view_person,
    can_view_scorecard,
    headed_department_ids,
    is_staff_member,
    sees_everyone,
)
from ..services.scorecards import record_view


@login_required
def home(request):
    """My own record: the home of everyone's training and scorecards."""
    if not is_staff_member(request.user):
        raise Http404
    return _person_page(request, request.user, own=True)


@login_required
def person_detail(request, username: str):
    person = selectors.person_get_for_user(request.user, username)
    if person is None:
        raise Http404
    return _person_page(request, person, own=person.pk == request.user.pk)


def _person_page(request, person, *, own: bool):
    today = timezone.localdate()
    if not own:
        record_view(viewer=request.user, subject=person, what=RecordView.What.RECORD)
    # The cards the reader may open (a head: those of the time in their department).
    cards = [
        card
        for card in selectors.current_only(Scorecard.objects.filter(user=person))
        .select_related("department")
        .order_by("-period")[:24]
        if can_view_scorecard(request.user, card)
    ]
    last = period_containing(today.replace(day=1) - timedelta(days=1), "month")
    trend = selectors.trend(person, until=last, periods=6)
    return render(
        request,
        "staff/person_detail.html",
        {
            "person": person,
            "own": own,
            "qualifications": selectors.qualifications(person, today),
            "record": selectors.training_record(person)[:100],
            "missing": missing_training([person], today).get(person.pk, []),
            "hours_this_year": selectors.training_hours(person, today.year),
            "cards": cards,
            "waiting": [c for c in cards if c.status == Scorecard.Status.REVIEWED] if own else [],
            "trend": trend,
            "views": selectors.views_summary(person) if own or sees_everyone(request.user) else [],
            "can_view_people": can_view_people(request.user),
        },
    )


@login_required
def people_list(request):
    if not can_view_people(request.user):
        raise Http404
    departments = Department.objects.filter(active=True).order_by("code")
    if not sees_everyone(request.user):
        departments = departments.filter(pk__in=headed_department_ids(request.user))
    department = departments.filter(code=request.GET.get("department", "")).first()
    people = selectors.people_with_status(request.user, department=department)
    return render(
        request,
        "staff/people_list.html",
        {"people": people, "departments": departments, "department": department},
    )


@login_required
def certificate(request, pk: int):
    """The certificate of a pass (PDF), for the person and those who may see their record."""
    attendance = get_object_or_404(
        Attendance.objects.select_related(
            "session__course", "session__trainer", "user__department"
        ),
        pk=pk,
        passed=True,
    )
    if not can_view_person(request.user, attendance.user):
        raise Http404
    from django.http import HttpResponse

    from ..printouts import certificate_pdf

    record_view(viewer=request.user, subject=attendance.user, what=RecordView.What.RECORD)
    pdf = certificate_pdf(attendance)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{attendance.certificate_no}.pdf"'
    return response
