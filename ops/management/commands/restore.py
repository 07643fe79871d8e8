import sys

from django.core.management.base import BaseCommand, CommandError

from ops.backup import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` (database and media), replacing what is there, then compare "
        "every table's row count with the backup's. Asks first on a terminal; never when input is not one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--into", default=None, help="Restore into this database URL instead.")
        parser.add_argument("--media-root", default=None, help="Restore the media into this folder instead.")
        parser.add_argument("--yes", action="store_true", help="Do not ask.")

    def handle(self, *args, file, into=None, media_root=None, yes=False, **options):
        if sys.stdin.isatty() and not yes:
            answer = input(f"Replace the database and the media with {file}? Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        result = restore_backup(file, into=into, media_root=media_root)
        for table, (expected, found) in result["differences"].items():
            self.stderr.write(f"{table}: {expected} rows in the backup, {found} restored")
        if result["differences"]:
            raise CommandError(f"{len(result['differences'])} table(s) differ from the backup.")
        self.stdout.write(f"Restored {len(result['counts'])} tables; every row count matches the backup.")
