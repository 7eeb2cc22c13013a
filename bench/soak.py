"""`make soak`: the local cluster (bench/cluster.py) under readers, an editor and faults.

500 wrk connections for 60 s rotate through the home page, an article, a section and Latest news
through Varnish, while an editor (this module with --editor, a process of its own) publishes a
story every 2 s and corrects one every 10 s through bench/newsdesk.py, with Telegram going to
the fake Bot API (tests/fakes/telegram_bot_api.py) in this process. Meanwhile:

    t=8 s   kill -9 a web server, start it again 3 s later
    t=18 s  restart Redis (persistence off: its queued jobs are lost)
    t=28 s  restart PostgreSQL (fast shutdown: connections cut)
    t=38 s  kill -9 a desk worker right after a publish, start it again 2 s later
    t=46 s  Telegram unreachable for 20 s

Then it waits for the newsroom to settle and reports: reader errors (non-2xx/3xx and socket
errors), p50/p99, stories published against expected (each exactly once), duplicate and missing
Telegram posts, and for each fault how long after recovery the next story took to show on every
watched surface through Varnish. Logs stay in var/cluster/soak/.
"""

import contextlib
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import psycopg

from bench.cluster import VAR_DIR, Cluster
from bench.serving import ROOT, free_port, wrk_command, wrk_load

SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
READERS = 500
PUBLISH_EVERY = 2.0
CORRECT_EVERY = 10.0
TELEGRAM_BLOCKED = 20.0
# After the load: time for retries (Telegram's back-off reaches 32 s) to finish.
SETTLE_SECONDS = 60.0
CONVERGE_TARGET = 2.0
RUN_DIR = VAR_DIR / "soak"
# bench/newsdesk.py titles each story "Bench desk story <token>".
HEADLINE = "Bench desk story "
TITLE = HEADLINE + "soak"

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Encoding"] = "gzip"})
end
"""


def editor(seconds: float) -> int:
    """Publish a story every PUBLISH_EVERY s and correct one every CORRECT_EVERY s; one JSON
    line per change made. A change that fails (the database restarting) is tried again."""
    from django.db import close_old_connections

    from bench import newsdesk
    from broadsheet.articles.models import ArticlePage

    run = os.environ["SOAK_RUN"]
    started = time.monotonic()
    number = 0
    while time.monotonic() - started < seconds:
        due = started + number * PUBLISH_EVERY
        time.sleep(max(0.0, due - time.monotonic()))
        token = f"soak{run}n{number:03d}"
        correcting = number % int(CORRECT_EVERY / PUBLISH_EVERY) == 4
        while True:
            try:
                close_old_connections()
                title = f"{newsdesk.BENCH_TITLE} {token}"
                # A publish whose commit was cut off may have happened: never publish it twice.
                if not ArticlePage.objects.filter(title=title).exists():
                    committed = newsdesk.publish(token)
                    print(json.dumps({"published": token} | committed), flush=True)
                if correcting:
                    committed = newsdesk.correct(f"bench{int(run):x}{number:03x}")
                    print(json.dumps({"corrected": token} | committed), flush=True)
                break
            except Exception as error:  # noqa: BLE001 (any failure: the desk tries again)
                print(json.dumps({"failed": token, "error": str(error)[:200]}), flush=True)
                with contextlib.suppress(Exception):
                    from django.db import connection

                    connection.close()
                time.sleep(0.5)
        number += 1
    return 0


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except (OSError, http.client.HTTPException):
        return b""


class Soak:
    def __init__(self):
        from tests.fakes.telegram_bot_api import FakeBotApi, FakeBotApiServer

        self.api = FakeBotApi()
        self.telegram_port = free_port()
        self._server_class = FakeBotApiServer
        self.telegram = FakeBotApiServer(self.api, port=self.telegram_port).start()
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.run = str(int(time.time()))
        self.cluster = Cluster(
            port=free_port(),
            log_dir=RUN_DIR,
            extra_env={
                "TELEGRAM_BOT_TOKEN": self.api.token,
                "TELEGRAM_CHANNEL": self.api.channel,
                "TELEGRAM_API_URL": self.telegram.url,
            },
        )
        self.started = 0.0
        self.changes: list[dict] = []  # the editor's lines, stamped when read
        self.recovered: dict[str, float] = {}  # fault: when it ended (time.time())

    def at(self, offset: float) -> None:
        time.sleep(max(0.0, self.started + offset - time.time()))

    def editor_start(self) -> subprocess.Popen:
        env = self.cluster.env | {"SOAK_RUN": self.run}
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.soak", "--editor", str(SECONDS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=(RUN_DIR / "editor.log").open("wb"),
            text=True,
        )

        def read():
            for line in process.stdout:
                with contextlib.suppress(ValueError):
                    change = json.loads(line)
                    change["seen_at"] = time.time()
                    self.changes.append(change)

        threading.Thread(target=read, daemon=True).start()
        return process

    def faults(self) -> None:
        self.at(8)
        self.cluster.kill("web1")
        time.sleep(3)
        self.cluster.web_start("web1")
        self.recovered["kill -9 a web server"] = time.time()

        self.at(18)
        self.cluster.redis_restart()
        self.recovered["restart Redis"] = time.time()

        self.at(28)
        self.cluster.postgres_restart()
        self.recovered["restart PostgreSQL"] = time.time()

        self.at(38)
        published = len([c for c in self.changes if "published" in c])
        deadline = time.time() + 5
        while len([c for c in self.changes if "published" in c]) == published:
            if time.time() > deadline:
                break
            time.sleep(0.01)
        self.cluster.kill("worker1")  # its jobs for the story just published are in flight
        time.sleep(2)
        self.cluster.worker_start("worker1")
        self.recovered["kill -9 a worker mid-publish"] = time.time()

        self.at(46)
        self.telegram.shutdown()
        self.telegram.server_close()
        time.sleep(TELEGRAM_BLOCKED)
        self.telegram = self._server_class(self.api, port=self.telegram_port).start()
        self.recovered["block Telegram 20 s"] = time.time()

    def converged(self, fault: str, watched: dict[str, str]) -> float | None:
        """Seconds from the fault's end until the first story published after it shows on
        every watched surface (or the time that story took after its commit, if later)."""
        ended = self.recovered.get(fault)
        if ended is None:
            return None
        story = next(
            (c for c in self.changes if "published" in c and c["committed_at"] >= ended), None
        )
        if story is None:
            return None
        return story.get("shown_after")

    def watch(self, paths: dict[str, str]) -> None:
        """Poll every surface for each published story until it shows there."""
        base = self.cluster.url
        watched = 0
        while True:
            stories = [c for c in self.changes if "published" in c]
            for story in stories[watched:]:
                token = story["published"]
                surfaces = dict(paths)
                deadline = time.time() + 60
                pending = set(surfaces)
                while pending and time.time() < deadline:
                    for name in list(pending):
                        if token.encode() in fetch(base + surfaces[name]):
                            pending.discard(name)
                    time.sleep(0.1)
                story["shown_after"] = (
                    None if pending else max(0.0, time.time() - story["committed_at"])
                )
                watched += 1
            if self.done.is_set() and watched == len([c for c in self.changes if "published" in c]):
                return
            time.sleep(0.1)

    def main(self) -> int:
        print("Starting the cluster ...", flush=True)
        self.cluster.start()
        pages = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.newsdesk", "pages"],
                cwd=ROOT,
                env=self.cluster.env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        section = pages["surfaces"]["section"]
        paths = ["/", pages["article"], section, "/news/"]
        watched = {"home": "/", "section": section, "latest news": "/news/"}
        script = RUN_DIR / "rotate.lua"
        script.write_text(LUA % ", ".join(json.dumps(path) for path in paths))
        for path in paths:  # warm Varnish
            fetch(self.cluster.url + path)
        print(f"{READERS} readers for {SECONDS} s on {', '.join(paths)}", flush=True)
        wrk = subprocess.Popen(
            wrk_command(self.cluster.url + "/", seconds=SECONDS, connections=READERS, script=script)
            + ["--timeout", "10s"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.started = time.time()
        self.done = threading.Event()
        desk = self.editor_start()
        watcher = threading.Thread(target=self.watch, args=(watched,), daemon=True)
        watcher.start()
        try:
            self.faults()
            output, _ = wrk.communicate()
            desk.wait(SECONDS + 120)
            print(f"Load over; letting the newsroom settle for {SETTLE_SECONDS:.0f} s", flush=True)
            time.sleep(SETTLE_SECONDS)
            self.done.set()
            watcher.join(120)
            return self.report(output)
        finally:
            self.cluster.stop()
            self.telegram.shutdown()

    def report(self, wrk_output: str) -> int:
        (RUN_DIR / "wrk.txt").write_text(wrk_output)
        load = wrk_load(wrk_output)
        expected = [c["published"] for c in self.changes if "published" in c]
        corrections = [c for c in self.changes if "corrected" in c]
        with psycopg.connect(self.cluster.database_url) as db:
            rows = db.execute(
                "SELECT title, live FROM wagtailcore_page WHERE title LIKE %s",
                [f"{TITLE}{self.run}%"],
            ).fetchall()
            went_live = db.execute(
                "SELECT p.title, count(*) FROM wagtailcore_pagelogentry l JOIN wagtailcore_page p"
                " ON p.id = l.page_id WHERE p.title LIKE %s AND l.action = 'wagtail.publish'"
                " GROUP BY p.title",
                [f"{TITLE}{self.run}%"],
            ).fetchall()
            unconfirmed = db.execute(
                "SELECT count(*) FROM distribution_telegramdelivery WHERE status = 'unconfirmed'"
                " AND headline LIKE %s",
                [f"{TITLE}{self.run}%"],
            ).fetchone()[0]
        titles = Counter(title.removeprefix(HEADLINE) for title, live in rows if live)
        published_once = sum(1 for token in expected if titles[token] == 1)
        log_once = all(count == 1 for _, count in went_live)
        posts = Counter()
        for post in self.api.channel_posts():
            text = post.get("text") or post.get("caption") or ""
            for token in expected:
                if f"{HEADLINE}{token}" in text:
                    posts[token] += 1
        duplicates = sum(count - 1 for count in posts.values() if count > 1)
        missing = [token for token in expected if not posts[token]]
        print()
        print(f"Soak: {READERS} readers x {SECONDS} s through Varnish, 2 web servers, 2 workers")
        print(
            f"  readers: {load.requests:,} requests, {load.requests_per_second:,.0f}/s, "
            f"p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, errors {load.errors}"
        )
        print(
            f"  stories: {len(expected)} published by the editor, {published_once} live exactly "
            f"once, {len(titles)} live in all; each went live once in the page log: {log_once}"
        )
        print(f"  corrections: {len(corrections)}")
        print(
            f"  Telegram: {sum(posts.values())} posts for {len(expected)} stories, "
            f"{duplicates} duplicates, {len(missing)} missing ({unconfirmed} unconfirmed, "
            "left for an editor by design)"
        )
        print("  convergence (first story after each fault on home, section, Latest news):")
        ok = load.errors == 0 and published_once == len(expected) and duplicates == 0
        for fault in self.recovered:
            seconds = self.converged(fault, {})
            good = seconds is not None and seconds <= CONVERGE_TARGET
            ok &= good
            figure = f"{seconds:.2f} s after its commit" if seconds is not None else "never"
            print(f"    {'PASS' if good else 'FAIL'}  {fault}: {figure}")
        print(f"  {'PASS' if ok else 'FAIL'} overall; logs in {RUN_DIR}")
        return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--editor":
        sys.exit(editor(float(sys.argv[2])))
    sys.exit(Soak().main())
