"""`make bench`, part three: bulk import throughput of `manage.py import_articles`.

Writes the demo newsroom as a JSON Lines archive, imports it into a scratch SQLite database
(pages, revisions, bylines, topics, search index, reference index), then imports it again to
show that a re-run updates nothing it need not. Reports articles per second for each run.
"""

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ARTICLES = int(os.environ.get("BENCH_IMPORT_ARTICLES", "10000"))
TARGET = 300  # articles/s, the floor


def scratch_newsroom(prefix: str) -> Path:
    """A scratch folder and SQLite database, migrated, with the demo sections; Django set up."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_VAR_DIR=str(scratch),
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{scratch / 'bench.sqlite3'}"),
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils.text import slugify

    from broadsheet.demo.newsroom import SECTIONS
    from broadsheet.home.models import HomePage
    from broadsheet.sections.models import SectionPage

    call_command("migrate", verbosity=0)
    home = HomePage.objects.get()
    for title, intro in SECTIONS:
        home.add_child(instance=SectionPage(title=title, slug=slugify(title), intro=intro))
    return scratch


def main() -> int:
    scratch = scratch_newsroom("broadsheet-bench-import-")
    from django.core.management import call_command

    from broadsheet.articles.models import ArticlePage
    from broadsheet.demo.archive import archive_lines

    archive = scratch / "archive.jsonl"
    started = time.perf_counter()
    with archive.open("w", encoding="utf-8") as out:
        start = datetime(2024, 1, 1, tzinfo=UTC)
        for line, _ in archive_lines(
            count=ARTICLES, seed=7, start=start, step=timedelta(minutes=12)
        ):
            out.write(line + "\n")
    print(f"Wrote {ARTICLES:,} stories to {archive} in {time.perf_counter() - started:.1f} s")

    figures = []
    for run in ("first import", "re-run (unchanged)"):
        started, cpu_started = time.perf_counter(), time.process_time()
        call_command("import_articles", str(archive), verbosity=0, stderr=open(os.devnull, "w"))
        seconds = time.perf_counter() - started
        figures.append((run, seconds, time.process_time() - cpu_started))
    count = ArticlePage.objects.count()
    for run, seconds, cpu in figures:
        # CPU time too: on a shared machine it shows the importer's own cost when wall time
        # includes waiting for a core.
        print(
            f"Import, {run}: {ARTICLES:,} lines in {seconds:.1f} s = {ARTICLES / seconds:,.0f}/s"
            f" ({cpu:.1f} s of CPU = {ARTICLES / cpu:,.0f} per CPU second)"
        )
    print(f"Articles in the database afterwards: {count:,} (expected {ARTICLES:,})")
    ok = count == ARTICLES and ARTICLES / figures[0][1] >= TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
