"""A reusable benchmark archive: N demo stories imported through `manage.py import_articles`.

Benchmarks that need a big newsroom (search at 100,000 articles, render speed at 2,000 and
100,000) share one database per size, kept under var/bench/ and rebuilt only when missing or
when ARCHIVE_VERSION changes, because importing 100,000 stories takes minutes.

Call `use_archive(count)` before `django.setup()`: it points DATABASE_URL and the var dir at
the archive, then `ensure_archive(count)` after setup imports whatever is missing.
"""

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Bump when the import pipeline stores something new, so old archives are rebuilt.
ARCHIVE_VERSION = 2
ROOT = Path(__file__).resolve().parent.parent
# Stories run up to the present so "recent" means something to recency boosts.
STEP = timedelta(minutes=12)


def archive_dir(count: int) -> Path:
    base = Path(os.environ.get("BENCH_ARCHIVE_DIR", ROOT / "var" / "bench"))
    return base / f"archive-{count}-v{ARCHIVE_VERSION}"


def use_archive(count: int) -> Path:
    """Point this process's settings at the archive database of `count` stories."""
    folder = archive_dir(count)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_VAR_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'archive.sqlite3'}",
    )
    return folder


def ensure_archive(count: int) -> None:
    """Import the archive of `count` demo stories unless it is already there."""
    from django.core.management import call_command
    from django.utils.text import slugify

    from broadsheet.articles.models import ArticlePage
    from broadsheet.demo.archive import archive_lines
    from broadsheet.demo.newsroom import SECTIONS
    from broadsheet.home.models import HomePage
    from broadsheet.sections.models import SectionPage

    call_command("migrate", verbosity=0)
    if ArticlePage.objects.count() >= count:
        return
    home = HomePage.objects.get()
    existing = set(SectionPage.objects.values_list("slug", flat=True))
    for title, intro in SECTIONS:
        if slugify(title) not in existing:
            home.add_child(instance=SectionPage(title=title, slug=slugify(title), intro=intro))
    folder = archive_dir(count)
    lines = folder / "archive.jsonl"
    start = datetime.now(UTC) - STEP * count
    with lines.open("w", encoding="utf-8") as out:
        for line, _ in archive_lines(count=count, seed=11, start=start, step=STEP):
            out.write(line + "\n")
    print(f"Importing {count:,} stories into {folder} (kept for later runs)", file=sys.stderr)
    started = time.perf_counter()
    call_command("import_articles", str(lines), verbosity=1)
    print(f"Imported in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    lines.unlink()
