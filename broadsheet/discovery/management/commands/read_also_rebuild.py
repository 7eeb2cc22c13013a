from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from broadsheet.core.outlet import outlet_settings
from broadsheet.discovery.services import ReadAlsoRebuildReport, read_also_rebuild


class Command(BaseCommand):
    help = (
        "Rank and store Read also for every live story, or some: after an import (which sends "
        "no publishing signals), a change to the ranking, or a restore. Safe to interrupt and "
        "run again; --missing then does only what is left."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "article_ids", nargs="*", type=int, metavar="ARTICLE_ID", help="only these stories"
        )
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="only stories published on or after DATE (ISO 8601: 2025-06-22, or a date and "
            "time; without an offset, the outlet's time zone)",
        )
        parser.add_argument(
            "--missing", action="store_true", help="only stories with no stored picks yet"
        )
        parser.add_argument(
            "--reread",
            action="store_true",
            help="read the stories' text again, after an upgrade that changes how it is read",
        )

    def handle(self, *args, article_ids, since, missing, reread, **options):
        report = read_also_rebuild(
            article_ids=article_ids or None,
            since=self._moment(since) if since else None,
            missing=missing,
            reread=reread,
            progress=self._progress,
        )
        if report.total:
            self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored Read also for {report.ranked:,} stories ({report.picks:,} picks; "
                f"{report.empty:,} with nothing related enough) in {report.seconds:.1f} s "
                f"({report.per_second:,.0f} stories/s); dropped the picks of {report.cleared:,} "
                "stories no longer live."
            )
        )

    def _moment(self, value: str) -> datetime:
        moment = parse_datetime(value)
        if moment is None and (day := parse_date(value)) is not None:
            moment = datetime.combine(day, time.min)
        if moment is None:
            raise CommandError(f"--since: {value!r} is not a date (2025-06-22) or a date and time")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=outlet_settings().zone)
        return moment

    def _progress(self, report: ReadAlsoRebuildReport) -> None:
        left = (report.total - report.ranked) / report.per_second if report.per_second else 0
        self.stderr.write(
            f"\rRanked {report.ranked:,} of {report.total:,} stories "
            f"({report.per_second:,.0f}/s, {left:,.0f} s left)",
            ending="",
        )
