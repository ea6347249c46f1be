"""Training that gates the work (STF-1): who may not be given cases or visits yet, and who is
qualified for a product category. The service and field-service apps ask through the hooks
``work_blockers`` and ``category_qualifications`` (registered in ``wiring``), so they do not
import this app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .indicators import valid_passes
from .models import Course, CourseKind, StaffPolicy, TrainingRequirement


def active_policy() -> StaffPolicy:
    return StaffPolicy.objects.filter(active=True).first() or StaffPolicy(
        induction_gates_work=False, category_qualification=StaffPolicy.CategoryRule.OFF
    )


def work_blockers(*, people: Iterable, day: date | None = None) -> dict[int, str]:
    """People who may not be given cases or visits on ``day``, with why: the courses their
    roles require that they have not passed (or whose qualification has expired). Empty when
    the policy does not gate the work."""
    if not active_policy().induction_gates_work:
        return {}
    from aftersales.core.seeded import is_chinese

    comma = "、" if is_chinese() else ", "
    return {
        pk: _("required training not passed: %(courses)s") % {"courses": comma.join(courses)}
        for pk, courses in missing_training(people, day).items()
    }


def missing_training(people: Iterable, day: date | None = None) -> dict[int, list[str]]:
    """Each person's required courses (by their roles) without a valid pass on ``day``.
    Three queries, whatever the number of people."""
    ids = [p.pk for p in people]
    if not ids:
        return {}
    day = day or timezone.localdate()
    required: dict[str, set[int]] = defaultdict(set)
    names: dict[int, str] = {}
    for need in TrainingRequirement.objects.filter(course__active=True).select_related("course"):
        required[need.role].add(need.course_id)
        names[need.course_id] = need.course.label
    if not required:
        return {}
    roles: dict[int, set[str]] = defaultdict(set)
    through = get_user_model().groups.through
    for person, role in through.objects.filter(
        user_id__in=ids, group__name__in=list(required)
    ).values_list("user_id", "group__name"):
        roles[person].add(role)
    held: dict[int, set[int]] = defaultdict(set)
    for person, course in (
        valid_passes(day).filter(user_id__in=list(roles)).values_list("user_id", "session__course")
    ):
        held[person].add(course)
    out = {}
    for person, person_roles in roles.items():
        missing = set().union(*(required[r] for r in person_roles)) - held[person]
        if missing:
            out[person] = sorted(names[c] for c in missing)
    return out


def category_qualifications(*, people: Iterable, category, day: date | None = None):
    """For a visit to a product of ``category``: the policy's rule (off, prefer, require), the
    courses that qualify (for the category or one above it), and each person's valid one.
    ``None`` when the rule is off or no course qualifies for the category."""
    rule = active_policy().category_qualification
    if rule == StaffPolicy.CategoryRule.OFF or category is None:
        return None
    path = [c.pk for c in category.path()]
    courses = {
        c.pk: c
        for c in Course.objects.filter(kind=CourseKind.PRODUCT, active=True, category_id__in=path)
    }
    if not courses:
        return None
    ids = [p.pk for p in people]
    day = day or timezone.localdate()
    held: dict[int, str] = {}
    for person, course in (
        valid_passes(day)
        .filter(Q(user_id__in=ids), session__course_id__in=list(courses))
        .values_list("user_id", "session__course")
    ):
        held.setdefault(person, courses[course].label)
    return {
        "rule": rule,
        "required": rule == StaffPolicy.CategoryRule.REQUIRE,
        "category": category,
        "held": held,
    }
