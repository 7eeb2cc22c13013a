"""Ranked reader search on the database's own full-text engine: SQLite FTS5 or PostgreSQL.

Both engines rank the same way:
- headline matches weigh most, then the deck, then the body (BM25 column weights on SQLite,
  tsvector weights A/B/D on PostgreSQL);
- news gets a recency boost that fades over days, so today's item beats last month's on the
  same words; analysis, interviews and the rest are ranked by relevance alone;
- only live, public stories whose publication time has come (embargoes included) ever match.

Stories whose headline or deck matches come first, then those matching in the body only.

Cost is bounded whatever the reader types. One statement ranks a pool: the newest POOL_SIZE
matches and the newest POOL_SIZE headline or deck matches, which is every match unless the
words are broad. A word that occurs in half the archive thus costs about what a rare one does,
and readers reach older stories on broad words with more words or a date range. Highlighted
headlines and snippets are made for the shown page only.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction

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


@dataclass(frozen=True)
class SearchFilters:
    section_id: int | None = None
    kind: str = ""
    author_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Pool:
    """Matching story ids, best first; `capped` when more stories matched than were ranked."""

    ids: list[int]
    capped: bool


@dataclass(frozen=True)
class Marks:
    headline: str  # with MARK_START/MARK_END around matched words
    snippet: str


def engine():
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()


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


# The pool, ranked: headline and deck matches first (tier 0), then the rest; within a tier by
# relevance times the news freshness boost, ties to the newer story. {recent} and {head} are
# each engine's newest-first matching rows (id, relevance, kind, published, age in days).
POOL_SQL = """WITH recent AS MATERIALIZED ({recent}), head AS MATERIALIZED ({head}),
    pool AS (
        SELECT id, 0 AS tier, relevance, kind, published, age FROM head
        UNION ALL
        SELECT id, 1, relevance, kind, published, age FROM recent
        WHERE id NOT IN (SELECT id FROM head))
    SELECT id, (SELECT count(*) FROM recent) FROM pool
    ORDER BY tier, relevance * (1.0 + CASE WHEN kind = 'news'
        THEN %(boost)s / (1.0 + age / %(fresh_days)s) ELSE 0 END) DESC, published DESC"""


def _pool(sql: str, params: dict) -> Pool:
    params = {**params, "boost": NEWS_BOOST, "fresh_days": NEWS_FRESH_DAYS, "size": POOL_SIZE}
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
    with connection.cursor() as cursor:
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
            ORDER BY f.rowid DESC LIMIT %(size)s"""
        sql = POOL_SQL.format(
            recent=matching.format(match="everywhere"), head=matching.format(match="in_headlines")
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


# The headline and deck as one tsvector, exactly as indexed by discovery's migration 0003.
HEADING = (
    "(to_tsvector('english'::regconfig, e.headline) || to_tsvector('english'::regconfig, e.deck))"
)


class PostgresSearch:
    """Finds the pool's stories in steps, each the cheapest way PostgreSQL has, then ranks them.

    An entry's document holds its whole body, stored apart from the row (TOAST): testing an
    entry against it costs about 5 µs, which PostgreSQL's planner does not count. Left to
    itself it would find the newest matches by walking the primary key backwards and testing
    each entry's document: cheap for a word in half the stories, thousands of entries for a
    rare one and every entry for a word that matches nothing. So:
    - a common word (in COMMON of the stories or more, by the planner's statistics) is found
      by that walk, which meets POOL_SIZE matches within a few thousand entries;
    - any other word through the full-text index, which reads only the matches, among the
      newest entries first (WINDOWS), so that a fairly common word's older matches are not
      read, then everywhere;
    - headline and deck matches through their own index (HEADING), not as weights of the
      document: the document's index does not record weights, so that would read every
      matching body to check them;
    - only the stories kept are ranked, which reads their documents once.
    """

    # ts_rank weights for the D, C, B, A labels: body, (unused), deck, headline.
    WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
    COMMON = 0.1
    WINDOWS = (25_000, 200_000)

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
        ranked = """SELECT e.page_id AS id,
                ts_rank(%(weights)s::float4[], e.document, to_tsquery('english', %(everywhere)s), 1)
                    AS relevance,
                e.kind AS kind, e.published_at AS published,
                GREATEST(EXTRACT(EPOCH FROM (%(now)s - e.published_at)) / 86400.0, 0) AS age
            FROM discovery_searchentry e WHERE e.page_id IN (SELECT unnest(%({ids})s::bigint[]))"""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """SELECT reltuples, (SELECT max(page_id) FROM discovery_searchentry)
                FROM pg_class WHERE oid = 'discovery_searchentry'::regclass"""
            )
            entries, newest_id = cursor.fetchone()
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM discovery_searchentry e WHERE {everywhere}",
                params,
            )
            estimate = cursor.fetchone()[0][0]["Plan"]["Plan Rows"]
            common = entries > 0 and estimate >= self.COMMON * entries
            if common:
                params["recent"] = self._newest(everywhere, conditions, params)
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
                    params["recent"] = self._newest_in_windows(
                        everywhere, conditions, params, newest_id or 0
                    )
                params["head"] = self._newest_in_windows(
                    in_headlines, conditions, params, newest_id or 0
                )
            finally:
                cursor.execute(
                    "SELECT set_config('enable_indexscan', %s, true),"
                    " set_config('enable_seqscan', %s, true)",
                    before,
                )
            sql = POOL_SQL.format(
                recent=ranked.format(ids="recent"), head=ranked.format(ids="head")
            )
            return _pool(sql, params)

    def _newest_in_windows(self, match, conditions, params, newest_id) -> list[int]:
        for width in self.WINDOWS:
            if newest_id <= width:
                break
            floor = {"floor": newest_id - width}
            found = self._newest(f"{match} AND e.page_id > %(floor)s", conditions, params | floor)
            if len(found) >= POOL_SIZE:
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
