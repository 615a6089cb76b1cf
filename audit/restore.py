"""The one sanctioned way past the audit table's DELETE trigger: a restore that replaces
the whole database, audit records included, by a backup's (config/backup.py).

On SQLite Django's flush empties a table with DELETE, which the trigger refuses for
records younger than 180 days: the trigger is dropped for the flush and created again
at once, inside the caller's transaction (SQLite's DDL is transactional, so a failed
restore leaves the trigger in place). On PostgreSQL the flush is a TRUNCATE, which
fires no row trigger and which only the table's owner (who restores) may run: nothing
to do there."""

from contextlib import contextmanager
from importlib import import_module

from django.db import connection

_TRIGGERS = import_module("audit.migrations.0002_append_only_triggers")
_YOUNG_DELETE = "audit_record_no_young_delete"


@contextmanager
def audit_table_replaceable():
    """Within this block (inside a transaction) the audit table may be emptied."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {_YOUNG_DELETE}")
    try:
        yield
    finally:
        statement = next(sql for sql in _TRIGGERS.SQLITE if _YOUNG_DELETE in sql)
        with connection.cursor() as cursor:
            cursor.execute(statement)
