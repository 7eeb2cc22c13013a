"""`make bench`: median uncached render time and SQL queries per reader page type.

Measured at 2,000 and at 100,000 articles, each an archive of demo stories imported once through
`manage.py import_articles` and kept (bench/archive.py). Pages render in-process through Django's
test client, so the figures are the application's own cost, without a network or an HTTP server.

Uncached means as a web process renders a page its page cache (or Varnish) does not hold: the
whole page, with the site, sections and Latest news it kept from earlier requests until the purge
journal says they changed (broadsheet/caching/memo.py). "article, nothing kept" is the story page
with nothing kept at all, as the first request after a purge renders it.

    python -m bench                  # every size, each in a process of its own
    python -m bench --archive 2000   # one size, in this process

A process serves one database, hence a child process per size. BENCH_SIZES=2000,100000 and
BENCH_ROUNDS=60 override the defaults; BENCH_PAGES="home,article" measures only those rows;
BENCH_PROFILE="article" also prints where those pages' renders spend their time (cProfile).
"""

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from functools import partial

SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "2000,100000").split(","))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
PAGES = [name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()]
PROFILE = [name.strip() for name in os.environ.get("BENCH_PROFILE", "").split(",") if name.strip()]
# Functions listed per profiled page, by their own time and by time including what they call.
PROFILE_LINES = 25

# Issue 6, "Render fast": (median ms, SQL queries) at every archive size; None where it sets none.
LISTING_TARGET = (8.0, None)
TARGETS = {
    "article": (5.0, 6),
    "article, unranked": (5.0, 6),
    "home": (10.0, None),
    "section": LISTING_TARGET,
    "topic": LISTING_TARGET,
    "author": LISTING_TARGET,
    "expert": LISTING_TARGET,
    "day archive": LISTING_TARGET,
}


# Imports carry no experts: the bench quotes one in every this many stories, as a regular
# commentator is, inside the transaction that leaves the archive as it was built.
EXPERT_EVERY = 50


def quote_an_expert():
    from django.db import connection

    from broadsheet.articles.models import ArticlePage
    from broadsheet.experts.models import Expert

    expert = Expert.objects.create(
        name="Nora Lindqvist", slug="bench-nora-lindqvist", role="Political analyst"
    )
    Quote = ArticlePage.experts.through
    Quote.objects.bulk_create(
        Quote(articlepage_id=pk, expert=expert)
        for pk in ArticlePage.objects.order_by("pk").values_list("pk", flat=True)[::EXPERT_EVERY]
    )
    if connection.vendor == "postgresql":
        # As autovacuum would soon after a bulk change: PostgreSQL plans from table statistics,
        # and without them takes the table for empty (an import carries no experts) and reads
        # all 20,000 quotes of a million-story archive for a page of 20, at 150 ms.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Quote._meta.db_table)}")
    return expert


def sample_pages():
    """(URL per page type, the article): the busiest of each kind, as long lists cost the most."""
    from django.db.models import Count
    from django.utils import timezone

    from broadsheet.articles.selectors import published_articles
    from broadsheet.authors.models import Author
    from broadsheet.core.outlet import outlet_settings
    from broadsheet.sections.models import SectionPage
    from broadsheet.topics.models import Topic

    # A story from the middle of the archive, with neighbours on both sides of its day.
    articles = published_articles()
    article = articles[articles.count() // 2]
    topic, author = (
        model.objects.annotate(stories=Count(relation)).order_by("-stories").first()
        for model, relation in ((Topic, "articles"), (Author, "bylines"))
    )
    sections = SectionPage.objects.live().order_by("path")
    section = max(sections, key=lambda s: articles.child_of(s).count())
    day = timezone.localtime(article.first_published_at, outlet_settings().zone).date()
    urls = {
        "home": "/",
        "article": article.url,
        "section": section.url,
        "topic": topic.get_absolute_url(),
        "author": author.get_absolute_url(),
        "expert": quote_an_expert().get_absolute_url(),
        "day archive": f"/news/{day:%Y/%m/%d}/",
        "all news": "/news/",
        "all news page 50": "/news/?page=50",
        "search": "/search/?q=energy",
    }
    return urls, article


def measure(client, url: str) -> tuple[float, float, int, int]:
    """(median ms, median CPU ms, SQL queries, status) of `url`, rendered ROUNDS times in a row.

    Queries are counted on a render of their own, not timed. CPU time is this thread's: on a
    busy machine it stays the application's own cost while wall-clock time also counts waiting.
    """
    return measure_in_turn(client, [(url, nullcontext)])[0]


def measure_in_turn(client, pages: list[tuple[str, Callable]]) -> list[tuple]:
    """(median ms, median CPU ms, SQL queries, status) of each (url, state) in `pages`, in order:
    ROUNDS rounds, each rendering every page once inside its `state()` context.

    Taking the pages in turn spreads each page's renders over the whole run. A spell in which
    the machine runs slow (another process, a busy neighbour on a shared host) then touches every
    page alike, and moves a median only if it lasts half the run; rendered thirty times in a row,
    a page could fall wholly inside one.
    """
    from django.db import connection

    counted = []
    for url, state in pages:
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with state():
            client.get(url)  # warm up templates, renditions and per-process caches
            with connection.execute_wrapper(count):
                response = client.get(url)
        counted.append((len(queries), response.status_code))
    timings = [([], []) for _ in pages]
    for _ in range(ROUNDS):
        for (url, state), (wall, cpu) in zip(pages, timings, strict=True):
            with state():
                started, started_cpu = time.perf_counter(), time.thread_time()
                client.get(url)
                wall.append(time.perf_counter() - started)
                cpu.append(time.thread_time() - started_cpu)
    median = statistics.median
    return [
        (median(wall) * 1000, median(cpu) * 1000, *count)
        for (wall, cpu), count in zip(timings, counted, strict=True)
    ]


def profile(client, name: str, url: str) -> None:
    """Print the functions `url`'s renders spend most time in (cProfile inflates small calls)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(ROUNDS):
        client.get(url)
    profiler.disable()
    print(f"\nProfile of {ROUNDS} renders of {name} ({url})")
    for order in ("tottime", "cumulative"):
        pstats.Stats(profiler).sort_stats(order).print_stats(PROFILE_LINES)


def verdict(name: str, cpu_ms: float, queries: int) -> tuple[str, str]:
    """(target text, PASS/FAIL, or "" for pages the issue sets no target for)."""
    if name not in TARGETS:
        return "", ""
    most_ms, most_queries = TARGETS[name]
    text = f"≤ {most_ms:g} ms" + (f", ≤ {most_queries} q" if most_queries else "")
    ok = cpu_ms <= most_ms and (most_queries is None or queries <= most_queries)
    return text, "PASS" if ok else "FAIL"


def bench_archive(count: int) -> int:
    from bench.archive import ensure_archive, use_archive

    use_archive(count)
    # Uncached means without the embedded page cache (broadsheet/caching) in front; the purge
    # journal, and so the reader memo, stay on, as in production.
    os.environ["PAGE_CACHE"] = "false"
    import django

    django.setup()
    ensure_archive(count)

    from django.db import transaction
    from django.test import Client
    from wagtail.models import Page

    from broadsheet.articles.models import ArticlePage
    from broadsheet.caching.fragments import rendering_anew
    from broadsheet.discovery.models import ReadAlsoPick
    from broadsheet.discovery.services import read_also_refresh
    from broadsheet.sections.models import SectionPage

    client = Client(HTTP_HOST="localhost")
    # A status other than 200 shows in the table; Django's log line for it would only repeat it.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    # A page that fails to render fails the bench; a missed target is reported, and the rest of
    # `make bench` still runs.
    broken = False

    def report(name: str, url: str, state: Callable, figures) -> None:
        nonlocal broken
        median_ms, cpu_ms, queries, status = figures
        target, result = verdict(name, cpu_ms, queries)
        if status != 200:
            result = f"HTTP {status}"
        broken |= status != 200
        figures = f"{median_ms:>8.1f}{cpu_ms:>8.1f}{queries:>9}"
        print(f"{name:<20}{figures}  {target:<16}{result:<6}{url}")
        if name in PROFILE:
            with state():
                profile(client, name, url)

    @contextmanager
    def unranked(article):
        """The story before the worker has ranked its Read also: the fallback query runs."""
        with transaction.atomic():
            ReadAlsoPick.objects.filter(article=article).delete()
            yield
            transaction.set_rollback(True)

    live = ArticlePage.objects.live().count()
    print(
        f"\nReader pages at {live:,} articles, in-process, uncached: median of {ROUNDS} renders "
        "each, the pages taken in turn (targets judged on CPU time)"
    )
    print(f"{'page':<20}{'ms':>8}{'CPU ms':>8}{'queries':>9}  {'target':<16}{'':<6}url")
    # What the bench adds (an expert, Read also picks) is rolled back: the archive stays as built.
    with transaction.atomic():
        # Sections the archive made stay out of the menu; a newsroom's are in it, on every page.
        Page.objects.type(SectionPage).update(show_in_menus=True)
        urls, article = sample_pages()
        # Read also as the worker ranks and stores it, and the fallback before it has.
        if not ReadAlsoPick.objects.filter(article=article).exists():
            read_also_refresh(article_id=article.pk)
        pages = []
        for name, url in urls.items():
            pages.append((name, url, nullcontext))
            if name == "article":
                pages.append(("article, unranked", url, partial(unranked, article)))
                pages.append(("article, nothing kept", url, rendering_anew))
        pages = [page for page in pages if not PAGES or page[0].split(",")[0] in PAGES]
        try:
            measured = measure_in_turn(client, [(url, state) for _, url, state in pages])
        except Exception as error:  # the figures are lost, but the rest of `make bench` runs
            transaction.set_rollback(True)
            print(f"{'error':>28}  {type(error).__name__}: {error}")
            return 1
        for (name, url, state), figures in zip(pages, measured, strict=True):
            report(name, url, state, figures)
        transaction.set_rollback(True)
    return 1 if broken else 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=int, help="measure only the archive of this many stories")
    options = parser.parse_args()
    if options.archive:
        return bench_archive(options.archive)
    worst = 0
    for count in SIZES:
        child = [sys.executable, "-m", "bench", "--archive", str(count)]
        worst = max(worst, subprocess.run(child, check=False).returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
