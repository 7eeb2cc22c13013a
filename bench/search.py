"""`make bench`: reader search at 100,000 articles on SQLite, p50/p95 for top-20 ranked results.

The archive is generated with the bulk importer (bench/archive.py) and kept between runs.
Queries are drawn from the index's own vocabulary: the most common words (the slowest case:
tens of thousands of matches to rank), rare words, two-word queries, quoted phrases and a
filtered query. Each query is timed twice: the selector alone (rank, count, top-20 with
snippets) and the whole /search/ page through Django's test client.
"""

import os
import random
import statistics
import sys
import time

from bench.archive import ensure_archive, use_archive

ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
QUERIES_PER_CLASS = int(os.environ.get("BENCH_SEARCH_QUERIES", "40"))
TARGET_P95_MS = 50.0


def vocabulary(connection) -> tuple[list[str], list[str]]:
    """(common, rare) indexed words: the 60 most common, and the 400 rarest seen twice or more."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab "
            "USING fts5vocab(main, discovery_searchentry_fts, row)"
        )
        cursor.execute(
            "SELECT term FROM temp.search_vocab WHERE length(term) > 3 "
            "AND term NOT GLOB '*[0-9]*' ORDER BY doc DESC LIMIT 60"
        )
        common = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT term FROM temp.search_vocab WHERE doc >= 2 AND length(term) > 4 "
            "AND term NOT GLOB '*[0-9]*' ORDER BY doc LIMIT 400"
        )
        rare = [row[0] for row in cursor.fetchall()]
    return common, rare


def phrases(connection, count: int, rng: random.Random) -> list[str]:
    """Two-word phrases taken from real headlines, so they match."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT headline FROM discovery_searchentry WHERE rowid IN "
            "(SELECT abs(random()) %% (SELECT max(rowid) FROM discovery_searchentry) "
            "FROM discovery_searchentry LIMIT %s)",
            [count * 4],
        )
        found = []
        for (headline,) in cursor.fetchall():
            words = [w for w in headline.split() if w.isalpha() and len(w) > 3]
            if len(words) >= 2:
                found.append(f'"{words[0]} {words[1]}"')
    rng.shuffle(found)
    return found[:count]


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    use_archive(ARTICLES)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from broadsheet.articles.models import ArticlePage
    from broadsheet.discovery.models import SearchEntry
    from broadsheet.discovery.search_engines import SearchFilters
    from broadsheet.discovery.search_index import search_index_rebuild
    from broadsheet.discovery.selectors import search_articles
    from broadsheet.sections.models import SectionPage

    ensure_archive(ARTICLES)
    live = ArticlePage.objects.live().count()
    if SearchEntry.objects.count() != live:
        print(f"Indexing {live:,} stories for search…", file=sys.stderr)
        search_index_rebuild()

    rng = random.Random(5)
    common, rare = vocabulary(connection)
    section = SectionPage.objects.live().first()
    classes = {
        "common word": [rng.choice(common) for _ in range(QUERIES_PER_CLASS)],
        "rare word": rng.sample(rare, min(QUERIES_PER_CLASS, len(rare))),
        "two common words": [" ".join(rng.sample(common, 2)) for _ in range(QUERIES_PER_CLASS)],
        "quoted phrase": phrases(connection, QUERIES_PER_CLASS, rng),
        "common + filters": [rng.choice(common) for _ in range(QUERIES_PER_CLASS)],
    }
    filtered = SearchFilters(section_id=section.pk, kind="news")
    client = Client(HTTP_HOST="localhost")

    print(f"Reader search on SQLite FTS5: {live:,} live articles, top-20 ranked results")
    header = f"{'queries':<18}{'n':>4}{'matches p50':>13}{'select p50':>12}{'p95':>8}"
    print(header + f"{'page p50':>10}{'p95':>8}  (ms)")
    failed = False
    for name, queries in classes.items():
        filters = filtered if name == "common + filters" else SearchFilters()
        params = {"section": section.slug, "kind": "news"} if filters != SearchFilters() else {}
        selector_ms, page_ms, matches = [], [], []
        for query in queries:
            # Each query once untimed: figures are for a warm process, not the first request.
            search_articles(query=query, filters=filters)[0:20]
            results = search_articles(query=query, filters=filters)

            def select(results=results):
                results.count()
                results[0:20]

            selector_ms.append(timed(select))
            matches.append(results.count())
            started = time.perf_counter()
            response = client.get("/search/", {"q": query, **params})
            page_ms.append((time.perf_counter() - started) * 1000)
            failed |= response.status_code != 200
        p95 = statistics.quantiles(selector_ms, n=20)[18]
        page_p95 = statistics.quantiles(page_ms, n=20)[18]
        failed |= page_p95 > TARGET_P95_MS
        print(
            f"{name:<18}{len(queries):>4}{statistics.median(matches):>13,.0f}"
            f"{statistics.median(selector_ms):>12.1f}{p95:>8.1f}"
            f"{statistics.median(page_ms):>10.1f}{page_p95:>8.1f}"
            f"  {'PASS' if page_p95 <= TARGET_P95_MS else 'FAIL'} (p95 ≤ {TARGET_P95_MS:.0f} ms)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
