"""Installation: the three administrators of the separation of duties (三权分立), in the
organisation 系统运维, each with a password to change at the first sign-in."""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.enums import OrgKind, Role
from accounts.models import Organisation, User
from accounts.services import organisation_create, user_create

ADMINS = [
    ("sysadmin", Role.SYSTEM_ADMIN, "系统管理员"),
    ("secadmin", Role.SECURITY_ADMIN, "安全管理员"),
    ("auditadmin", Role.AUDIT_ADMIN, "安全审计员"),
]


class Command(BaseCommand):
    help = "Create the system, security and audit administrators (print their one-time passwords)."

    def add_arguments(self, parser):
        parser.add_argument("--prefix", default="", help="prefix of the three login names")

    @transaction.atomic
    def handle(self, *args, prefix: str = "", **options):
        operations = Organisation.objects.filter(kind=OrgKind.OPERATIONS).first() or organisation_create(
            name="系统运维", code="operations", kind=OrgKind.OPERATIONS
        )
        for name, role, display_name in ADMINS:
            username = f"{prefix}{name}"
            if User.objects.filter(username=username).exists():
                raise CommandError(f"{username} exists already; nothing was created.")
            password = secrets.token_urlsafe(12) + "-A1"
            user = user_create(
                username=username,
                password=password,
                organisation=operations,
                role=role,
                display_name=display_name,
            )
            # The system administrator works in the admin (organisations and accounts).
            User.objects.filter(pk=user.pk).update(must_change_password=True, is_staff=role == Role.SYSTEM_ADMIN)
            self.stdout.write(f"{username}\t{role.label}\t{password}")
