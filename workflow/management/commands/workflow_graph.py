from django.core.management.base import BaseCommand

from workflow.graph import mermaid


class Command(BaseCommand):
    help = "Print the case state machine as a Mermaid state diagram (state, action, who may take it)."

    def handle(self, *args, **options):
        self.stdout.write(mermaid(), ending="")
