"""SQLite: an FTS5 table over the cases' segmented search text, kept in step by triggers.
(PostgreSQL has its GIN full-text index from 0003; other databases fall back to substrings.)"""

from django.db import migrations

CREATE = [
    "CREATE VIRTUAL TABLE service_case_fts USING fts5("
    "search_text, content='service_case', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER service_case_fts_ai AFTER INSERT ON service_case BEGIN "
    "INSERT INTO service_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER service_case_fts_ad AFTER DELETE ON service_case BEGIN "
    "INSERT INTO service_case_fts(service_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER service_case_fts_au AFTER UPDATE OF search_text ON service_case BEGIN "
    "INSERT INTO service_case_fts(service_case_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO service_case_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO service_case_fts(service_case_fts) VALUES ('rebuild')",
]
DROP = [
    "DROP TRIGGER IF EXISTS service_case_fts_ai",
    "DROP TRIGGER IF EXISTS service_case_fts_ad",
    "DROP TRIGGER IF EXISTS service_case_fts_au",
    "DROP TABLE IF EXISTS service_case_fts",
]


def _fts5_available(cursor) -> bool:
    cursor.execute("PRAGMA compile_options")
    return any(row[0] == "ENABLE_FTS5" for row in cursor.fetchall())


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        if not _fts5_available(cursor):
            return  # searched by substring instead (selectors.case_search)
        for sql in CREATE:
            cursor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for sql in DROP:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("service", "0006_delay_compensation_and_skills")]

    operations = [migrations.RunPython(create, drop)]
