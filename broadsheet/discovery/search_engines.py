"""Ranked reader search on the database's own full-text engine: SQLite FTS5 or PostgreSQL.

Both engines rank the same way:
- headline matches weigh most, then the deck, then the body (BM25 column weights on SQLite,
  tsvector weights A/B/D on PostgreSQL);
- news gets a recency boost that fades over days, so today's item beats last month's on the
  same words; analysis, interviews and the rest are ranked by relevance alone;
- only live, public stories whose publication time has come (embargoes included) ever match.

Stories whose headline or deck matches come first, then those matching in the body only.

Cost is bounded whatever the reader types. One statement ranks a pool: the newest POOL_SIZE
matches and the newest HEAD_POOL_SIZE headline or deck matches, which is every match unless the
words are broad. A word that occurs in half the archive thus costs about what a rare one does,
and readers reach older stories on broad words with more words or a date range. Highlighted
headlines and snippets are made for the shown page only.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections, router, transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction

from broadsheet.discovery.models import SearchEntry, heading_tsvector
from broadsheet.discovery.search_index import facet_words
from broadsheet.discovery.search_query import ReaderQuery

# How much a brand-new news item's relevance is multiplied by, and how fast that fades:
# after NEWS_FRESH_DAYS the boost has halved.
NEWS_BOOST = 1.0
NEWS_FRESH_DAYS = 2.0
# Markers the engines put around matched words; plain-text control characters that cannot occur
# in indexed text, so escaping the rest for HTML is safe before turning them into <mark>.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 28
POOL_SIZE = 500
# Fewer headline matches: they are ranked before the first page is shown, each by reading its
# whole document (see PostgresSearch), and 200 of a broad word's reach back months of news.
HEAD_POOL_SIZE = 200


@dataclass(frozen=True)
class SearchFilters:
    section_id: int | None = None
    kind: str = ""
    author_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class Pool:
    """Matching story ids, best first; `capped` when more stories matched than were ranked.

    `later` are the ids past `ranked`, in no order until `rank_later` orders them, which is
    done only when a page reaches them: on PostgreSQL ranking reads each story's whole
    document, and the first pages of a broad query are all headline matches.
    """

    def __init__(self, ranked: list[int], capped: bool, later=(), rank_later=None):
        self._ranked = list(ranked)
        self._later = list(later)
        self._rank_later = rank_later
        self.capped = capped

    def __len__(self) -> int:
        return len(self._ranked) + len(self._later)

    def __getitem__(self, index: slice) -> list[int]:
        if self._later and (index.stop is None or not 0 <= index.stop <= len(self._ranked)):
            self._ranked += self._rank_later(self._later)
            self._later = []
        return self._ranked[index]

    @property
    def ids(self) -> list[int]:
        return self[:]


@dataclass(frozen=True)
class Marks:
    headline: str  # with MARK_START/MARK_END around matched words
    snippet: str


def search_connection():
    """Where reader search reads: a reader's request reads the replica when there is one
    (core/replicas.py), like the rest of the page; anything else reads the primary."""
    return connections[router.db_for_read(SearchEntry)]


def engine():
    return PostgresSearch() if search_connection().vendor == "postgresql" else SqliteSearch()


def _restriction_free() -> str:
    """SQL: the story lies under no view restriction. Sites rarely have any, so the check (and
    its look-up of the page's tree path) is only added when one exists."""
    if not PageViewRestriction.objects.exists():
        return ""
    return """NOT EXISTS (
        SELECT 1 FROM wagtailcore_pageviewrestriction r
        JOIN wagtailcore_page rp ON rp.id = r.page_id
        JOIN wagtailcore_page p ON p.id = e.page_id
        WHERE p.path LIKE rp.path || '%%')"""


def _filters_sql(filters: SearchFilters, *, facets_matched: bool = False) -> tuple[str, dict]:
    """SQL conditions on the entry `e` for the reader's filters, with named parameters.

    With `facets_matched`, section, kind and author are left to the full-text match.
    """
    # Entries exist for live stories only (see search_index), so liveness needs no check.
    clauses = ["e.published_at <= %(now)s"]
    params: dict = {"now": timezone.now()}
    if restriction_free := _restriction_free():
        clauses.append(restriction_free)
    if filters.section_id and not facets_matched:
        clauses.append("e.section_id = %(section_id)s")
        params["section_id"] = filters.section_id
    if filters.kind and not facets_matched:
        clauses.append("e.kind = %(kind)s")
        params["kind"] = filters.kind
    if filters.author_id and not facets_matched:
        clauses.append(
            "EXISTS (SELECT 1 FROM articles_articlebyline b"
            " WHERE b.page_id = e.page_id AND b.author_id = %(author_id)s)"
        )
        params["author_id"] = filters.author_id
    zone = timezone.get_current_timezone()
    if filters.date_from:
        clauses.append("e.published_at >= %(date_from)s")
        params["date_from"] = datetime.combine(filters.date_from, time.min, zone)
    if filters.date_to:
        clauses.append("e.published_at < %(date_to)s")
        params["date_to"] = datetime.combine(filters.date_to + timedelta(days=1), time.min, zone)
    return " AND ".join(clauses), params


# The pool's order: headline and deck matches first (tier 0), then the rest; within a tier by
# relevance times the news freshness boost, ties to the newer story.
POOL_ORDER = """tier, relevance * (1.0 + CASE WHEN kind = 'news'
        THEN %(boost)s / (1.0 + age / %(fresh_days)s) ELSE 0 END) DESC, published DESC"""
# The pool, ranked. {recent} and {head} are each engine's newest-first matching rows (id,
# relevance, kind, published, age in days); the second column is how many {recent} found.
POOL_SQL = f"""WITH recent AS MATERIALIZED ({{recent}}), head AS MATERIALIZED ({{head}}),
    pool AS (
        SELECT id, 0 AS tier, relevance, kind, published, age FROM head
        UNION ALL
        SELECT id, 1, relevance, kind, published, age FROM recent
        WHERE id NOT IN (SELECT id FROM head))
    SELECT id, (SELECT count(*) FROM recent) FROM pool ORDER BY {POOL_ORDER}"""


def _pool(sql: str, params: dict) -> Pool:
    params = {
        **params,
        "boost": NEWS_BOOST,
        "fresh_days": NEWS_FRESH_DAYS,
        "size": POOL_SIZE,
        "head_size": HEAD_POOL_SIZE,
    }
    connection = search_connection()
    if connection.vendor == "sqlite":
        # Raw SQL on SQLite compares datetimes as Django stores them: UTC text.
        params = {
            name: connection.ops.adapt_datetimefield_value(value)
            if isinstance(value, datetime)
            else value
            for name, value in params.items()
        }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return Pool([row[0] for row in rows], capped=bool(rows) and rows[0][1] >= POOL_SIZE)


def _rows(sql: str, params) -> list[tuple]:
    with search_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# What readers' words are matched against: never the facets column.
TEXT_COLUMNS = ("headline", "deck", "body")


class SqliteSearch:
    # bm25() weights per column: headline, deck, body, and facets (filters only, never ranked).
    WEIGHTS = "10.0, 4.0, 1.0, 0.0"

    def pool(self, query: ReaderQuery, filters: SearchFilters) -> Pool:
        conditions, params = _filters_sql(filters, facets_matched=True)
        # Section, kind and author are words of the index (see search_index.facet_words): the
        # engine intersects their lists instead of reading thousands of matching rows.
        words = facet_words(
            section_id=filters.section_id,
            kind=filters.kind,
            author_ids=[filters.author_id] if filters.author_id else [],
        )
        facets = " AND ".join(f'"{word}"' for word in words)

        def match(text: str) -> str:
            return f"({text}) AND {{facets}} : ({facets})" if facets else text

        # FTS5 hands matches over newest id first and stops at the LIMIT, computing bm25() only
        # for the rows it returns; bm25() is negative, lower is better.
        matching = f"""SELECT f.rowid AS id,
                -bm25(discovery_searchentry_fts, {self.WEIGHTS}) AS relevance,
                e.kind AS kind, e.published_at AS published,
                max(julianday(%(now)s) - julianday(e.published_at), 0) AS age
            FROM discovery_searchentry_fts f
            JOIN discovery_searchentry e ON e.page_id = f.rowid
            WHERE discovery_searchentry_fts MATCH %({{match}})s AND {conditions}
            ORDER BY f.rowid DESC LIMIT %({{size}})s"""
        sql = POOL_SQL.format(
            recent=matching.format(match="everywhere", size="size"),
            head=matching.format(match="in_headlines", size="head_size"),
        )
        params |= {
            "everywhere": match(query.fts5(TEXT_COLUMNS)),
            "in_headlines": match(query.fts5(("headline", "deck"))),
        }
        return _pool(sql, params)

    def marks(self, query: ReaderQuery, ids: list[int]) -> dict[int, Marks]:
        if not ids:
            return {}
        sql = f"""SELECT f.rowid,
                highlight(discovery_searchentry_fts, 0, %s, %s),
                snippet(discovery_searchentry_fts, 2, %s, %s, '…', {SNIPPET_WORDS})
            FROM discovery_searchentry_fts f
            WHERE discovery_searchentry_fts MATCH %s
            AND f.rowid IN (SELECT value FROM json_each(%s))"""
        markers = [MARK_START, MARK_END, MARK_START, MARK_END]
        rows = _rows(sql, [*markers, query.fts5(), json.dumps(ids)])
        return {pk: Marks(headline, snippet) for pk, headline, snippet in rows}


HEADING = heading_tsvector("e.")


# Stories already found, by id, in the pool's order: ts_rank reads each one's whole document.
POSTGRES_RANKED_SQL = f"""SELECT id FROM (
        SELECT e.page_id AS id, 0 AS tier,
            ts_rank(%(weights)s::float4[], e.document, to_tsquery('english', %(everywhere)s), 1)
                AS relevance,
            e.kind AS kind, e.published_at AS published,
            GREATEST(EXTRACT(EPOCH FROM (%(now)s - e.published_at)) / 86400.0, 0) AS age
        FROM discovery_searchentry e WHERE e.page_id = ANY(%(ids)s::bigint[])) AS pool
    ORDER BY {POOL_ORDER}"""


@dataclass(frozen=True)
class Archive:
    """The search entries searched: how many (the planner's count) and their range of ids."""

    entries: float
    oldest_id: int
    newest_id: int
    # Where the newest entries' own indexes begin (search_recent.py), if they have them.
    recent_floor: int | None = None

    @property
    def span(self) -> int:
        return self.newest_id - self.oldest_id


class PostgresSearch:
    """Finds the pool's stories in steps, each the cheapest way PostgreSQL has, then ranks them.

    An entry's document holds its whole body, stored apart from the row (TOAST): testing an
    entry against it costs about 5 µs, which PostgreSQL's planner does not count. Left to
    itself it would find the newest matches by walking the primary key backwards and testing
    each entry's document: cheap for a word in half the stories, thousands of entries for a
    rare one and every entry for a word that matches nothing. So:
    - a common word (in COMMON of the stories or more, by the planner's statistics) is found
      by that walk, which meets POOL_SIZE matches within a few thousand entries;
    - any other word through the full-text index, which reads only the matches: among just
      enough of the newest entries when that is cheaper (see _window), else everywhere;
    - headline and deck matches through their own index (HEADING), not as weights of the
      document: the document's index does not record weights, so that would read every
      matching body to check them;
    - only the stories kept are ranked, each once, which reads their documents once.
    """

    # ts_rank weights for the D, C, B, A labels: body, (unused), deck, headline.
    WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
    COMMON = 0.1
    # A window of the newest entries is searched when the planner expects it to hold MARGIN
    # times the pool and that costs less than reading every match: the window costs its range
    # of the primary key (KEY_COST an entry) and the matches in it (MATCH_COST each, a heap
    # page apiece). Microseconds, by EXPLAIN ANALYZE at 82,000 entries during an import.
    MARGIN = 1.5
    KEY_COST, MATCH_COST = 0.1, 3.0

    def pool(self, query: ReaderQuery, filters: SearchFilters) -> Pool:
        conditions, params = _filters_sql(filters)
        params |= {
            "weights": self.WEIGHTS,
            "everywhere": query.tsquery(),
            "in_headlines": query.tsquery(required_only=True),
            "size": POOL_SIZE,
        }
        everywhere = "e.document @@ to_tsquery('english', %(everywhere)s)"
        in_headlines = f"{HEADING} @@ to_tsquery('english', %(in_headlines)s)"
        if query.excluded:
            # A word left out is left out of the whole story, body included.
            in_headlines += f" AND {everywhere}"
        connection = search_connection()
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # The entries counted as the planner counts them for its estimates: the density of
            # the last ANALYZE times the table's pages now. The last count alone may be of a
            # table a fraction of today's size (it is refreshed after a tenth has changed).
            cursor.execute(
                """SELECT CASE WHEN relpages > 0 THEN reltuples / relpages
                        * (pg_relation_size(oid) / current_setting('block_size')::int) END,
                    (SELECT min(page_id) FROM discovery_searchentry),
                    (SELECT max(page_id) FROM discovery_searchentry),
                    (SELECT max(floor) FROM discovery_recentsearchindex)
                FROM pg_class WHERE oid = 'discovery_searchentry'::regclass"""
            )
            entries, oldest_id, newest_id, recent_floor = cursor.fetchone()
            oldest_id, newest_id = oldest_id or 0, newest_id or 0
            # Never analyzed: about one entry for each id.
            entries = newest_id - oldest_id if entries is None else entries
            archive = Archive(max(entries, 0), oldest_id, newest_id, recent_floor)
            matches = self._estimate(cursor, everywhere, params)
            common = archive.entries > 0 and matches >= self.COMMON * archive.entries
            if common:
                params["recent"] = self._newest(everywhere, conditions, params)
            headline_matches = self._estimate(cursor, in_headlines, params)
            # Within a request's own transaction (ATOMIC_REQUESTS, a test) this block is only a
            # savepoint, and SET LOCAL would last to that transaction's end: the settings are
            # put back as they were.
            cursor.execute(
                "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')"
            )
            before = cursor.fetchone()
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
            try:
                if not common:
                    params["recent"] = self._newest_indexed(
                        everywhere, conditions, params, archive, matches
                    )
                params["head"] = self._newest_indexed(
                    in_headlines,
                    conditions,
                    params | {"size": HEAD_POOL_SIZE},
                    archive,
                    headline_matches,
                )
            finally:
                cursor.execute(
                    "SELECT set_config('enable_indexscan', %s, true),"
                    " set_config('enable_seqscan', %s, true)",
                    before,
                )
        recent, head = params["recent"], params["head"]
        in_head = set(head)
        return Pool(
            self._ranked(head, params),
            capped=len(recent) >= POOL_SIZE,
            later=[pk for pk in recent if pk not in in_head],
            rank_later=lambda ids: self._ranked(ids, params),
        )

    @staticmethod
    def _ranked(ids: list[int], params: dict) -> list[int]:
        params = params | {"ids": ids, "boost": NEWS_BOOST, "fresh_days": NEWS_FRESH_DAYS}
        return [row[0] for row in _rows(POSTGRES_RANKED_SQL, params)] if ids else []

    @staticmethod
    def _estimate(cursor, match: str, params: dict) -> float:
        """The planner's estimate of the entries matching, from its statistics (~0.3 ms)."""
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM discovery_searchentry e WHERE {match}", params
        )
        return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]

    def _window(self, archive: Archive, matches: float, size: int = POOL_SIZE) -> int | None:
        """How many of the newest ids to search first for `size` matches, or None to search
        everywhere at once."""
        if matches <= 0 or archive.span <= 0:
            return None
        width = archive.span * self.MARGIN * size / matches
        window_cost = width * self.KEY_COST + self.MARGIN * size * self.MATCH_COST
        return int(width) if window_cost < matches * self.MATCH_COST else None

    def _newest_indexed(self, match, conditions, params, archive, matches) -> list[int]:
        if width := self._window(archive, matches, params["size"]):
            # The floor as a subquery the planner cannot see through. Given a number, it trusts
            # its statistics, which never cover the newest entries (they are refreshed after a
            # tenth of the table has changed): it judges the window a few rows and tests every
            # entry in it against its text, 100 ms for 10,000 entries, instead of using the index.
            floor = {"floor": archive.newest_id - width}
            window = f"{match} AND e.page_id > (SELECT %(floor)s::bigint)"
            if archive.recent_floor is not None and floor["floor"] >= archive.recent_floor:
                # The window lies among the entries the recent indexes hold (search_recent.py).
                # Their floor as a number, which lets the planner see that they may be read.
                window += f" AND e.page_id > {archive.recent_floor:d}"
            found = self._newest(window, conditions, params | floor)
            if len(found) >= params["size"]:
                return found
        return self._newest(match, conditions, params)

    @staticmethod
    def _newest(match, conditions, params) -> list[int]:
        sql = f"""SELECT e.page_id FROM discovery_searchentry e WHERE {match} AND {conditions}
            ORDER BY e.page_id DESC LIMIT %(size)s"""
        return [row[0] for row in _rows(sql, params)]

    def marks(self, query: ReaderQuery, ids: list[int]) -> dict[int, Marks]:
        if not ids:
            return {}
        snippet = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
            'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
        )
        headline = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
        sql = """SELECT e.page_id, ts_headline('english', e.headline, q, %s),
                ts_headline('english', e.body, q, %s)
            FROM discovery_searchentry e, to_tsquery('english', %s) q
            WHERE e.page_id = ANY(%s)"""
        rows = _rows(sql, [headline, snippet, query.tsquery(), ids])
        return {pk: Marks(head, body) for pk, head, body in rows}
