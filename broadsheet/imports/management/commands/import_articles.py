import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from broadsheet.core.outlet import outlet_settings
from broadsheet.imports.services import ImportReport, articles_import

# Bad lines listed in full; past this many, the rest are counted.
ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import articles from a JSON Lines file (one story per line; see the README). Bad lines "
        "are reported by number and skipped; re-running a file updates its articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .jsonl file, or - for standard input")

    def handle(self, *args, file: str, **options):
        if file == "-":
            total = None
            stream = sys.stdin
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"No such file: {file}")
            with path.open("rb") as counting:
                total = sum(1 for _ in counting)
            stream = path.open(encoding="utf-8", errors="replace", newline="\n")
        zone = outlet_settings().zone
        with stream:
            report = articles_import(
                lines=stream, zone=zone, progress=lambda r: self._progress(r, total)
            )
        self._summary(report)

    def _progress(self, report: ImportReport, total: int | None) -> None:
        of = f" of {total:,}" if total else ""
        self.stderr.write(
            f"  line {report.lines:,}{of}: {report.created:,} new, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged, {len(report.errors):,} bad "
            f"({report.per_second:,.0f} articles/s)"
        )

    def _summary(self, report: ImportReport) -> None:
        for number, message in report.errors[:ERRORS_SHOWN]:
            self.stderr.write(self.style.WARNING(f"line {number}: {message}"))
        if len(report.errors) > ERRORS_SHOWN:
            self.stderr.write(f"… and {len(report.errors) - ERRORS_SHOWN:,} more bad lines")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported:,} articles ({report.created:,} new, "
                f"{report.updated:,} updated; {report.unchanged:,} unchanged) from "
                f"{report.lines:,} lines in {report.seconds:.1f} s "
                f"({report.per_second:,.0f} articles/s); created {report.authors_created:,} "
                f"authors and {report.topics_created:,} topics; skipped "
                f"{len(report.errors):,} bad lines."
            )
        )
