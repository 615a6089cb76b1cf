from django.core.management.base import BaseCommand

from applications.models import Case
from workflow.permissions import permissions_sync_all


class Command(BaseCommand):
    help = "Rebuild every case's object permissions from the grant table, writing only what differs."

    def handle(self, *args, **options):
        result = permissions_sync_all(model=Case)
        self.stdout.write(f"added {result.added}, removed {result.removed}")
