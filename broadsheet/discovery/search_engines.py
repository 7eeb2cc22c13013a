"""Ranked reader search on the database's own full-text engine: SQLite FTS5 or PostgreSQL.

Both engines rank the same way:
- headline matches weigh most, then the deck, then the body (BM25 column weights on SQLite,
  tsvector weights A/B/D on PostgreSQL);
- news gets a recency boost that fades over days, so today's item beats last month's on the
  same words; analysis, interviews and the rest are ranked by relevance alone;
- only live, public stories whose publication time has come (embargoes included) ever match.

Cost is bounded whatever the reader types. A query is ranked over a pool: every match when
there are at most POOL_SIZE, otherwise the newest POOL_SIZE matches plus the newest POOL_SIZE
whose headline or deck matches (those rank highest). A word that occurs in half the archive
thus costs the same as a rare one, and readers reach older stories on broad words with more
words or a date range. The highlighted headline and snippet are made for the shown page only.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from broadsheet.discovery.search_query import ReaderQuery

# How much a brand-new news item's relevance is multiplied by, and how fast that fades:
# after NEWS_FRESH_DAYS the boost has halved.
NEWS_BOOST = 1.0
NEWS_FRESH_DAYS = 2.0
# Markers the engines put around matched words; plain-text control characters that cannot occur
# in indexed text, so escaping the rest for HTML is safe before turning them into <mark>.
MARK_START, MARK_END = "\x02", "\x03"
SNIPPET_WORDS = 28
POOL_SIZE = 1000


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


def _ranked(rows: list[tuple], now: datetime) -> list[int]:
    """Ids by relevance × news freshness; rows are (id, relevance ≥ 0, kind, published_at)."""

    def score(row) -> tuple[float, datetime]:
        _, relevance, kind, published = row
        if kind == "news":
            age_days = max((now - published).total_seconds() / 86400, 0)
            relevance *= 1 + NEWS_BOOST / (1 + age_days / NEWS_FRESH_DAYS)
        return relevance, published

    return [row[0] for row in sorted(rows, key=score, reverse=True)]


def engine():
    return PostgresSearch() if connection.vendor == "postgresql" else SqliteSearch()


def _restriction_free(page: str) -> str:
    """SQL: the page lies under no view restriction (restrictions are rare; the check is cheap)."""
    return f"""NOT EXISTS (
        SELECT 1 FROM wagtailcore_pageviewrestriction r
        JOIN wagtailcore_page rp ON rp.id = r.page_id
        WHERE {page}.path LIKE rp.path || '%%')"""


def _filters_sql(filters: SearchFilters, now: datetime) -> tuple[list[str], list]:
    clauses = ["p.live", "p.first_published_at <= %s", _restriction_free("p")]
    params: list = [now]
    if filters.section_id:
        clauses.append("e.section_id = %s")
        params.append(filters.section_id)
    if filters.kind:
        clauses.append("e.kind = %s")
        params.append(filters.kind)
    if filters.author_id:
        clauses.append(
            "EXISTS (SELECT 1 FROM articles_articlebyline b"
            " WHERE b.page_id = e.page_id AND b.author_id = %s)"
        )
        params.append(filters.author_id)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        clauses.append("p.first_published_at >= %s")
        params.append(datetime.combine(filters.date_from, time.min, zone))
    if filters.date_to:
        clauses.append("p.first_published_at < %s")
        params.append(datetime.combine(filters.date_to + timedelta(days=1), time.min, zone))
    return clauses, params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _parse(value) -> datetime:
    """A datetime read back through a raw cursor: SQLite gives naive UTC, or text."""
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _adapt(value):
    """Datetimes as the backend stores them (Django's own adaptation, UTC text on SQLite)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class SqliteSearch:
    # bm25() weights per column: headline, deck, body.
    WEIGHTS = "10.0, 4.0, 1.0"

    def pool(self, query: ReaderQuery, filters: SearchFilters) -> Pool:
        now = timezone.now()
        clauses, params = _filters_sql(filters, now)
        params = [_adapt(value) for value in params]
        # FTS5 hands matches over newest id first and stops at the LIMIT, computing bm25() only
        # for the rows it returns; bm25() is negative, lower is better.
        sql = f"""SELECT f.rowid, -bm25(discovery_searchentry_fts, {self.WEIGHTS}),
                e.kind, p.first_published_at
            FROM discovery_searchentry_fts f
            JOIN discovery_searchentry e ON e.page_id = f.rowid
            JOIN wagtailcore_page p ON p.id = e.page_id
            WHERE discovery_searchentry_fts MATCH %s AND {" AND ".join(clauses)}
            ORDER BY f.rowid DESC LIMIT %s"""
        rows = _rows(sql, [query.fts5(), *params, POOL_SIZE])
        capped = len(rows) == POOL_SIZE
        if capped:
            seen = {row[0] for row in rows}
            in_headlines = _rows(sql, [query.fts5(("headline", "deck")), *params, POOL_SIZE])
            missing = [row[0] for row in in_headlines if row[0] not in seen]
            if missing:
                rescored = f"""SELECT f.rowid, -bm25(discovery_searchentry_fts, {self.WEIGHTS}),
                        e.kind, p.first_published_at
                    FROM discovery_searchentry_fts f
                    JOIN discovery_searchentry e ON e.page_id = f.rowid
                    JOIN wagtailcore_page p ON p.id = e.page_id
                    WHERE discovery_searchentry_fts MATCH %s
                    AND f.rowid IN (SELECT value FROM json_each(%s))"""
                rows += _rows(rescored, [query.fts5(), json.dumps(missing)])
        rows = [(pk, score, kind, _parse(published)) for pk, score, kind, published in rows]
        return Pool(_ranked(rows, now), capped)

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


class PostgresSearch:
    # ts_rank weights for the D, C, B, A labels: body, (unused), deck, headline.
    WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"

    def pool(self, query: ReaderQuery, filters: SearchFilters) -> Pool:
        now = timezone.now()
        clauses, params = _filters_sql(filters, now)
        tsquery = query.tsquery()
        sql = f"""SELECT e.page_id, ts_rank(%s::float4[], e.document, q, 1),
                e.kind, p.first_published_at
            FROM discovery_searchentry e
            JOIN wagtailcore_page p ON p.id = e.page_id,
            to_tsquery('english', %s) q
            WHERE e.document @@ q AND {{headline}} {" AND ".join(clauses)}
            ORDER BY e.page_id DESC LIMIT %s"""
        everywhere = sql.replace("{headline}", "")
        rows = _rows(everywhere, [self.WEIGHTS, tsquery, *params, POOL_SIZE])
        capped = len(rows) == POOL_SIZE
        if capped:
            seen = {row[0] for row in rows}
            # Weights A and B are the headline and the deck.
            in_headlines = sql.replace(
                "{headline}", "e.document @@ to_tsquery('english', %s) AND"
            )
            head_query = query.tsquery(weights="AB")
            rows += [
                row
                for row in _rows(
                    in_headlines, [self.WEIGHTS, tsquery, head_query, *params, POOL_SIZE]
                )
                if row[0] not in seen
            ]
        return Pool(_ranked(rows, now), capped)

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
