"""`manage.py restore ARCHIVE --yes`: replace the database and the file store by an
archive of `manage.py backup`, after checking every checksum. `--verify-only` checks
and changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Restore the database and the file store from a backup archive (replaces both)."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true", help="confirm: every row and file is replaced")
        parser.add_argument("--verify-only", action="store_true", help="check the archive, change nothing")

    def handle(self, *args, archive, yes, verify_only, **options):
        try:
            if verify_only:
                manifest = backup_verify(archive)
                self.stdout.write(f"{archive}: intact ({len(manifest['members'])} members, made {manifest['created']})")
                return
            if not yes:
                raise CommandError(
                    "restore replaces every row and file: add --yes (stop the web and worker services first)"
                )
            manifest = backup_restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["rows"].values())
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        self.stdout.write(f"restored {rows} rows and {files} files from {archive} (made {manifest['created']})")
