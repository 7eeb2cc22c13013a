"""`make bench-scale`: Broadsheet with a million articles on PostgreSQL (issue 6, "Scale").

1. Imports N demo stories (BENCH_SCALE_ARTICLES, default 1,000,000) with `manage.py
   import_articles` into a PostgreSQL database of its own (BENCH_SCALE_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/broadsheet_scale, created when missing), newest first, in
   slices of 10,000 lines, and reports the import time and rate.
2. Renders every reader page type in-process, uncached, at N and in a second database holding
   the same archive's newest 10,000 articles (<database>_baseline, imported the same way), both
   with the code of this run (bench/__main__.py's sampling and timing), and compares the two.
3. Times the Wagtail admin's listing of the biggest section (the page explorer) as a superuser.
4. Reports the database's size and the memory of each web worker (granian, production settings)
   after every page type has been served a few hundred times.

Stopping it is safe: the next run continues where it stopped. Which lines are imported is read
from the database (the importer's ImportedArticle rows), so only the missing lines of a slice are
handed to the importer again; each slice's import time is kept in var/bench/scale/ (under
BROADSHEET_VAR_DIR if set).

    python -m bench.scale              # import what is missing, then measure
    python -m bench.scale --measure    # (internal) render and admin figures as JSON
    python -m bench.scale --baseline NEWEST   # (internal) the 10,000-article database, measured
"""

import argparse
import hashlib
import json
import logging
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.serving import (
    ROOT,
    Processes,
    broadsheet_command,
    free_port,
    production_environment,
    wait_for_http,
)

ARTICLES = int(os.environ.get("BENCH_SCALE_ARTICLES", "1000000"))
DATABASE_URL = os.environ.get(
    "BENCH_SCALE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/broadsheet_scale"
)
VAR_DIR = Path(
    os.environ.get("BENCH_SCALE_VAR_DIR")
    or Path(os.environ.get("BROADSHEET_VAR_DIR") or ROOT / "var") / "bench" / "scale"
)
# The size the big archive is compared with, and the lines handed to the importer at a time:
# the unit of resumption and of the import-rate trend. BASELINE is a whole number of slices.
BASELINE = int(os.environ.get("BENCH_SCALE_BASELINE", "10000"))
SLICE_LINES = int(os.environ.get("BENCH_SCALE_SLICE", "10000"))
# Importers run at once on a slice, each with its own sections (see _import_in_parallel).
IMPORT_JOBS = int(os.environ.get("BENCH_SCALE_IMPORT_JOBS", "3"))
# Slice k is the demo newsroom of seed SEED + k, its stories every STEP back in time from the
# newest: the archive is imported newest first, so the 10,000-article database is the last few
# weeks of news and the rest is the back catalogue, as when a newsroom imports its archive.
SEED = 1000
STEP = timedelta(minutes=12)
ADMIN_ROUNDS = int(os.environ.get("BENCH_SCALE_ADMIN_ROUNDS", "5"))
# Requests per page type when reading the web workers' memory, spread over distinct URLs.
HITS_PER_PAGE_TYPE = int(os.environ.get("BENCH_SCALE_HITS", "300"))
HIT_CLIENTS = 4

# Issue 6, "Scale".
RENDER_RATIO = 1.5  # each page at N, against the same page at 10,000 articles
ADMIN_SECONDS = 1.0
ADMIN_TARGETED = {"explorer, newest first", "explorer, page 2", "explorer, oldest first"}
WORKER_MB = 150


# --- the database ---------------------------------------------------------------------------


def database_ensure(url: str) -> str:
    """Create the benchmark's database unless it exists; return its name."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SystemExit(f"BENCH_SCALE_DATABASE_URL must be a PostgreSQL URL, not {url!r}")
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            print(f"Creating database {name}", file=sys.stderr)
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def use_database() -> str:
    """Point this process (and its children) at the benchmark's database and var dir."""
    name = database_ensure(DATABASE_URL)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_VAR_DIR=str(VAR_DIR),
        BENCH_SCALE_VAR_DIR=str(VAR_DIR),  # the same for the child processes
        DATABASE_URL=DATABASE_URL,
        # Uncached: the application's own cost, without broadsheet/caching's page cache in front.
        PAGE_CACHE="false",
    )
    return name


class State:
    """What a run leaves for the next: each slice's import time.

    Kept per database and dropped when the database is not the one they were taken on (its
    oid changes when it is dropped and created again).
    """

    def __init__(self, name: str):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
            oid = cursor.fetchone()[0]
        self.path = VAR_DIR / f"state-{name}.json"
        data = json.loads(self.path.read_text()) if self.path.exists() else {}
        if data.get("oid") != oid:
            data = {"oid": oid}
        data.setdefault("slices", {})
        self.data = data

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=1))


# --- the import ------------------------------------------------------------------------------


def line_key(line_id: str) -> str:
    """The importer's key for a line with this `id` (imports.lines: sha256 of "id:<id>").

    Checked against the importer's own parse before every slice, so a change there stops the
    bench rather than re-importing the archive as new stories.
    """
    return hashlib.sha256(f"id:{line_id}".encode()).hexdigest()


def slice_ids(number: int, count: int) -> list[str]:
    # archive_lines names line i of seed s "demo-<s>-<i>".
    return [f"demo-{SEED + number}-{index}" for index in range(count)]


def slice_imported(number: int, count: int) -> set[str]:
    from broadsheet.imports.models import ImportedArticle

    keys = [line_key(line_id) for line_id in slice_ids(number, count)]
    found = set()
    for start in range(0, len(keys), 5000):
        batch = keys[start : start + 5000]
        found |= set(ImportedArticle.objects.filter(key__in=batch).values_list("key", flat=True))
    return found


def newest_story_time() -> datetime:
    """When the archive's newest story was published: fixed by the first run, read back after.

    Every run must write the same lines, or the importer would take them for changed stories.
    """
    from broadsheet.imports.models import ImportedArticle

    record = (
        ImportedArticle.objects.filter(key=line_key(slice_ids(0, 1)[0]))
        .select_related("article")
        .first()
    )
    if record is not None:
        return record.article.first_published_at
    return datetime.now(UTC).replace(second=0, microsecond=0)


def sections_ensure() -> None:
    from django.utils.text import slugify

    from broadsheet.demo.newsroom import SECTIONS
    from broadsheet.home.models import HomePage
    from broadsheet.sections.models import SectionPage

    home = HomePage.objects.get()
    existing = set(SectionPage.objects.values_list("slug", flat=True))
    for title, intro in SECTIONS:
        if slugify(title) not in existing:
            home.add_child(instance=SectionPage(title=title, slug=slugify(title), intro=intro))


def slice_write(number: int, count: int, newest: datetime) -> tuple[Path, int] | None:
    """Write the lines of slice `number` (its first `count`) not imported yet to a file of its
    own: (the file, its lines), or None when the slice is all imported."""
    from broadsheet.core.outlet import outlet_settings
    from broadsheet.demo.archive import archive_lines
    from broadsheet.imports.lines import story_line_parse

    done = slice_imported(number, count)
    if len(done) >= count:
        return None
    path = VAR_DIR / f"slice-{number}.jsonl"
    # Always the whole slice's plan, so a slice cut short by N reads the same when N grows.
    lines = archive_lines(
        count=SLICE_LINES,
        seed=SEED + number,
        start=newest - STEP * SLICE_LINES * number,
        step=-STEP,
    )
    written, checked = 0, False
    with path.open("w", encoding="utf-8") as out:
        for line_id, (line, _) in zip(slice_ids(number, count), lines, strict=False):
            if not checked:
                parsed = story_line_parse(1, line, zone=outlet_settings().zone)
                if parsed.key != line_key(line_id):
                    raise SystemExit("The importer's line keys changed: update bench/scale.py")
                checked = True
            if line_key(line_id) not in done:
                out.write(line + "\n")
                written += 1
    return path, written


def slice_import(number: int, count: int, file: Path, written: int, state: State) -> None:
    """Import a slice's file (slice_write) and keep how long that took."""
    started = time.perf_counter()
    logs = _import_in_parallel(file, jobs=IMPORT_JOBS)
    seconds = time.perf_counter() - started
    file.unlink()
    if len(slice_imported(number, count)) < count:
        raise SystemExit(f"Slice {number} is still incomplete after its import:\n{logs}")
    previous = state.data["slices"].get(str(number), [0, 0.0])
    # A slice finished over two runs adds up both runs' lines and seconds.
    state.data["slices"][str(number)] = [previous[0] + written, previous[1] + seconds]
    state.save()
    print(
        f"  slice {number + 1:>4}: {written:>6,} lines in {seconds:6.1f} s "
        f"({written / seconds:5.0f}/s)",
        file=sys.stderr,
        flush=True,
    )


def _import_in_parallel(path: Path, *, jobs: int) -> str:
    """Import the file with `jobs` `import_articles` processes at once, each given the
    lines of its own sections: the importer locks a story's section while it places it in the
    page tree, so importers of different sections never wait for each other. Returns their
    output."""
    by_section: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            by_section.setdefault(json.loads(line)["section"], []).append(line)
    # The biggest sections first, each to the job with the fewest lines so far.
    parts: list[list[str]] = [[] for _ in range(jobs)]
    for lines in sorted(by_section.values(), key=len, reverse=True):
        min(parts, key=len).extend(lines)
    processes = []
    for number, lines in enumerate(part for part in parts if part):
        part = path.with_suffix(f".{number}.jsonl")
        part.write_text("".join(lines), encoding="utf-8")
        command = [sys.executable, str(ROOT / "manage.py"), "import_articles", str(part)]
        processes.append(
            (part, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        )
    output = []
    for part, process in processes:
        output.append(process.communicate()[0].decode(errors="replace"))
        part.unlink()
    return "\n".join(output)


def import_up_to(total: int, newest: datetime, state: State) -> None:
    """Import slice after slice; the next slice's file is written while one is imported."""
    counts = [min(SLICE_LINES, total - start) for start in range(0, total, SLICE_LINES)]
    with ThreadPoolExecutor(max_workers=1) as writer:
        upcoming = writer.submit(slice_write, 0, counts[0], newest)
        for number, count in enumerate(counts):
            ready = upcoming.result()
            if number + 1 < len(counts):
                upcoming = writer.submit(slice_write, number + 1, counts[number + 1], newest)
            if ready is not None:
                slice_import(number, count, *ready, state)


def statistics_refresh() -> None:
    """VACUUM (ANALYZE) after an import, as autovacuum would do some time after one.

    PostgreSQL plans from table statistics. Without them it takes the freshly imported page tree
    for a few hundred rows and plans the reader lists' view-restriction check as a scan of every
    page per story: 0.5 s for a section of 438 stories in a 2,000-story database, 8 ms once
    analysed. A database with autovacuum off (this machine's) would never recover.
    """
    from django.db import connection

    from broadsheet.discovery.search_recent import recent_index_roll

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"  VACUUM (ANALYZE) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    # What the worker does after an import (imports/services.py), done here without a worker.
    started = time.perf_counter()
    if (floor := recent_index_roll()) is not None:
        print(
            f"  search indexes of the entries past {floor:,} in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )


def import_figures(state: State) -> dict:
    """Lines and seconds over every slice, and 1,000,000 lines at this run's average rate.

    On this shared machine the rate follows the other processes' load more than the archive's
    size, so a fitted trend says little; a slice does cost more as the sections fill (the importer
    reads every slug under a section once per 1,000 lines), which the average leaves out.
    """
    slices = state.data["slices"].values()
    lines = sum(count for count, _ in slices)
    seconds = sum(spent for _, spent in slices)
    rates = [count / spent for count, spent in slices if count == SLICE_LINES]
    return {
        "lines": lines,
        "seconds": seconds,
        "projected_million_seconds": 1_000_000 * seconds / lines if lines else None,
        "slowest_rate": min(rates, default=None),
        "fastest_rate": max(rates, default=None),
    }


# --- render and admin figures (a child process per size) ------------------------------------


def measure_child() -> dict:
    """Run `--measure` in a fresh process, as bench/__main__.py renders each size in its own."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--measure"],
        cwd=ROOT,
        # A parallel query's workers are processes of their own, whose CPU time would go
        # uncounted: without them the backend does, and is charged with, all of a query's work.
        env=os.environ | {"PGOPTIONS": "-c max_parallel_workers_per_gather=0"},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def database_cpu_clock():
    """A clock of the CPU seconds this connection's PostgreSQL backend has used, or None.

    On this shared machine wall-clock time mostly measures the other processes' load; CPU time
    does not. A page's cost is the web process's CPU time plus the database's, which is the work
    that grows with the archive; read from the kernel (/proc/<pid>/schedstat, in nanoseconds)
    when PostgreSQL runs on this machine.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    proc = Path(f"/proc/{pid}")
    try:
        if not proc.joinpath("cmdline").read_bytes().startswith(b"postgres"):
            return None  # a process of this number here, but the database runs elsewhere
    except OSError:
        return None
    return lambda: int(proc.joinpath("schedstat").read_text().split()[0]) / 1e9


def pages_measure() -> dict:
    """Each reader page type's [median ms, median CPU ms, database CPU ms, queries, status, url].

    The database's CPU time is the mean over bench/__main__.py's renders of the page.
    """
    from django.db import transaction
    from django.test import Client
    from wagtail.models import Page

    from bench.__main__ import ROUNDS, measure, sample_pages
    from broadsheet.discovery.services import read_also_refresh
    from broadsheet.sections.models import SectionPage

    client = Client(HTTP_HOST="localhost")
    figures = {}
    # As bench/__main__.py: the sections in the menu, an expert quoted, Read also ranked for the
    # sampled article, all rolled back so the archive stays as imported.
    with transaction.atomic():
        Page.objects.type(SectionPage).update(show_in_menus=True)
        urls, article = sample_pages()
        read_also_refresh(article_id=article.pk)
        database_cpu = database_cpu_clock()
        for name, url in urls.items():
            client.get(url)  # warm, so measure()'s own warm-up render costs as the others do
            before = database_cpu() if database_cpu else 0.0
            median_ms, cpu_ms, queries, status = measure(client, url)
            # measure() renders a page ROUNDS times, plus once to warm up and once to count.
            db_ms = (database_cpu() - before) * 1000 / (ROUNDS + 2) if database_cpu else 0.0
            figures[name] = [median_ms, cpu_ms, db_ms, queries, status, url]
            print(
                f"  {name:<20}{median_ms:8.1f} ms  CPU {cpu_ms:6.1f} + database {db_ms:6.1f} ms"
                f"{queries:5} q  {url}",
                file=sys.stderr,
            )
        transaction.set_rollback(True)
    return figures


def admin_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-scale-admin",
        defaults={"is_superuser": True, "is_staff": True, "email": "bench-scale@example.com"},
    )
    return user


def admin_measure() -> dict:
    """The page explorer on the biggest section: wall and CPU times, queries, the slowest one."""
    from django.db import connection
    from django.test import Client

    from broadsheet.sections.models import SectionPage

    section = SectionPage.objects.order_by("-numchild").first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin_user())
    base = f"/admin/pages/{section.pk}/"
    urls = {
        "explorer, newest first": base,
        "explorer, page 2": base + "?p=2",
        "explorer, oldest first": base + "?ordering=latest_revision_created_at",
        # Reported, not judged: the target is the listing as it opens and pages.
        "explorer, by title": base + "?ordering=title",
    }
    figures = {"section": section.title, "children": section.numchild}
    database_cpu = database_cpu_clock()
    for name, url in urls.items():
        client.get(url)  # warm up templates and per-process caches
        queries = []

        def timed(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(((time.perf_counter() - started) * 1000, sql))

        with connection.execute_wrapper(timed):
            status = client.get(url).status_code
        timings, cpu, db = [], [], []
        for _ in range(ADMIN_ROUNDS):
            started, started_cpu = time.perf_counter(), time.thread_time()
            started_db = database_cpu() if database_cpu else 0.0
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            db.append((database_cpu() - started_db) * 1000 if database_cpu else 0.0)
        slowest_ms, slowest_sql = max(queries)
        figures[name] = {
            "median_ms": statistics.median(timings),
            "max_ms": max(timings),
            "cpu_ms": statistics.median(cpu),
            "db_ms": statistics.median(db),
            "queries": len(queries),
            "sql_ms": sum(ms for ms, _ in queries),
            "slowest_ms": slowest_ms,
            "slowest_sql": slowest_sql[:400],
            "status": status,
            "url": url,
        }
        print(
            f"  {name:<26}{figures[name]['median_ms']:8.1f} ms  CPU {figures[name]['cpu_ms']:.1f}"
            f" + database {figures[name]['db_ms']:.1f} ms{len(queries):5} q  "
            f"slowest query {slowest_ms:.1f} ms",
            file=sys.stderr,
        )
    return figures


def measure_main() -> int:
    import django

    django.setup()
    # A status other than 200 shows in the figures; Django's log line would only repeat it.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    from broadsheet.articles.models import ArticlePage

    articles = ArticlePage.objects.live().count()
    print(f"Reader pages at {articles:,} articles (in-process, uncached):", file=sys.stderr)
    pages = pages_measure()
    print(f"Admin page explorer at {articles:,} articles:", file=sys.stderr)
    admin = admin_measure()
    print(json.dumps({"articles": articles, "pages": pages, "admin": admin}))
    return 0


def baseline_url() -> str:
    parts = urllib.parse.urlsplit(DATABASE_URL)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path + "_baseline"))


def baseline_child(newest: datetime) -> dict:
    """The same archive's newest BASELINE articles in a database of their own, imported as the
    big one was and measured by this run's code, so that the two sizes compare like for like
    (a figure kept from when the big database passed BASELINE would be of older code)."""
    child = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--baseline", newest.isoformat()],
        cwd=ROOT,
        env=os.environ | {"BENCH_SCALE_DATABASE_URL": baseline_url()},
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def database_ready(name: str) -> State:
    """Django set up on the benchmark's database, migrated, with the demo sections; its state."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sections_ensure()
    return State(name)


def baseline_main(name: str, newest: datetime) -> int:
    state = database_ready(name)
    import_up_to(BASELINE, newest, state)
    statistics_refresh()
    print(json.dumps(measure_child()))
    return 0


# --- database size and web worker memory ----------------------------------------------------


def database_size() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        total = cursor.fetchone()[0]
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 8"
        )
        tables = cursor.fetchall()
    return {"bytes": total, "tables": tables}


def hit_urls() -> dict[str, list[str]]:
    """Distinct URLs of every page type, so the workers hold what a varied audience asks for."""
    import random

    from django.db.models import Count
    from django.utils import timezone

    from broadsheet.articles.models import ArticlePage
    from broadsheet.articles.selectors import published_articles
    from broadsheet.authors.models import Author
    from broadsheet.core.outlet import outlet_settings
    from broadsheet.experts.models import Expert
    from broadsheet.sections.models import SectionPage
    from broadsheet.topics.models import Topic

    rng = random.Random(6)
    wanted = HITS_PER_PAGE_TYPE
    pks = list(published_articles().values_list("pk", flat=True))
    sample = rng.sample(pks, min(wanted, len(pks)))
    articles = ArticlePage.objects.filter(pk__in=sample).only("url_path")
    zone = outlet_settings().zone
    days = {
        timezone.localtime(a.first_published_at, zone).date()
        for a in published_articles().filter(pk__in=sample)
    }
    sections = [s.url for s in SectionPage.objects.live()]
    pages = range(1, 11)
    topics = Topic.objects.annotate(n=Count("articles")).order_by("-n")[:30]
    authors = Author.objects.annotate(n=Count("bylines")).order_by("-n")[:30]
    urls = {
        "home": ["/"],
        "article": [a.url for a in articles],
        "section": [f"{s}?page={p}" for s in sections for p in pages],
        "topic": [f"{t.get_absolute_url()}?page={p}" for t in topics for p in (1, 2, 3)],
        "author": [f"{a.get_absolute_url()}?page={p}" for a in authors for p in (1, 2, 3)],
        "expert": [e.get_absolute_url() for e in Expert.objects.all()[:30]],
        "day archive": [f"/news/{day:%Y/%m/%d}/" for day in sorted(days)],
    }
    return {name: found for name, found in urls.items() if found}


def process_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of a process in MB: PSS shares pages that processes have in common."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return fields["Rss"] / 1024, fields["Pss"] / 1024


def descendants(pid: int) -> list[int]:
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def workers_memory(urls: dict[str, list[str]], *, page_cache: bool) -> dict:
    """Serve the archive on granian as bench/http.py does; hit every page type; read RSS.

    With the embedded page cache (production without Varnish) and without it (behind Varnish,
    where VARNISH_URLS turns it off): the cache holds up to PAGE_CACHE_MB of pages.
    """
    env = production_environment(VAR_DIR) | {
        "DATABASE_URL": DATABASE_URL,
        "PAGE_CACHE": "true" if page_cache else "false",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    run_dir = VAR_DIR / "last-run"
    run_dir.mkdir(exist_ok=True)
    processes = Processes(run_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    statuses: dict[str, dict[int, int]] = {}
    try:
        server = processes.start("broadsheet", broadsheet_command(port), env=env)
        wait_for_http(base + "/healthz", process=server)

        def hit(job):
            name, url = job
            # As from the TLS proxy in front (production settings redirect plain HTTP), for a
            # browser, which takes gzip: the page cache keeps pages gzipped and sends them so.
            request = urllib.request.Request(
                base + url, headers={"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    return name, response.status
            except urllib.error.HTTPError as error:
                return name, error.code

        jobs = [
            (name, found[index % len(found)])
            for name, found in urls.items()
            for index in range(HITS_PER_PAGE_TYPE)
        ]
        started = time.perf_counter()
        with ThreadPoolExecutor(HIT_CLIENTS) as pool:
            for name, status in pool.map(hit, jobs):
                statuses.setdefault(name, {}).setdefault(status, 0)
                statuses[name][status] += 1
        seconds = time.perf_counter() - started
        workers = {pid: process_memory(pid) for pid in descendants(server.pid)}
        main = process_memory(server.pid)
    finally:
        processes.stop_all()
    return {
        "requests": len(jobs),
        "seconds": seconds,
        "statuses": statuses,
        "distinct_urls": {name: len(found) for name, found in urls.items()},
        "workers": workers,
        "main": main,
    }


# --- the report ------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def report(state: State, baseline: dict, at_n: dict, size: dict, memory: dict) -> bool:
    """Print the figures against the issue's targets; whether every target is met."""
    n, b = at_n["articles"], baseline["articles"]
    ok = True
    database = urllib.parse.urlsplit(DATABASE_URL).path.lstrip("/")
    print(f"\nBroadsheet at {n:,} articles on PostgreSQL (database {database}); {load()}")

    imported = import_figures(state)
    if imported["seconds"]:
        rate = imported["lines"] / imported["seconds"]
        print(
            f"\nImport: {imported['lines']:,} articles in {imported['seconds'] / 60:.1f} min "
            f"= {rate:.0f} articles/s (manage.py import_articles, {SLICE_LINES:,} lines a run)"
        )
        if imported["fastest_rate"]:
            print(
                f"  slices of {SLICE_LINES:,} ran at {imported['slowest_rate']:.0f}–"
                f"{imported['fastest_rate']:.0f} articles/s; 1,000,000 articles would take "
                f"{imported['projected_million_seconds'] / 3600:.1f} h at the average rate"
            )

    print(
        "\nReader pages, in-process, uncached. cost = median CPU ms of the web process + mean "
        "CPU ms of PostgreSQL per render (the ratio is judged on it: wall time on this shared "
        "machine mostly measures the load); wall = median wall-clock ms"
    )
    print(
        f"{'page':<18}{'cost ' + f'{b:,}':>12}{'cost ' + f'{n:,}':>13}{'ratio':>7}"
        f"{'wall ' + f'{b:,}':>12}{'wall ' + f'{n:,}':>13}{'queries':>10}  {'target':<8}"
    )
    for name, (wall, cpu, db, queries, status, url) in at_n["pages"].items():
        before = baseline["pages"].get(name)
        cost = cpu + db
        if before:
            base_wall, base_cpu, base_db, base_queries, _, _ = before
            ratio = cost / (base_cpu + base_db)
            passed = ratio <= RENDER_RATIO and status == 200
            figures = (
                f"{base_cpu + base_db:>12.1f}{cost:>13.1f}{ratio:>6.2f}×{base_wall:>12.1f}"
                f"{wall:>13.1f}{f'{base_queries} → {queries}':>10}"
            )
        else:
            # Nothing to compare with: the database was past the baseline on its first run.
            passed = None if status == 200 else False
            figures = f"{'—':>12}{cost:>13.1f}{'—':>7}{'—':>12}{wall:>13.1f}{queries:>10}"
        ok &= passed is not False
        note = "" if status == 200 else f"  HTTP {status} {url}"
        print(f"{name:<18}{figures}  ≤ {RENDER_RATIO:g}×   {verdict(passed)}{note}")

    admin = at_n["admin"]
    print(
        f"\nAdmin page explorer of {admin['section']} ({admin['children']:,} children), as a "
        f"superuser through the test client: cost as above, median of {ADMIN_ROUNDS}"
    )
    print(
        f"{'listing':<26}{'cost ' + f'{b:,}':>12}{'cost ' + f'{n:,}':>13}{'wall ' + f'{n:,}':>13}"
        f"{'queries':>9}{'slowest query':>15}  {'target':<8}"
    )
    for name, figures in admin.items():
        if not isinstance(figures, dict):
            continue
        cost = figures["cpu_ms"] + figures["db_ms"]
        before = baseline["admin"].get(name)
        base_cost = f"{before['cpu_ms'] + before.get('db_ms', 0.0):>12.0f}" if before else "—"
        passed = cost < ADMIN_SECONDS * 1000 and figures["status"] == 200
        target = f"< {ADMIN_SECONDS:g} s"
        if name not in ADMIN_TARGETED:
            passed, target = (None if figures["status"] == 200 else False), "—"
        ok &= passed is not False
        print(
            f"{name:<26}{base_cost:>12}{cost:>13.0f}{figures['median_ms']:>13.0f}"
            f"{figures['queries']:>9}{figures['slowest_ms']:>12.0f} ms  {target:<8}"
            f"{verdict(passed)}"
        )

    print(f"\nDatabase size: {size['bytes'] / 2**30:.2f} GB; largest tables with their indexes:")
    print("  " + ", ".join(f"{t} {b / 2**20:,.0f} MB" for t, b in size["tables"]))

    for setting, served in memory.items():
        print(
            f"\nWeb workers (granian, production settings, {setting}) after "
            f"{served['requests']:,} requests in {served['seconds']:.0f} s to "
            + ", ".join(f"{count} {name}" for name, count in served["distinct_urls"].items())
            + " URLs; answers: "
            + "; ".join(
                f"{name} " + ", ".join(f"{code}×{count}" for code, count in found.items())
                for name, found in served["statuses"].items()
            )
        )
        for pid, (rss, pss) in sorted(served["workers"].items()):
            passed = rss <= WORKER_MB
            ok &= passed
            print(
                f"  worker {pid:<8} RSS {rss:5.0f} MB (PSS {pss:.0f} MB)  ≤ {WORKER_MB} MB   "
                f"{verdict(passed)}"
            )
        main_rss, main_pss = served["main"]
        print(f"  main process   RSS {main_rss:5.0f} MB (PSS {main_pss:.0f} MB)")
    return ok


def load() -> str:
    return "load average " + ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", metavar="NEWEST", help=argparse.SUPPRESS)
    options = parser.parse_args()
    name = use_database()
    if options.measure:
        return measure_main()
    if options.baseline:
        return baseline_main(name, datetime.fromisoformat(options.baseline))
    if BASELINE % SLICE_LINES or ARTICLES < BASELINE:
        raise SystemExit("BENCH_SCALE_BASELINE must be whole slices, and at most the articles")
    state = database_ready(name)
    newest = newest_story_time()
    print(
        f"Importing up to {ARTICLES:,} articles into {name}, {SLICE_LINES:,} lines a slice "
        "(a stopped run continues where it stopped)",
        file=sys.stderr,
        flush=True,
    )
    import_up_to(ARTICLES, newest, state)
    statistics_refresh()
    at_n = measure_child()
    print(
        f"The newest {BASELINE:,} of the same archive, in a database of their own:",
        file=sys.stderr,
        flush=True,
    )
    baseline = baseline_child(newest)
    size = database_size()
    print("Serving every page type on granian to read the workers' memory ...", file=sys.stderr)
    urls = hit_urls()
    memory = {
        "embedded page cache on (no Varnish)": workers_memory(urls, page_cache=True),
        "page cache off (behind Varnish)": workers_memory(urls, page_cache=False),
    }
    return 0 if report(state, baseline, at_n, size, memory) else 1


if __name__ == "__main__":
    sys.exit(main())
