import time

from django.core.management.base import BaseCommand

from broadsheet.discovery.search_index import search_index_rebuild
from broadsheet.discovery.search_recent import recent_index_roll


class Command(BaseCommand):
    help = (
        "Rebuild reader search from the live stories: after a restore, an upgrade, or a bulk "
        "change made outside Broadsheet. Safe to interrupt and run again."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            rate = done / elapsed if elapsed else 0
            left = (total - done) / rate if rate else 0
            self.stderr.write(
                f"\rIndexed {done:,} of {total:,} stories ({rate:,.0f}/s, {left:,.0f} s left)",
                ending="",
            )

        count = search_index_rebuild(progress=progress)
        self.stderr.write("")
        self.stdout.write(
            f"Indexed {count:,} live stories for search in {time.perf_counter() - started:.1f} s."
        )
        if (floor := recent_index_roll()) is not None:
            self.stdout.write(f"The newest stories (ids past {floor:,}) have indexes of their own.")
