"""The newest search entries' own full-text indexes, on PostgreSQL (see RecentSearchIndex).

Reader search keeps the newest matches of what a reader typed (search_engines.PostgresSearch),
and finds them among a window of the newest entries. A GIN index cannot be read for part of the
table: it hands over every match in the archive, to be intersected with the window after. In a
million stories that is 30,000 entries for a common word, most of the search's time, and it grows
with the archive. These indexes hold only the entries past a floor, so that work follows the
window instead. They are partial indexes on the same expressions as the whole archive's
(discovery migrations 0002 and 0003), built without blocking writers, and started afresh past a
new floor once the newest entries have outgrown them.

A SQLite archive needs none: FTS5 hands matches over newest first and stops at the limit.
"""

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Max, Min

from broadsheet.discovery.models import RecentSearchIndex, SearchEntry, heading_tsvector

# The whole archive's indexed expressions, which the reader's queries name (search_engines):
# PostgreSQL uses an index only for its own expression.
INDEXED = {"document": "document", "heading": heading_tsvector()}
PREFIX = "discovery_searchentry_recent_"
# The indexes are started afresh when the ids past their floor reach this many spans, and are
# only worth having in an archive at least this many spans long.
GROWTH = 2


def recent_index_roll(*, span: int | None = None) -> int | None:
    """Give the newest entries their own indexes if the archive is big enough to need them.

    Returns their floor, or None when the whole archive's indexes serve. Safe to run at any time
    and to interrupt: the new indexes are complete before searches are pointed at them, the old
    ones are dropped after, and a run cut short leaves indexes the next run drops.
    """
    span = span or settings.SEARCH_RECENT_SPAN
    connection = connections[router.db_for_write(SearchEntry)]
    if connection.vendor != "postgresql":
        return None
    ids = SearchEntry.objects.aggregate(oldest=Min("page_id"), newest=Max("page_id"))
    current = RecentSearchIndex.objects.order_by("-pk").first()
    floor = previous = current.floor if current else None
    if ids["newest"] is None or ids["newest"] - ids["oldest"] < GROWTH * span:
        floor = None
    elif floor is None or ids["newest"] - floor >= GROWTH * span:
        floor = ids["newest"] - span
        if connection.in_atomic_block:
            raise RuntimeError("Indexes are built CONCURRENTLY, which cannot run in a transaction.")
        with connection.cursor() as cursor:
            for name, expression in INDEXED.items():
                index = f"{PREFIX}{name}_{floor}"
                # An index left INVALID by a build that was cut short would be skipped, not
                # finished, by CREATE … IF NOT EXISTS.
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")
                cursor.execute(
                    f"CREATE INDEX CONCURRENTLY {index} ON discovery_searchentry"
                    f" USING gin ({expression}) WHERE page_id > {floor:d}"
                )
    if floor != previous:
        with transaction.atomic(using=connection.alias):
            RecentSearchIndex.objects.all().delete()
            if floor is not None:
                RecentSearchIndex.objects.create(floor=floor)
    _others_drop(connection, keep=floor)
    return floor


def _others_drop(connection, *, keep: int | None) -> None:
    # Searches that read the previous floor just before it changed fall back to the whole
    # archive's indexes once it is gone: slower for a moment, never wrong.
    kept = {f"{PREFIX}{name}_{keep}" for name in INDEXED} if keep is not None else set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes"
            " WHERE tablename = 'discovery_searchentry' AND starts_with(indexname, %s)",
            [PREFIX],
        )
        for (index,) in cursor.fetchall():
            if index not in kept:
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index}")
