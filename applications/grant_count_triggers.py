"""The triggers that keep applications.models.CaseGroupGrantCount exact (created by
migration 0018_case_group_grant_counts) are checked after every `migrate`: on SQLite,
a later migration that rebuilds the case table or guardian's (how SQLite alters a
column) drops the triggers on it with the old table, silently. When one is missing,
all are made again from that migration's statements and the counts recounted from the
rows, in one transaction: the counts are never read without their triggers."""

import importlib

from django.db import connections, transaction

_MIGRATION = importlib.import_module("applications.migrations.0018_case_group_grant_counts")


def _present(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'case_grant_counts_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'case_grant_counts_%'")
        return {name for (name,) in cursor.fetchall()}


def _expected(vendor: str) -> set[str]:
    if vendor == "postgresql":
        return {name for _table, name in _MIGRATION.POSTGRESQL_TRIGGERS}
    return {statement.split()[2] for statement in _MIGRATION.SQLITE if statement.startswith("CREATE TRIGGER")}


def ensure_grant_count_triggers(using: str = "default") -> bool:
    """Make the triggers again and recount when one is missing; True when it did."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return False
    if _expected(connection.vendor) <= _present(connection):
        return False
    statements = {"postgresql": (_MIGRATION.POSTGRESQL_REVERSE, _MIGRATION.POSTGRESQL)}
    statements["sqlite"] = (_MIGRATION.SQLITE_REVERSE, _MIGRATION.SQLITE)
    reverse, forward = statements[connection.vendor]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in reverse:
            cursor.execute(statement)
        # Emptied first: the migration's last statement fills the table from the rows.
        cursor.execute(f"DELETE FROM {_MIGRATION.COUNTS}")
        for statement in forward:
            cursor.execute(statement)
    return True


def grant_count_triggers_after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """post_migrate of the applications app: only once its count table exists."""
    applied = connections[using].introspection.table_names()
    if _MIGRATION.COUNTS in applied:
        ensure_grant_count_triggers(using)
