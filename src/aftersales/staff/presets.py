"""The presets of training and assessment, made when missing (the migration makes them on
every database; the demo makes them again after a test flushed the tables)."""

from __future__ import annotations

from decimal import Decimal

from .models import Course, Indicator, StaffPolicy, TrainingRequirement
from .seeded import (
    COURSE_PRESETS,
    COURSES,
    INDICATOR_DESCRIPTIONS,
    INDICATOR_PRESETS,
    INDICATORS,
    POLICIES,
    REQUIREMENTS,
)


def ensure_presets() -> None:
    if not StaffPolicy.objects.exists():
        StaffPolicy.objects.create(
            name=POLICIES["default"][0], induction_gates_work=False, category_qualification="prefer"
        )
    for code, (kind, hours, months, description) in COURSE_PRESETS.items():
        Course.objects.get_or_create(
            code=code,
            defaults={
                "name": COURSES[code][0],
                "kind": kind,
                "hours": Decimal(hours),
                "validity_months": months,
                "description": description,
            },
        )
    for role, codes in REQUIREMENTS.items():
        for code in codes:
            TrainingRequirement.objects.get_or_create(
                role=role, course=Course.objects.get(code=code)
            )
    for role, rows in INDICATOR_PRESETS.items():
        for position, (code, source, direction, target, weight, points) in enumerate(rows):
            Indicator.objects.get_or_create(
                code=code,
                role=role,
                period_kind="month",
                defaults={
                    "name": INDICATORS[code][0],
                    "source": source,
                    "direction": direction,
                    "target": Decimal(target),
                    "weight": Decimal(weight),
                    "points_per_unit": Decimal(points),
                    "position": (position + 1) * 10,
                    "description": INDICATOR_DESCRIPTIONS.get(code, ""),
                },
            )
