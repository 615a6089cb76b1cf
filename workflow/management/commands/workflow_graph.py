from django.core.management.base import BaseCommand, CommandError

from workflow.graph import mermaid
from workflow.machines import all_machines


class Command(BaseCommand):
    help = "Print each state machine as a Mermaid state diagram (state, action, who may take it)."

    def add_arguments(self, parser):
        parser.add_argument("model", nargs="?", help="app_label.Model of one machine (default: every machine)")

    def handle(self, *args, model=None, **options):
        machines = [m for m in all_machines() if model is None or m.label.lower() == model.lower()]
        if not machines:
            raise CommandError(f"no state machine for {model}")
        self.stdout.write("\n".join(mermaid(machine) for machine in machines), ending="")
