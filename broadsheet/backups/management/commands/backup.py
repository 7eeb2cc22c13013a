from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from broadsheet.backups.exceptions import BackupError
from broadsheet.backups.services import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and media files into one archive, while the site keeps running. "
        "`manage.py restore` reads it."
    )
    # The checks open the database, which a restore may have yet to create (as migrate does).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="The archive to write, or a folder for it "
            "(default: VAR_DIR/backups/broadsheet-<UTC time>.tar).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias (default: %(default)s).",
        )

    def handle(self, *args, database: str, path: Path | None, **options):
        try:
            result = backup_create(destination=path, using=database, progress=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.summary))
