"""Ship the source documents' time limits as the default SLA policy (see sla/presets.py)."""

from django.db import migrations

from aftersales.sla.presets import PRESET_NAME, ensure_preset_policy


def create(apps, schema_editor):
    ensure_preset_policy(
        apps.get_model("sla", "SlaPolicy"),
        apps.get_model("sla", "SlaTarget"),
        apps.get_model("sla", "SlaEscalationStep"),
    )


def remove(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(name=PRESET_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
