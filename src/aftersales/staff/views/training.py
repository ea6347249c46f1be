"""Training pages (STF-1): courses and materials (every staff member reads them), sessions
and attendance, plans (human resources)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import add_error_to_form, error_text

from .. import selectors
from ..forms import CourseForm, PlanForm, SessionForm
from ..models import Course, CourseMaterial, TrainingRequirement, TrainingSession
from ..permissions import can_run_training, can_view_people, is_staff_member, sees_everyone
from ..services import training


def _staff_only(request) -> None:
    if not is_staff_member(request.user):
        raise Http404


def _hr_only(request) -> None:
    if not can_run_training(request.user):
        raise Http404


@login_required
def course_list(request):
    _staff_only(request)
    courses = Course.objects.select_related("category").order_by("-active", "kind", "code")
    if not can_run_training(request.user):
        courses = courses.filter(active=True)
    required = {}
    for need in TrainingRequirement.objects.all():
        required.setdefault(need.course_id, []).append(need.get_role_display())
    for course in courses:
        course.required_for = required.get(course.pk, [])
    return render(
        request,
        "staff/course_list.html",
        {"courses": courses, "can_edit": can_run_training(request.user)},
    )


@login_required
def course_detail(request, code: str):
    _staff_only(request)
    course = get_object_or_404(Course, code=code)
    hr = can_run_training(request.user)
    if request.method == "POST":
        _hr_only(request)
        try:
            if request.POST.get("what") == "requirements":
                training.course_requirements_set(
                    actor=request.user, course=course, roles=request.POST.getlist("roles")
                )
                messages.success(request, _("The roles that require the course are saved."))
            else:
                training.course_material_add(
                    actor=request.user, course=course, upload=request.FILES.get("file")
                )
                messages.success(request, _("The material is added."))
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        return redirect(course.get_absolute_url())
    return render(
        request,
        "staff/course_detail.html",
        {
            "course": course,
            "materials": course.materials.all(),
            "sessions": selectors.sessions().filter(course=course)[:50] if hr else [],
            "required_for": [n.get_role_display() for n in course.requirements.all()],
            "required_roles": {n.role for n in course.requirements.all()},
            "work_roles": [(r.value, r.label) for r in training.WORK_ROLES],
            "can_edit": hr,
        },
    )


@login_required
def material_download(request, pk: int):
    _staff_only(request)
    material = get_object_or_404(CourseMaterial.objects.select_related("course"), pk=pk)
    return FileResponse(
        material.file.open("rb"), as_attachment=True, filename=material.original_name
    )


def _course_form_view(request, course: Course | None):
    _hr_only(request)
    initial = {}
    if course is not None:
        initial = {
            f: getattr(course, f)
            for f in (
                "code",
                "name",
                "kind",
                "category",
                "hours",
                "validity_months",
                "pass_mark",
                "description",
                "active",
            )
        }
    form = CourseForm(request.POST or None, initial=initial, editing=course is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = training.course_save(
                actor=request.user,
                course=course,
                code=course.code if course else data["code"],
                name=data["name"],
                kind=data["kind"],
                category=data["category"],
                hours=data["hours"],
                validity_months=data["validity_months"],
                pass_mark=data["pass_mark"],
                description=data["description"],
                active=data["active"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "staff/course_form.html", {"form": form, "course": course})


@login_required
def course_new(request):
    return _course_form_view(request, None)


@login_required
def course_edit(request, code: str):
    return _course_form_view(request, get_object_or_404(Course, code=code))


@login_required
def session_list(request):
    _hr_only(request)
    from django.core.paginator import Paginator

    page = Paginator(selectors.sessions().order_by("-held_on", "-id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "staff/session_list.html", {"page": page})


@login_required
def session_new(request):
    _hr_only(request)
    people = training.staff_people()
    initial = {"held_on": timezone.localdate()}
    if request.GET.get("course"):
        initial["course"] = Course.objects.filter(code=request.GET["course"]).first()
    form = SessionForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = training.session_create(
                actor=request.user,
                course=data["course"],
                held_on=data["held_on"],
                attendees=data["attendees"],
                trainer=data["trainer"],
                trainer_name=data["trainer_name"],
                place=data["place"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Session %(number)s planned.") % {"number": session.number})
            return redirect(session.get_absolute_url())
    return render(request, "staff/session_form.html", {"form": form})


def _may_see_session(user, session: TrainingSession) -> bool:
    return can_run_training(user) or (
        session.trainer_id is not None and session.trainer_id == user.pk
    )


@login_required
def session_detail(request, number: str):
    _staff_only(request)
    session = get_object_or_404(
        TrainingSession.objects.select_related("course", "trainer"), number=number
    )
    if not _may_see_session(request.user, session):
        raise Http404
    attendances = list(session.attendances.select_related("user__department"))
    errors: dict = {}
    if request.method == "POST":
        _hr_only(request)
        results = {
            a.user_id: {
                "attended": request.POST.get(f"attended_{a.user_id}") == "on",
                "score": request.POST.get(f"score_{a.user_id}", ""),
            }
            for a in attendances
        }
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            training.session_record(
                actor=request.user, session=session, results=results, expected_version=version
            )
        except ApplicationError as exc:
            errors = exc.fields or {}
            messages.error(request, error_text(exc))
            for a in attendances:  # show what was typed
                a.attended = results[a.user_id]["attended"]
                a.typed = results[a.user_id]["score"]
        else:
            messages.success(request, _("The results are recorded."))
            return redirect(session.get_absolute_url())
    for a in attendances:
        a.error = errors.get(f"score_{a.user_id}", [])
    return render(
        request,
        "staff/session_detail.html",
        {
            "session": session,
            "attendances": attendances,
            "can_record": can_run_training(request.user),
            "held": session.held_on <= timezone.localdate(),
        },
    )


@login_required
def plan_list(request):
    if not (can_run_training(request.user) or can_view_people(request.user)):
        raise Http404
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = selectors.plan_progress(year)
    if not (can_run_training(request.user) or sees_everyone(request.user)):
        from ..permissions import headed_department_ids

        mine = headed_department_ids(request.user)
        rows = [r for r in rows if r["plan"].department_id in mine]
    form = PlanForm(initial={"year": year}) if can_run_training(request.user) else None
    return render(
        request,
        "staff/plan_list.html",
        {"rows": rows, "year": year, "years": selectors.plan_years(), "form": form},
    )


@login_required
@require_POST
def plan_save(request):
    _hr_only(request)
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            training.plan_save(
                actor=request.user,
                year=data["year"],
                department=data["department"],
                course=data["course"],
                planned=data["planned"],
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("The plan is saved."))
        return redirect(f"{_plans_url()}?year={data['year']}")
    messages.error(
        request,
        " ".join(
            f"{form.fields[k].label}: {' '.join(v)}" if k in form.fields else " ".join(v)
            for k, v in form.errors.items()
        ),
    )
    return redirect(_plans_url())


def _plans_url() -> str:
    from django.urls import reverse

    return reverse("staff:plans")
