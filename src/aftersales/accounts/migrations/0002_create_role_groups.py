"""Create one Django group per role of REQUIREMENTS.md "People and roles".

The role codes are written out here rather than imported, so this migration keeps working when
the Role enum grows (a later migration adds new roles the same way).
"""

from django.db import migrations

ROLE_CODES = [
    "sales",
    "sales_vp",
    "quality_inspection",
    "quality",
    "logistics",
    "service",
    "customer_service",
    "dealer",
    "admin",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        Group.objects.get_or_create(name=code)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
