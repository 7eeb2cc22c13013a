from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from broadsheet.backups.exceptions import BackupError
from broadsheet.backups.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and media files from an archive `manage.py backup` wrote. The "
        "archive is checked first; a database that holds articles is only replaced with --force."
    )
    # The checks open the database, which a restore may have yet to create (as migrate does).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup archive (.tar).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds articles.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias (default: %(default)s).",
        )

    def handle(self, *args, database: str, path: Path, force: bool, **options):
        try:
            result = backup_restore(
                source=path, force=force, using=database, progress=self.stdout.write
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.summary))
