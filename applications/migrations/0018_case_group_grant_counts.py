"""The count of guardian's case group rows per (group, permission, the case's state,
bucket), kept exact by triggers in the database (applications.models.CaseGroupGrantCount).

Join-view maintenance of COUNT(*) over guardian's group rows JOIN the case on the
subject, so that any order of writes keeps it (PostgreSQL's foreign keys are deferred: a
row may be written before its case, a case deleted before its rows):
- a guardian row inserted, deleted or updated: ± 1 at its case's current state (nothing
  when the case does not exist);
- a case's state (or id) changed: its rows' counts move from the old key to the new;
- a case deleted: − its rows still present; a case inserted: + its rows already present.
Decrements are UPDATEs (they never create a row); increments upserts. Zero rows stay.

PostgreSQL: guardian's table triggers per statement with transition tables (a sync or a
bulk load writes thousands of rows at once), aggregated per key and applied in the key's
order (one lock order for all writers); the case's UPDATE per row, only when the state or
id changed (the autosave's UPDATE sets neither column and fires nothing). A TRUNCATE of
either table empties the counts. SQLite: row-level triggers."""

from django.db import migrations, models

COUNTS = "applications_casegroupgrantcount"
ROWS = "applications_casegroupobjectpermission"
CASES = "applications_case"
BUCKETS = 16
KEY = "group_id, permission_id, state, bucket"
UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + EXCLUDED.n"

FILL = (
    f"INSERT INTO {COUNTS} (group_id, permission_id, state, bucket, n) "
    f"SELECT r.group_id, r.permission_id, c.state, c.id % {BUCKETS}, COUNT(*) "
    f"FROM {ROWS} r INNER JOIN {CASES} c ON c.id = r.content_object_id "
    f"GROUP BY r.group_id, r.permission_id, c.state, c.id % {BUCKETS}"
)


def _apply(deltas: str) -> str:
    """PL/pgSQL applying `deltas` (rows of group_id, permission_id, state, bucket, d),
    summed per key, in the key's order: an upsert for a gain, an UPDATE for a loss."""
    return f"""
  FOR k IN SELECT x.group_id, x.permission_id, x.state, x.bucket, SUM(x.d) AS d FROM ({deltas}) x
           GROUP BY 1, 2, 3, 4 HAVING SUM(x.d) <> 0 ORDER BY 1, 2, 3, 4 LOOP
    IF k.d > 0 THEN
      INSERT INTO {COUNTS} AS t (group_id, permission_id, state, bucket, n)
      VALUES (k.group_id, k.permission_id, k.state, k.bucket, k.d) {UPSERT};
    ELSE
      UPDATE {COUNTS} SET n = n + k.d WHERE group_id = k.group_id AND permission_id = k.permission_id
        AND state = k.state AND bucket = k.bucket;
    END IF;
  END LOOP;"""


def _function(name: str, body: str, declare: bool = True) -> str:
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        + ("DECLARE k record;\n" if declare else "")
        + f"BEGIN{body}\n  RETURN NULL;\nEND $$"
    )


def _joined(table: str, d: int) -> str:
    """Deltas of guardian rows `table` (a transition table) joined to their cases."""
    return (
        f"SELECT r.group_id AS group_id, r.permission_id AS permission_id, c.state AS state, "
        f"c.id % {BUCKETS} AS bucket, {d} AS d FROM {table} r INNER JOIN {CASES} c ON c.id = r.content_object_id"
    )


def _of_case(case: str, d: int) -> str:
    """Deltas of the guardian rows on case `case` (OLD or NEW), at its state."""
    return (
        f"SELECT r.group_id AS group_id, r.permission_id AS permission_id, {case}.state AS state, "
        f"{case}.id % {BUCKETS} AS bucket, {d} AS d FROM {ROWS} r WHERE r.content_object_id = {case}.id"
    )


def _added(joined: str) -> str:
    """PL/pgSQL adding the rows of `joined` (guardian rows `r` joined to cases `c`, one
    side a transition table) to their keys' counts: one aggregated upsert, in key order."""
    return f"""
  INSERT INTO {COUNTS} AS t (group_id, permission_id, state, bucket, n)
  SELECT r.group_id, r.permission_id, c.state, c.id % {BUCKETS}, COUNT(*)
  FROM {joined}
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  {UPSERT};"""


POSTGRESQL = [
    # Bulk inserts (a sync, the benchmark's load): one aggregated upsert, in key order.
    _function(
        "case_grant_counts_rows_added",
        _added(f"added r INNER JOIN {CASES} c ON c.id = r.content_object_id"),
        declare=False,
    ),
    _function("case_grant_counts_rows_removed", _apply(_joined("removed", -1))),
    _function("case_grant_counts_rows_changed", _apply(f"{_joined('removed', -1)} UNION ALL {_joined('added', 1)}")),
    _function(
        "case_grant_counts_cases_added",
        _added(f"added c INNER JOIN {ROWS} r ON r.content_object_id = c.id"),
        declare=False,
    ),
    _function(
        "case_grant_counts_cases_removed",
        _apply(
            f"SELECT r.group_id AS group_id, r.permission_id AS permission_id, c.state AS state, "
            f"c.id % {BUCKETS} AS bucket, -1 AS d FROM removed c INNER JOIN {ROWS} r ON r.content_object_id = c.id"
        ),
    ),
    _function("case_grant_counts_case_moved", _apply(f"{_of_case('OLD', -1)} UNION ALL {_of_case('NEW', 1)}")),
    _function("case_grant_counts_cleared", f"\n  DELETE FROM {COUNTS};", declare=False),
    f"""CREATE TRIGGER case_grant_counts_rows_added AFTER INSERT ON {ROWS}
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_rows_added()""",
    f"""CREATE TRIGGER case_grant_counts_rows_removed AFTER DELETE ON {ROWS}
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_rows_removed()""",
    f"""CREATE TRIGGER case_grant_counts_rows_changed AFTER UPDATE ON {ROWS}
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_rows_changed()""",
    f"""CREATE TRIGGER case_grant_counts_rows_cleared AFTER TRUNCATE ON {ROWS}
        FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_cleared()""",
    f"""CREATE TRIGGER case_grant_counts_cases_added AFTER INSERT ON {CASES}
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_cases_added()""",
    f"""CREATE TRIGGER case_grant_counts_cases_removed AFTER DELETE ON {CASES}
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_cases_removed()""",
    f"""CREATE TRIGGER case_grant_counts_case_moved AFTER UPDATE OF state, id ON {CASES} FOR EACH ROW
        WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.id IS DISTINCT FROM NEW.id)
        EXECUTE FUNCTION case_grant_counts_case_moved()""",
    f"""CREATE TRIGGER case_grant_counts_cases_cleared AFTER TRUNCATE ON {CASES}
        FOR EACH STATEMENT EXECUTE FUNCTION case_grant_counts_cleared()""",
    FILL,
]
POSTGRESQL_TRIGGERS = [
    (ROWS, "case_grant_counts_rows_added"),
    (ROWS, "case_grant_counts_rows_removed"),
    (ROWS, "case_grant_counts_rows_changed"),
    (ROWS, "case_grant_counts_rows_cleared"),
    (CASES, "case_grant_counts_cases_added"),
    (CASES, "case_grant_counts_cases_removed"),
    (CASES, "case_grant_counts_case_moved"),
    (CASES, "case_grant_counts_cases_cleared"),
]
POSTGRESQL_FUNCTIONS = [
    "case_grant_counts_rows_added",
    "case_grant_counts_rows_removed",
    "case_grant_counts_rows_changed",
    "case_grant_counts_cases_added",
    "case_grant_counts_cases_removed",
    "case_grant_counts_case_moved",
    "case_grant_counts_cleared",
]
POSTGRESQL_REVERSE = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, name in POSTGRESQL_TRIGGERS] + [
    f"DROP FUNCTION IF EXISTS {name}()" for name in POSTGRESQL_FUNCTIONS
]

# SQLite: per row. (An upsert's INSERT … SELECT inside a trigger needs its WHERE.)
_SQLITE_ADD = (
    f"INSERT INTO {COUNTS} (group_id, permission_id, state, bucket, n) "
    f"SELECT {{row}}.group_id, {{row}}.permission_id, c.state, c.id % {BUCKETS}, 1 "
    f"FROM {CASES} c WHERE c.id = {{row}}.content_object_id "
    f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
)
_SQLITE_REMOVE = (
    f"UPDATE {COUNTS} SET n = n - 1 WHERE group_id = {{row}}.group_id AND permission_id = {{row}}.permission_id "
    f"AND bucket = {{row}}.content_object_id % {BUCKETS} "
    f"AND state = (SELECT c.state FROM {CASES} c WHERE c.id = {{row}}.content_object_id);"
)
_SQLITE_CASE_ADD = (
    f"INSERT INTO {COUNTS} (group_id, permission_id, state, bucket, n) "
    f"SELECT r.group_id, r.permission_id, {{case}}.state, {{case}}.id % {BUCKETS}, COUNT(*) "
    f"FROM {ROWS} r WHERE r.content_object_id = {{case}}.id GROUP BY r.group_id, r.permission_id "
    f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
)
_SQLITE_CASE_REMOVE = (
    f"UPDATE {COUNTS} SET n = n - (SELECT COUNT(*) FROM {ROWS} r WHERE r.content_object_id = {{case}}.id "
    f"AND r.group_id = {COUNTS}.group_id AND r.permission_id = {COUNTS}.permission_id) "
    f"WHERE (group_id, permission_id) IN (SELECT r.group_id, r.permission_id FROM {ROWS} r "
    f"WHERE r.content_object_id = {{case}}.id) AND state = {{case}}.state AND bucket = {{case}}.id % {BUCKETS};"
)
SQLITE = [
    f"CREATE TRIGGER case_grant_counts_row_added AFTER INSERT ON {ROWS} BEGIN {_SQLITE_ADD.format(row='NEW')} END",
    f"CREATE TRIGGER case_grant_counts_row_removed AFTER DELETE ON {ROWS} BEGIN {_SQLITE_REMOVE.format(row='OLD')} END",
    f"""CREATE TRIGGER case_grant_counts_row_changed AFTER UPDATE OF group_id, permission_id, content_object_id
        ON {ROWS} WHEN OLD.group_id IS NOT NEW.group_id OR OLD.permission_id IS NOT NEW.permission_id
        OR OLD.content_object_id IS NOT NEW.content_object_id
        BEGIN {_SQLITE_REMOVE.format(row="OLD")} {_SQLITE_ADD.format(row="NEW")} END""",
    f"CREATE TRIGGER case_grant_counts_case_added AFTER INSERT ON {CASES} BEGIN {_SQLITE_CASE_ADD.format(case='NEW')} END",
    f"""CREATE TRIGGER case_grant_counts_case_removed AFTER DELETE ON {CASES}
        BEGIN {_SQLITE_CASE_REMOVE.format(case="OLD")} END""",
    f"""CREATE TRIGGER case_grant_counts_case_moved AFTER UPDATE OF state, id ON {CASES}
        WHEN OLD.state IS NOT NEW.state OR OLD.id IS NOT NEW.id
        BEGIN {_SQLITE_CASE_REMOVE.format(case="OLD")} {_SQLITE_CASE_ADD.format(case="NEW")} END""",
    FILL,
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "case_grant_counts_row_added",
        "case_grant_counts_row_removed",
        "case_grant_counts_row_changed",
        "case_grant_counts_case_added",
        "case_grant_counts_case_removed",
        "case_grant_counts_case_moved",
    )
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0017_case_draft_missing_and_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseGroupGrantCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("group_id", models.IntegerField()),
                ("permission_id", models.IntegerField()),
                ("state", models.CharField(max_length=50)),
                ("bucket", models.PositiveSmallIntegerField()),
                ("n", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("group_id", "permission_id", "state", "bucket"), name="case_grant_count_key"
                    )
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
