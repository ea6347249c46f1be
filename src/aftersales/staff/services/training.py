"""Training (STF-1): courses and their materials, sessions, attendance and exam results (a
pass is a qualification until the course's validity runs out), plans, and the reminders of
qualifications about to expire."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied, StaleVersion
from aftersales.core.notifications import Message, notify_many
from aftersales.core.numbering import document_number_next

from ..models import (
    Attendance,
    Course,
    CourseKind,
    CourseMaterial,
    StaffPolicy,
    TrainingPlan,
    TrainingSession,
)
from ..permissions import can_run_training

MATERIAL_MAX_BYTES = 50 * 1024 * 1024
# The roles that are given work (cases, visits, inspections, deliveries): a course may be
# required of them.
WORK_ROLES = (
    Role.SERVICE,
    Role.CUSTOMER_SERVICE,
    Role.SALES,
    Role.LOGISTICS,
    Role.QUALITY_INSPECTION,
    Role.QUALITY,
)
MATERIAL_TYPES = (".pdf", ".ppt", ".pptx", ".doc", ".docx", ".xls", ".xlsx", ".mp4", ".jpg", ".png")


def _guard(actor) -> None:
    if not can_run_training(actor):
        raise PermissionDenied(_("Only human resources runs the training."))


def _decimal(raw, field: str, errors: dict, *, low: Decimal, high: Decimal) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a number.")]
        return None
    if not value.is_finite() or value < low or value > high:
        errors[field] = [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    return value


@transaction.atomic
def course_save(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    hours,
    validity_months,
    pass_mark,
    category=None,
    description: str = "",
    active: bool = True,
    course: Course | None = None,
) -> Course:
    """Create a course, or change one (``course``); its code stays."""
    _guard(actor)
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().lower()
    name = (name or "").strip()
    if course is None:
        if not code or not all(c.isalnum() or c in "-_" for c in code) or not code.isascii():
            errors["code"] = [_("Use letters, digits and hyphens, e.g. product-ac.")]
        elif Course.objects.filter(code=code).exists():
            errors["code"] = [_("Another course has this code.")]
    if not name:
        errors["name"] = [_("Name the course.")]
    if kind not in CourseKind.values:
        errors["kind"] = [_("Choose the kind of course.")]
    hours = _decimal(hours, "hours", errors, low=Decimal("0.5"), high=Decimal("999"))
    pass_mark = _decimal(pass_mark, "pass_mark", errors, low=Decimal(0), high=Decimal(100))
    try:
        months = int(str(validity_months).strip() or "0")
        if not 0 <= months <= 120:
            raise ValueError
    except ValueError:
        errors["validity_months"] = [_("Enter the months from 0 (no expiry) to 120.")]
        months = 0
    if kind == CourseKind.PRODUCT and category is None:
        errors["category"] = [_("A product course is for a product category: choose it.")]
    if errors:
        raise InvalidInput(fields=errors)
    course = course or Course(code=code)
    course.name, course.kind, course.hours = name[:80], kind, hours
    course.validity_months, course.pass_mark, course.category = months, pass_mark, category
    course.description, course.active = (description or "").strip(), bool(active)
    course._history_user = actor
    course.save()
    return course


@transaction.atomic
def course_material_add(*, actor, course: Course, upload) -> CourseMaterial:
    _guard(actor)
    name = os.path.basename(getattr(upload, "name", "") or "")
    if upload is None or not name:
        raise InvalidInput(fields={"file": [_("Choose a file.")]})
    if not name.lower().endswith(MATERIAL_TYPES):
        raise InvalidInput(fields={"file": [_("Upload PDF, Office, MP4, JPG or PNG files.")]})
    if upload.size > MATERIAL_MAX_BYTES:
        raise InvalidInput(fields={"file": [_("The file is larger than 50 MB.")]})
    return CourseMaterial.objects.create(
        course=course,
        file=upload,
        original_name=name[:200],
        content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
        size=upload.size,
        uploaded_by=actor,
    )


@transaction.atomic
def session_create(
    *,
    actor,
    course: Course | None,
    held_on: date | None,
    attendees,
    trainer=None,
    trainer_name: str = "",
    place: str = "",
) -> TrainingSession:
    """Plan a session of ``course`` for ``attendees`` (staff, not a dealer's people)."""
    _guard(actor)
    errors: dict[str, list[str]] = {}
    if course is None or not course.active:
        errors["course"] = [_("Choose an active course.")]
    if held_on is None:
        errors["held_on"] = [_("Enter the date of the session.")]
    people = list(attendees or [])
    if not people:
        errors["attendees"] = [_("Choose who attends.")]
    if trainer is None and not (trainer_name or "").strip():
        errors["trainer"] = [_("Say who trains: one of us, or the outside trainer's name.")]
    if errors:
        raise InvalidInput(fields=errors)
    session = TrainingSession(
        number=document_number_next(kind="training_session"),
        course=course,
        held_on=held_on,
        trainer=trainer,
        trainer_name=(trainer_name or "").strip()[:60] if trainer is None else "",
        place=(place or "").strip()[:80],
        hours=course.hours,
        pass_mark=course.pass_mark,
        created_by=actor,
    )
    session._history_user = actor
    session.save()
    Attendance.objects.bulk_create(
        [Attendance(session=session, user=p) for p in {p.pk: p for p in people}.values()]
    )
    return session


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


@transaction.atomic
def session_record(
    *,
    actor,
    session: TrainingSession,
    results: dict[int, dict],
    expected_version: int | None = None,
) -> TrainingSession:
    """Record who came and their exam score. A pass (attended, and a score at the pass mark,
    or any attendance when the pass mark is 0) is a qualification for the course's months
    from the day of the session, with a certificate number."""
    _guard(actor)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if expected_version is not None and expected_version != session.version:
        raise StaleVersion()
    if session.held_on > timezone.localdate():
        raise Conflict(
            _("The session is on %(day)s: record the results after it is held.")
            % {"day": session.held_on.isoformat()},
            code="not_yet_held",
        )
    rows = {a.user_id: a for a in session.attendances.select_related("user")}
    errors: dict[str, list[str]] = {}
    for person_id, result in results.items():
        attendance = rows.get(person_id)
        if attendance is None:
            continue
        attended = bool(result.get("attended"))
        raw = str(result.get("score") or "").strip()
        score = None
        if raw:
            score = _decimal(raw, f"score_{person_id}", errors, low=Decimal(0), high=Decimal(100))
            if score is None:  # name whose score it is: the page's summary lists them all
                errors[f"score_{person_id}"] = [
                    _("%(who)s: enter a score from 0 to 100.") % {"who": attendance.user}
                ]
        if (
            attended
            and score is None
            and session.pass_mark > 0
            and not errors.get(f"score_{person_id}")
        ):
            errors[f"score_{person_id}"] = [
                _("Enter %(who)s's exam score (the pass mark is %(mark)s).")
                % {"who": attendance.user, "mark": session.pass_mark}
            ]
        if not attended and raw and f"score_{person_id}" not in errors:
            errors[f"score_{person_id}"] = [
                _("%(who)s is marked absent: tick attended, or clear the score.")
                % {"who": attendance.user}
            ]
        attendance.attended, attendance.score = attended, score if attended else None
    if errors:
        raise InvalidInput(fields=errors)
    validity = session.course.validity_months
    for n, attendance in enumerate(sorted(rows.values(), key=lambda a: a.user_id), start=1):
        passed = attendance.attended and (
            session.pass_mark == 0
            or (attendance.score is not None and attendance.score >= session.pass_mark)
        )
        attendance.passed = passed
        attendance.valid_until = (
            add_months(session.held_on, validity) if passed and validity else None
        )
        attendance.certificate_no = f"{session.number}-{n:02d}" if passed else ""
        attendance.expiry_told = False
        attendance._history_user = actor
        attendance.save()
    session.status = TrainingSession.Status.HELD
    session.version += 1
    session._history_user = actor
    session.save(update_fields=["status", "version", "updated_at"])
    return session


@transaction.atomic
def plan_save(*, actor, year, department, course, planned) -> TrainingPlan:
    """Plan (or re-plan) how many of a department pass a course in a year."""
    _guard(actor)
    errors: dict[str, list[str]] = {}
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = [_("Enter the year, e.g. 2027.")]
    try:
        planned = int(planned)
        if not 1 <= planned <= 10000:
            raise ValueError
    except (TypeError, ValueError):
        errors["planned"] = [_("Enter how many people, at least 1.")]
    if department is None:
        errors["department"] = [_("Choose the department.")]
    if course is None:
        errors["course"] = [_("Choose the course.")]
    if errors:
        raise InvalidInput(fields=errors)
    plan = TrainingPlan.objects.filter(year=year, department=department, course=course).first()
    plan = plan or TrainingPlan(year=year, department=department, course=course)
    plan.planned = planned
    plan._history_user = actor
    plan.save()
    return plan


@transaction.atomic
def expiry_reminders(today: date | None = None) -> int:
    """Tell each person (and their department head) once about a qualification that runs out
    within the policy's notice; a new pass starts again."""
    today = today or timezone.localdate()
    policy = StaffPolicy.objects.filter(active=True).first()
    if policy is None:
        return 0
    soon = today + timedelta(days=policy.expiry_notice_days)
    due = list(
        Attendance.objects.filter(
            passed=True, expiry_told=False, valid_until__gte=today, valid_until__lte=soon
        ).select_related("user__department__head", "session__course")
    )
    # A later pass of the same course makes the reminder moot.
    renewed = set(
        Attendance.objects.filter(
            passed=True,
            user__in=[a.user_id for a in due],
            valid_until__gt=soon,
        ).values_list("user_id", "session__course")
    ) | set(
        Attendance.objects.filter(
            passed=True, user__in=[a.user_id for a in due], valid_until__isnull=True
        ).values_list("user_id", "session__course")
    )
    messages = []
    for a in due:
        if (a.user_id, a.session.course_id) in renewed:
            continue
        title = _("%(who)s: the qualification “%(course)s” runs out on %(day)s") % {
            "who": a.user,
            "course": a.session.course.label,
            "day": a.valid_until.isoformat(),
        }
        people = [a.user]
        head = a.user.department.head if a.user.department_id else None
        if head is not None and head.pk != a.user_id:
            people.append(head)
        link = _person_url(a.user)
        messages.append(Message(tuple(people), title, _("Book a refresher session."), link))
    Attendance.objects.filter(pk__in=[a.pk for a in due]).update(expiry_told=True)
    return notify_many(messages, email_subject=_("Qualifications running out")) if messages else 0


def _person_url(person) -> str:
    from django.urls import reverse

    return reverse("staff:person", args=[person.get_username()])


def staff_people():
    """Active company staff (not a dealer's people), for the attendee list."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__isnull=False)
        .exclude(groups__name=Role.DEALER.value)
        .exclude(dealer_member__isnull=False)
        .select_related("department")
        .distinct()
        .order_by("department__code", "username")
    )


@transaction.atomic
def course_requirements_set(*, actor, course: Course, roles) -> list[str]:
    """The roles that must pass ``course`` before they are given work (replacing the list)."""
    from ..models import TrainingRequirement

    _guard(actor)
    wanted = {str(r) for r in roles}
    if not wanted <= {r.value for r in WORK_ROLES}:
        raise InvalidInput(fields={"roles": [_("Only roles that are given work can require it.")]})
    current = {r.role: r for r in TrainingRequirement.objects.filter(course=course)}
    for role in set(current) - wanted:
        current[role]._history_user = actor
        current[role].delete()
    for role in wanted - set(current):
        requirement = TrainingRequirement(role=role, course=course)
        requirement._history_user = actor
        requirement.save()
    return sorted(wanted)
