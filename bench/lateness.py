"""`make bench`, part two: how late scheduled stories go live through a real desk worker.

Schedules stories at random times across the next two minutes on a scratch SQLite database,
runs `manage.py desk_worker` as its own process, and reports lateness (go-live time to the
moment Wagtail recorded the publication): p50, p99 and maximum.
"""

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORIES = int(os.environ.get("BENCH_LATENESS_STORIES", "200"))
SPREAD = float(os.environ.get("BENCH_LATENESS_SECONDS", "120"))
LEAD = 15.0  # seconds before the first slot: room to create the drafts


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="broadsheet-bench-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_VAR_DIR=str(scratch),
        DATABASE_URL=f"sqlite:///{scratch / 'bench.sqlite3'}",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from broadsheet.articles.models import ArticlePage
    from broadsheet.home.models import HomePage
    from broadsheet.sections.models import SectionPage

    call_command("migrate", verbosity=0)
    section = HomePage.objects.get().add_child(instance=SectionPage(title="Bench", slug="bench"))
    section.save_revision().publish()
    rng = random.Random(12)
    start = timezone.now() + timedelta(seconds=LEAD)
    due = sorted(start + timedelta(seconds=rng.uniform(0, SPREAD)) for _ in range(STORIES))
    print(f"Scheduling {STORIES} stories across {SPREAD:.0f} s ...", flush=True)
    for n, moment in enumerate(due):
        article = section.add_child(instance=ArticlePage(title=f"Bench story {n}", live=False))
        article.go_live_at = moment
        article.save_revision().publish()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "desk_worker"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + LEAD + SPREAD + 30
        while time.monotonic() < deadline:
            if (
                ArticlePage.objects.filter(live=True, slug__startswith="bench-story").count()
                >= STORIES
            ):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
    published = dict(
        ArticlePage.objects.filter(slug__startswith="bench-story").values_list(
            "title", "last_published_at"
        )
    )
    lateness = []
    for n, moment in enumerate(due):
        went_live = published.get(f"Bench story {n}")
        if went_live is None:
            print(f"Bench story {n} never went live")
            return 1
        lateness.append((went_live - moment).total_seconds())
    lateness.sort()
    p99 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.99))]
    early = sum(1 for value in lateness if value < 0)
    p50 = statistics.median(lateness)
    print(
        f"Scheduling lateness over {STORIES} stories: p50 {p50 * 1000:.0f} ms,"
        f" p99 {p99 * 1000:.0f} ms, max {lateness[-1] * 1000:.0f} ms; early: {early}"
    )
    return 0 if early == 0 and lateness[-1] <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
