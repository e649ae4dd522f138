"""The database itself refuses to update or delete case events."""

from django.db import migrations

SQL = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION cases_event_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'case events are append-only (案件日志只能追加)'; END;
           $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER cases_event_no_update BEFORE UPDATE OR DELETE ON cases_caseevent
           FOR EACH ROW EXECUTE FUNCTION cases_event_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER cases_event_no_update BEFORE UPDATE ON cases_caseevent
           BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END""",
        """CREATE TRIGGER cases_event_no_delete BEFORE DELETE ON cases_caseevent
           BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END""",
    ],
}


def install(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
