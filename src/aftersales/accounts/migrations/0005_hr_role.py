"""The human resources role (STF-1, STF-2): training, qualifications and scorecards."""

from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="hr")


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="hr").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_department_head")]

    operations = [migrations.RunPython(create_group, remove_group)]
