from django.db import migrations

INDEX = "service_case_search_gin"


def create(apps, schema_editor):
    """A full-text index on the segmented search column (PostgreSQL only; other databases
    match words as substrings)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON service_case USING gin "
        "(to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("service", "0002_routing_rules")]

    operations = [migrations.RunPython(create, drop)]
