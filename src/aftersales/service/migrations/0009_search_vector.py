"""PostgreSQL: the search words' tsvector stored in a generated column, indexed by GIN in place
of the expression index of 0003. Matching rows then need no recomputation, so a search can walk
the newest cases and stop at the page's 25 matches instead of fetching every match."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE service_case ADD COLUMN IF NOT EXISTS search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_text, ''))) "
        "STORED"
    )
    schema_editor.execute("DROP INDEX IF EXISTS service_case_search_gin")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS service_case_search_vector_gin ON service_case "
        "USING gin (search_vector)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS service_case_search_vector_gin")
    schema_editor.execute("ALTER TABLE service_case DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS service_case_search_gin ON service_case USING gin "
        "(to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
    )


class Migration(migrations.Migration):
    dependencies = [("service", "0008_open_assignee_index")]

    operations = [migrations.RunPython(create, drop)]
