from django.core.management.base import BaseCommand

from ops.backup import create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the media folder into one file under backups/ (its path is printed last)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=None, help="Folder for the file (default: BACKUP_DIR or backups/)."
        )

    def handle(self, *args, dir=None, **options):
        path = create_backup(directory=dir)
        self.stdout.write(str(path.resolve()))
