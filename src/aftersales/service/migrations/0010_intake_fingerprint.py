"""The hash of what was asked with an Idempotency-Key.

On SQLite, adding a column rebuilds ``service_case``, which drops the triggers that keep the
FTS5 search table in step (0007): they are made again, and the index rebuilt."""

import importlib

from django.db import migrations, models

fts = importlib.import_module("aftersales.service.migrations.0007_case_search_fts5")


def search_triggers_again(apps, schema_editor):
    fts.drop(apps, schema_editor)
    fts.create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0009_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="intake_fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="historicalcase",
            name="intake_fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(search_triggers_again, migrations.RunPython.noop),
    ]
