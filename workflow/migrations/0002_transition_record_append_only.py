"""A database trigger that refuses UPDATE of transition records, whatever the client
(the ORM already refuses; this also stops raw SQL and other programs).

DELETE is refused by the ORM and the admin, and by the PROTECT foreign keys that
point here; a delete trigger is not added because test databases are flushed row by
row on SQLite."""

from django.db import migrations

FORWARDS = {
    "sqlite": [
        """CREATE TRIGGER workflow_transitionrecord_no_update BEFORE UPDATE ON workflow_transitionrecord
        BEGIN SELECT RAISE(ABORT, 'transition records are append-only'); END;""",
    ],
    "postgresql": [
        """CREATE FUNCTION workflow_transitionrecord_no_update() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'transition records are append-only'; END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER workflow_transitionrecord_no_update BEFORE UPDATE ON workflow_transitionrecord
        FOR EACH ROW EXECUTE FUNCTION workflow_transitionrecord_no_update();""",
    ],
}
BACKWARDS = {
    "sqlite": ["DROP TRIGGER IF EXISTS workflow_transitionrecord_no_update;"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS workflow_transitionrecord_no_update ON workflow_transitionrecord;",
        "DROP FUNCTION IF EXISTS workflow_transitionrecord_no_update();",
    ],
}


def _run(schema_editor, by_vendor):
    for statement in by_vendor.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, FORWARDS)


def backwards(apps, schema_editor):
    _run(schema_editor, BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
