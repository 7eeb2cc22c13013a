"""The newest search entries' own indexes on PostgreSQL (discovery/search_recent.py)."""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.discovery.models import RecentSearchIndex, SearchEntry
from broadsheet.discovery.search_engines import PostgresSearch, SearchFilters
from broadsheet.discovery.search_query import reader_query
from broadsheet.discovery.search_recent import recent_index_roll
from broadsheet.sections.factories import SectionPageFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's partial full-text indexes"
)
# CREATE INDEX CONCURRENTLY runs outside any transaction, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def no_recent_indexes_left():
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for index in recent_indexes():
                cursor.execute(f"DROP INDEX {index}")


def recent_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'discovery_searchentry'"
            " AND indexname LIKE 'discovery_searchentry_recent_%%'"
        )
        return {row[0] for row in cursor.fetchall()}


def publish_stories(section, count: int, *, start: int = 0) -> None:
    now = timezone.now()
    for number in range(start, start + count):
        in_headline = number % 4 == 0
        ArticlePageFactory(
            parent=section,
            title=f"Saffron prices, part {number}" if in_headline else f"Market report {number}",
            body=[("paragraph", "<p>Traders watched saffron prices.</p>")],
            first_published_at=now - timedelta(hours=200 - number),
        )
        ArticlePageFactory(parent=section, title=f"Weather {number}")


def newest_id() -> int:
    return SearchEntry.objects.order_by("-page_id").values_list("page_id", flat=True)[0]


def recent_index_read_by(sql: str) -> str | None:
    """The recent index PostgreSQL reads `sql`'s match from when no other index is left, if any.

    Which index the planner prefers depends on the table's statistics (in a table of 60 entries a
    walk of the primary key wins), so this asks the question that does not: can it prove that the
    partial index covers the query? With every other index dropped (rolled back after) and
    sequential scans disabled, it reads the recent index if it can, and the table if it cannot.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, conname FROM pg_indexes LEFT JOIN pg_constraint"
            " ON conname = indexname WHERE tablename = 'discovery_searchentry'"
            " AND indexname NOT LIKE 'discovery_searchentry_recent_%%'"
        )
        for index, constraint in cursor.fetchall():
            if constraint:
                cursor.execute(f"ALTER TABLE discovery_searchentry DROP CONSTRAINT {constraint}")
            else:
                cursor.execute(f"DROP INDEX {index}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    # Read for the match itself, not walked whole for its page_id predicate with the match left
    # to a filter (which it will also do, rather than read the table).
    read = set(re.findall(r"Scan on (discovery_searchentry_recent_\w+).*\n.*Cond: .*@@", plan))
    return read.pop() if len(read) == 1 else None


@on_postgresql
def test_the_newest_entries_get_their_own_indexes_which_search_reads(monkeypatch):
    publish_stories(SectionPageFactory(), 30)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE discovery_searchentry")
    monkeypatch.setattr("broadsheet.discovery.search_engines.POOL_SIZE", 3)
    query = reader_query("saffron")

    def pool(*, window: int | None) -> tuple[list[int], list[str]]:
        monkeypatch.setattr(PostgresSearch, "COMMON", 2.0)  # never the walk of the newest
        monkeypatch.setattr(PostgresSearch, "_window", lambda *args, **kwargs: window)
        with CaptureQueriesContext(connection) as queries:
            found = PostgresSearch().pool(query, SearchFilters())
        windowed = [q["sql"] for q in queries if "(SELECT " in q["sql"] and "LIMIT" in q["sql"]]
        return found.ids, windowed

    before, _ = pool(window=None)
    assert before

    floor = recent_index_roll(span=10)

    assert floor == newest_id() - 10
    assert list(RecentSearchIndex.objects.values_list("floor", flat=True)) == [floor]
    assert recent_indexes() == {
        f"discovery_searchentry_recent_document_{floor}",
        f"discovery_searchentry_recent_heading_{floor}",
    }
    # A window within the indexed entries names their floor, and PostgreSQL reads those indexes.
    found, windowed = pool(window=8)
    assert found == before
    assert len(windowed) == 2 and all(f"e.page_id > {floor}" in sql for sql in windowed)
    # Both statements match the recent indexes' expressions and predicate, so PostgreSQL can
    # read them (which it prefers at scale: `make bench-scale`).
    assert [recent_index_read_by(sql) for sql in windowed] == [
        f"discovery_searchentry_recent_document_{floor}",
        f"discovery_searchentry_recent_heading_{floor}",
    ]
    # A wider window reaches past them: the whole archive's indexes, the same stories.
    found, windowed = pool(window=25)
    assert found == before
    assert windowed and not any(f"e.page_id > {floor}" in sql for sql in windowed)


@on_postgresql
def test_indexes_outgrown_by_new_stories_are_started_afresh_and_the_old_ones_dropped():
    section = SectionPageFactory()
    publish_stories(section, 15)
    first = recent_index_roll(span=10)
    assert first is not None

    built = RecentSearchIndex.objects.get()

    publish_stories(section, 4, start=15)  # not yet twice the span past the floor
    assert recent_index_roll(span=10) == first
    assert RecentSearchIndex.objects.get() == built  # the same row, its build time kept
    assert RecentSearchIndex.objects.get().built_at == built.built_at

    publish_stories(section, 6, start=19)
    second = recent_index_roll(span=10)

    assert second == newest_id() - 10 > first
    assert list(RecentSearchIndex.objects.values_list("floor", flat=True)) == [second]
    assert recent_indexes() == {
        f"discovery_searchentry_recent_document_{second}",
        f"discovery_searchentry_recent_heading_{second}",
    }
    # An archive the whole-archive indexes serve as well needs none.
    assert recent_index_roll(span=1_000) is None
    assert not RecentSearchIndex.objects.exists()
    assert recent_indexes() == set()


@on_postgresql
def test_an_index_left_by_a_build_cut_short_is_dropped_by_the_next_run():
    publish_stories(SectionPageFactory(), 15)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX discovery_searchentry_recent_document_7 ON discovery_searchentry"
            " USING gin (document) WHERE page_id > 7"
        )
    floor = recent_index_roll(span=10)
    assert "discovery_searchentry_recent_document_7" not in recent_indexes()
    assert len(recent_indexes()) == 2 and floor is not None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's search")
def test_sqlite_search_needs_no_recent_indexes():
    publish_stories(SectionPageFactory(), 15)
    assert recent_index_roll(span=10) is None
    assert not RecentSearchIndex.objects.exists()


@on_postgresql
def test_the_worker_gives_an_imported_archive_its_recent_indexes(tmp_path, settings):
    """An import enqueues the roll once its stories are committed (tests run tasks inline)."""
    settings.SEARCH_RECENT_SPAN = 3
    SectionPageFactory(title="Economy", slug="economy")
    lines = [
        json.dumps(
            {
                "id": f"archive-{number}",
                "headline": f"Harbour tolls, part {number}",
                "body": "The port board voted on Tuesday.",
                "section": "economy",
                "kind": "news",
                "published_at": f"2025-03-{number + 1:02d}T09:30:00+04:00",
            }
        )
        for number in range(10)
    ]
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())

    floor = newest_id() - 3
    assert list(RecentSearchIndex.objects.values_list("floor", flat=True)) == [floor]
    assert len(recent_indexes()) == 2
