from django.core.management.base import BaseCommand

from ops import outbox
from ops.schedules import install_outbox_schedule


class Command(BaseCommand):
    help = "Send the outbox tasks the broker has not taken yet (what the beat sweep does every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--grace", type=int, default=0, help="Skip rows younger than this (seconds).")
        parser.add_argument(
            "--install-schedule", action="store_true", help="Also install the sweep's schedule."
        )

    def handle(self, *args, grace, install_schedule, **options):
        if install_schedule:
            install_outbox_schedule()
        sent = outbox.dispatch(grace_seconds=grace)
        self.stdout.write(f"{sent} task(s) sent, {outbox.pending_count()} still waiting.")
