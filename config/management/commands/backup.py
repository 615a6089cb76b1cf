"""`manage.py backup --output-dir DIR [--keep N]`: one archive of the database and the
file store, checksummed (config/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup_create, backups_prune


class Command(BaseCommand):
    help = "Write one archive of the database and the file store, with a checksum manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", required=True, help="directory for the archive")
        parser.add_argument("--keep", type=int, default=0, help="keep only the newest N archives there (0: all)")

    def handle(self, *args, output_dir, keep, **options):
        if keep < 0:
            raise CommandError("--keep must be 0 or more")
        try:
            summary = backup_create(output_dir)
        except (BackupError, OSError) as error:
            raise CommandError(f"backup failed: {error}") from None
        self.stdout.write(
            f"{summary.path}  {summary.size} bytes  {summary.rows} rows  {summary.files} files  sha256 {summary.sha256}"
        )
        if keep:
            for removed in backups_prune(output_dir, keep=keep):
                self.stdout.write(f"removed {removed}")
