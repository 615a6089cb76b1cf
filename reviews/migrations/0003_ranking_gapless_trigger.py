"""The database refuses a ranking table whose ranks are not 1..n.

Ranks are unique per table and at least 1 (constraints of 0002); with those, "as many
entries as the highest rank" means exactly 1..n. The check runs whenever the table's
row changes, and the ranking service bumps the row's order_version with every change
of the order, so no order with a gap or a duplicate can be saved, and none can be
submitted (submission updates the row too)."""

from django.db import migrations

CHECK = """(SELECT COUNT(*) FROM reviews_rankingentry WHERE table_id = NEW.id)
    <> COALESCE((SELECT MAX("rank") FROM reviews_rankingentry WHERE table_id = NEW.id), 0)"""

FORWARDS = {
    "sqlite": [
        f"""CREATE TRIGGER reviews_rankingtable_gapless BEFORE UPDATE ON reviews_rankingtable
        WHEN {CHECK}
        BEGIN SELECT RAISE(ABORT, 'ranking ranks must run 1..n without gaps'); END;""",
    ],
    "postgresql": [
        f"""CREATE FUNCTION reviews_rankingtable_gapless() RETURNS trigger AS $$
        BEGIN
            IF {CHECK} THEN
                -- check_violation, so that clients see an integrity error as for any constraint
                RAISE EXCEPTION 'ranking ranks must run 1..n without gaps' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END; $$ LANGUAGE plpgsql;""",
        """CREATE TRIGGER reviews_rankingtable_gapless BEFORE UPDATE ON reviews_rankingtable
        FOR EACH ROW EXECUTE FUNCTION reviews_rankingtable_gapless();""",
    ],
}
BACKWARDS = {
    "sqlite": ["DROP TRIGGER IF EXISTS reviews_rankingtable_gapless;"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS reviews_rankingtable_gapless ON reviews_rankingtable;",
        "DROP FUNCTION IF EXISTS reviews_rankingtable_gapless();",
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
    dependencies = [("reviews", "0002_ranking_entries")]
    operations = [migrations.RunPython(forwards, backwards)]
