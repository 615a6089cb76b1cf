"""PostgreSQL's two-role set-up: the owner role (this command's connection, the one that
runs migrations) grants the application's runtime role what it needs, and on the audit
table only SELECT and INSERT: the runtime role cannot UPDATE, DELETE or TRUNCATE audit
records, nor drop or disable the table's trigger (only the table's owner can)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

AUDIT_TABLE = "audit_auditrecord"


class Command(BaseCommand):
    help = "PostgreSQL: grant the runtime role ROLE the application's rights, audit table append-only."

    def add_arguments(self, parser):
        parser.add_argument("role")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_runtime_role is for PostgreSQL only.")
        name = connection.ops.quote_name(role)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = connection.ops.quote_name(cursor.fetchone()[0])
            for statement in [
                f"GRANT USAGE ON SCHEMA {schema} TO {name}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {name}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {name}",
                # Tables a later migration adds are the runtime role's too (audit excepted
                # above: run this command again after migrating).
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {name}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {name}",
            ]:
                cursor.execute(statement)
        self.stdout.write(f"Granted {role}: the application's tables; {AUDIT_TABLE} SELECT and INSERT only.")
