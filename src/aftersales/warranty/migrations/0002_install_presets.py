"""Copy the shipped 三包 presets into the database, where administrators can edit them."""

from django.db import migrations


def install(apps, schema_editor):
    from aftersales.warranty.services.policies import rulebooks_install

    rulebooks_install(apps.get_model("warranty", "Rulebook"))


class Migration(migrations.Migration):
    dependencies = [("warranty", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
