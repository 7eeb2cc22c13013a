from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from broadsheet.core.outlet import outlet_settings
from broadsheet.imports.services import ImportReport, section_keys, stories_import
from broadsheet.imports.wordpress import ExportError, export_check, export_stories

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import the published posts of a WordPress export (WXR 1.0-1.2, Tools → Export in "
        "WordPress) as articles; see the README. Re-running a file updates its articles."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the WordPress export (.xml)")
        parser.add_argument(
            "--section",
            default="",
            help="section (slug or title) for posts none of whose categories is a section; "
            "without it, such posts are reported and skipped",
        )

    def handle(self, *args, file: str, section: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        sections = section_keys()
        if section and section.strip().casefold() not in sections:
            raise CommandError(f"--section: no section {section!r}")
        try:
            export = export_check(path)
        except ExportError as error:
            raise CommandError(f"{path.name}: {error}. Nothing was imported.") from None
        skipped = _counts(export.skipped)
        self.stderr.write(
            f"WordPress export (WXR {export.version}): {export.posts:,} published posts to "
            f"import{'; not importing ' + skipped if skipped else ''}."
        )
        stories = export_stories(
            path,
            export,
            sections=sections,
            default_section=section.strip(),
            zone=outlet_settings().zone,
        )
        try:
            report = stories_import(
                stories=stories, progress=lambda r: self._progress(r, export.posts)
            )
        except ExportError as error:  # only if the file changed after it was checked
            raise CommandError(f"{path.name}: {error}") from None
        self._summary(report, export.posts)

    def _progress(self, report: ImportReport, total: int) -> None:
        done = report.imported + report.unchanged + len(report.errors)
        self.stderr.write(
            f"  {done:,} of {total:,} posts: {report.created:,} new, {report.updated:,} "
            f"updated, {report.unchanged:,} unchanged, {len(report.errors):,} not imported "
            f"({report.per_second:,.0f} articles/s)"
        )

    def _summary(self, report: ImportReport, total: int) -> None:
        for line, message in report.errors[:ERRORS_SHOWN]:
            self.stderr.write(self.style.WARNING(f"post at line {line}: {message}"))
        if len(report.errors) > ERRORS_SHOWN:
            self.stderr.write(f"… and {len(report.errors) - ERRORS_SHOWN:,} more posts")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported:,} articles ({report.created:,} new, "
                f"{report.updated:,} updated; {report.unchanged:,} unchanged) from {total:,} "
                f"published posts in {report.seconds:.1f} s ({report.per_second:,.0f} "
                f"articles/s); created {report.authors_created:,} authors and "
                f"{report.topics_created:,} topics; {len(report.errors):,} posts not imported."
            )
        )


def _counts(counter) -> str:
    """ "3 drafts, 1 page": every reason is a plural that loses its final s for one."""
    return ", ".join(
        f"{count:,} {what if count != 1 else what.removesuffix('s')}"
        for what, count in counter.most_common()
    )
