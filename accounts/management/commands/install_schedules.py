from django.core.management.base import BaseCommand

from accounts.schedules import install_default_schedules


class Command(BaseCommand):
    help = "Install the default reminder schedules (idempotent; schedules edited in the admin are kept)."

    def handle(self, *args, **options):
        created = install_default_schedules()
        self.stdout.write(f"{created} schedule(s) installed.")
