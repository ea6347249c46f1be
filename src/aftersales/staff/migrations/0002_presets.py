"""The presets of training and assessment (STF-1, STF-2): the policy, the general courses,
the induction each role needs, and the scorecard indicators of technicians and customer
service. The policy starts with training not yet gating the work: a company switches it on
once its people's past training is recorded, or nobody could be given a case."""

from decimal import Decimal

from django.db import migrations


def presets(apps, schema_editor):
    from aftersales.staff.seeded import (
        COURSE_PRESETS,
        COURSES,
        INDICATOR_DESCRIPTIONS,
        INDICATOR_PRESETS,
        INDICATORS,
        POLICIES,
        REQUIREMENTS,
    )

    Policy = apps.get_model("staff", "StaffPolicy")
    Course = apps.get_model("staff", "Course")
    Requirement = apps.get_model("staff", "TrainingRequirement")
    Indicator = apps.get_model("staff", "Indicator")
    if not Policy.objects.exists():
        Policy.objects.create(
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
            Requirement.objects.get_or_create(role=role, course=Course.objects.get(code=code))
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


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]

    operations = [migrations.RunPython(presets, migrations.RunPython.noop)]
