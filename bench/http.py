"""`make bench`: Broadsheet over HTTP, side by side with the physical limit, and freshness.

In one go, on free loopback ports, every server ended at exit even on failure:

1. nginx serving a static copy of a Broadsheet article page (the physical limit);
2. Broadsheet through Varnish (deploy/varnish/run);
3. Broadsheet direct on its production server (granian), with its in-process cache;
4. the same, uncached.

Each gets wrk -t2 -c32 -d15s (BENCH_HTTP_SECONDS shortens it) and is reported as requests/s, p50,
p99 and the ratio to nginx, against the issue's targets. Then freshness under load: while wrk
keeps Varnish busy, the desk publishes a story and corrects another, with `manage.py desk_worker`
running so purges go out from the worker; every reader surface is polled through Varnish, from
just before the commit until it shows the change, and the slowest is reported; the same for
Broadsheet's own page cache. Beside each change: when the worker purged its story from each
cache, how many pages Varnish fetched, and the processor time each process used meanwhile (every
poll is kept in last-run/polls-<change>.json).

    python -m bench.http                      # everything
    python -m bench.http --freshness          # freshness under load only
    python -m bench.http --freshness --through varnish   # or page-cache: one deployment

The demo newsroom lives in var/bench/http/ (under BROADSHEET_VAR_DIR if set, or
BENCH_HTTP_VAR_DIR), built on first use with production settings (DEBUG off, collected static
files). The logs of every server are kept in its last-run/.
"""

import argparse
import concurrent.futures
import contextlib
import gzip
import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from bench.serving import (
    ROOT,
    WRK_CONNECTIONS,
    WRK_SECONDS,
    WRK_THREADS,
    Load,
    Processes,
    broadsheet_command,
    free_port,
    nginx_serving,
    production_environment,
    varnish_backend_fetches,
    varnish_in_front,
    wait_for_http,
    wrk,
    wrk_command,
)

VAR_DIR = Path(
    os.environ.get("BENCH_HTTP_VAR_DIR")
    or Path(os.environ.get("BROADSHEET_VAR_DIR") or ROOT / "var") / "bench" / "http"
)

RUN_DIR = VAR_DIR / "last-run"

# The targets.
VARNISH_SHARE_OF_NGINX = 0.5  # requests/s
VARNISH_P99_OVER_NGINX = 2.0
DIRECT_CACHED_RPS = 5_000
DIRECT_UNCACHED_RPS = 330  # 10x WordPress
FRESHNESS_SECONDS = 2.0
# How long a surface may take before it is reported as never updated.
FRESHNESS_GIVE_UP = 30.0
POLL_INTERVAL = 0.05

# broadsheet/caching's switches: the in-process page cache (PAGE_CACHE), and VARNISH_URLS, where
# the desk worker sends purges. Behind Varnish Broadsheet runs as production would, with
# VARNISH_URLS set, which turns the in-process cache off by default.
UNCACHED_ENV = {"PAGE_CACHE": "false"}
CACHED_ENV = {"PAGE_CACHE": "true"}


def behind_varnish_env(varnish_port: int) -> dict[str, str]:
    return {"VARNISH_URLS": f"http://127.0.0.1:{varnish_port}"}


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def newsdesk(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.newsdesk", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"bench.newsdesk {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(env: dict[str, str]) -> None:
    """The demo newsroom with production settings: migrated, filled, static files collected."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "demo_newsroom")  # does nothing when the newsroom is already there
    manage(env, "collectstatic", "--noinput", "-v0")


def worker_drain(processes: Processes, env: dict[str, str]) -> None:
    """Run the desk worker until no background task waits, so none delays the purges later."""
    waiting = newsdesk(env, "backlog")["waiting"]
    if not waiting:
        return
    print(f"Running the {waiting:,} background tasks the new newsroom queued ...", flush=True)
    worker = processes.start(
        "desk_worker-backlog", [sys.executable, "manage.py", "desk_worker"], env=env
    )
    while newsdesk(env, "backlog")["waiting"]:
        if worker.poll() is not None:
            raise RuntimeError(f"desk_worker exited:\n{processes.log_tail('desk_worker-backlog')}")
        time.sleep(2)
    processes.stop(worker)


def fetch(url: str, *, timeout=10.0) -> tuple[int, bytes]:
    """Status and body of `url`; 0 and nothing when no answer came in time."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, http.client.HTTPException):
        return 0, b""


def static_copy(url: str, path: str) -> Path:
    """The page at `url`, saved where nginx finds it under the same path."""
    status, body = fetch(url)
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    root = RUN_DIR / "static"
    target = root / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    # What nginx's gzip_static sends a browser, as Varnish sends its gzipped copy.
    target.with_name("index.html.gz").write_bytes(gzip.compress(body, 6))
    # nginx's workers run as nobody when it is started by root.
    for path in (root, *root.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return root


# wrk asks as browsers do; without it Varnish would unzip its copy for every request.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def measure(name: str, url: str) -> Load:
    wrk(url, seconds=2, headers=BROWSER)  # warm caches, connections and code paths
    load = wrk(url, headers=BROWSER)
    print(
        f"  {name}: {load.requests_per_second:,.0f} req/s, p50 {load.p50_ms:.2f} ms, "
        f"p99 {load.p99_ms:.2f} ms" + (f", {load.errors} errors" if load.errors else ""),
        flush=True,
    )
    return load


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(loads: dict[str, Load], page_bytes: int, gzipped_bytes: int) -> bool:
    nginx = loads["nginx"]
    print()
    print(
        f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{WRK_SECONDS}s, "
        f"Accept-Encoding: gzip; article page of {page_bytes / 1024:.0f} KB "
        f"({gzipped_bytes / 1024:.0f} KB gzipped); {os.cpu_count()} cores shared with wrk"
    )
    print(f"{'server':<36}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'req/s vs nginx':>16}")
    for name, load in loads.items():
        print(
            f"{LABELS[name]:<36}{load.requests_per_second:>10,.0f}{load.p50_ms:>9.2f}"
            f"{load.p99_ms:>9.2f}{load.requests_per_second / nginx.requests_per_second:>15.1%}"
        )
    varnish, cached, uncached = loads["varnish"], loads["cached"], loads["uncached"]
    checks = [
        (
            f"Varnish >= {VARNISH_SHARE_OF_NGINX:.0%} of nginx's req/s",
            varnish.requests_per_second >= VARNISH_SHARE_OF_NGINX * nginx.requests_per_second,
        ),
        (
            f"Varnish p99 <= {VARNISH_P99_OVER_NGINX:g}x nginx's "
            f"({varnish.p99_ms:.2f} vs {nginx.p99_ms:.2f} ms)",
            varnish.p99_ms <= VARNISH_P99_OVER_NGINX * nginx.p99_ms,
        ),
        (
            f"direct, cached >= {DIRECT_CACHED_RPS:,} req/s",
            cached.requests_per_second >= DIRECT_CACHED_RPS,
        ),
        (
            f"direct, uncached >= {DIRECT_UNCACHED_RPS:,} req/s",
            uncached.requests_per_second >= DIRECT_UNCACHED_RPS,
        ),
        ("no errors under load", not any(load.errors for load in loads.values())),
    ]
    print()
    for text, ok in checks:
        print(f"  {verdict(ok)}  {text}")
    return all(ok for _, ok in checks)


LABELS = {
    "nginx": "nginx, static copy",
    "varnish": "Broadsheet through Varnish",
    "cached": "Broadsheet direct, cached",
    "uncached": "Broadsheet direct, uncached",
}


THROUGH_VARNISH = "Varnish"
PAGE_CACHE = "page cache"
LABEL = {"varnish": THROUGH_VARNISH, "page-cache": PAGE_CACHE}


def shows(body: bytes, token: str) -> bool:
    return token.encode() in body


class DeskChange:
    """A publish or correction by `bench.newsdesk`, in its own process like an editor's request.

    Started ahead (Django takes seconds to start on a busy box), it makes the change when told
    to; it says which surfaces will show the change before it commits, so they are being
    watched when it lands, then when it committed.
    """

    def __init__(self, env: dict[str, str], action: str, token: str, log: Path):
        self.token = token
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.newsdesk", action, "--token", token],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self._line()  # ready
        self.story_key = ""
        self.surfaces: dict[str, str] = {}
        self.started_at = 0.0
        self._committed_at: float | None = None
        # Every poll of every surface (address, asked, answered, fresh), kept in the run's log.
        self.polls: list[tuple[str, float, float, bool]] = []

    def make(self) -> None:
        """Make the change; back when it is about to commit."""
        self.process.stdin.write("go\n")
        self.process.stdin.close()
        announced = self._line()
        self.story_key = announced["story_key"]
        self.surfaces = announced["surfaces"]
        self.started_at = time.time()

    def _line(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.wait()
            self.log.close()
            raise RuntimeError(f"bench.newsdesk failed:\n{Path(self.log.name).read_text()[-3000:]}")
        return json.loads(line)

    @property
    def committed_at(self) -> float:
        """When the change committed (waits for it)."""
        if self._committed_at is None:
            self._committed_at = self._line()["committed_at"]
            self.process.wait()
            self.log.close()
        return self._committed_at


def first_shown(url: str, change: DeskChange) -> float | None:
    """When `url` first showed the change's token (time.time()), or None if it never did."""
    give_up = change.started_at + FRESHNESS_GIVE_UP
    while time.time() < give_up:
        asked = time.time()
        _, body = fetch(url)
        fresh = shows(body, change.token)
        change.polls.append((url, asked, time.time(), fresh))
        if fresh:
            return time.time()
        time.sleep(POLL_INTERVAL)
    return None


def warm(bases: dict[str, str], paths) -> int:
    """Have each cache hold each page, so the change has copies to purge; how many Varnish
    holds (it says so in X-Cache)."""
    held = 0
    for path in paths:
        for where, base in bases.items():
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    with urllib.request.urlopen(base + path, timeout=10) as response:
                        response.read()
                        if where != THROUGH_VARNISH:
                            fetch(base + path)
                            break
                        state = response.headers.get("X-Cache", "")
                        held += state.startswith("HIT")
                        if state.startswith(("HIT", "PASS")):
                            break
    return held


class PurgeWatch:
    """When the desk worker's log says it purged a change's story, after a given moment: the
    page caches' journal ("Journalled") and Varnish ("Purged"), each the first time."""

    def __init__(self, log: Path):
        self.log = log
        self.offset = log.stat().st_size if log.exists() else 0
        self.lines: list[tuple[float, bytes]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        pending = b""
        while not self.stopping.is_set():
            with self.log.open("rb") as log:
                log.seek(self.offset)
                read = log.read()
            self.offset += len(read)
            pending += read
            *complete, pending = pending.split(b"\n")
            now = time.time()
            self.lines += [(now, line) for line in complete]
            time.sleep(0.01)

    def stop(self, story_key: str) -> dict[str, float]:
        """The first moment each cache was purged of `story_key` (the desk worker logs text, or
        JSON lines in production)."""
        self.stopping.set()
        self.thread.join()
        first = {}
        for seen_at, line in self.lines:
            message = line.decode(errors="replace")
            if message.startswith("{"):
                with contextlib.suppress(ValueError):
                    message = json.loads(message).get("message", "")
            if story_key not in message.split():
                continue
            for marker, where in (("Journalled", PAGE_CACHE), ("Purged", THROUGH_VARNISH)):
                if message.startswith(marker):
                    first.setdefault(where, seen_at)
        return first


class CpuWatch:
    """CPU seconds each benchmark process (with its children) used while watched."""

    def __init__(self, processes: Processes):
        self.processes = processes
        self.before = self._sample()

    def _sample(self) -> dict[str, float]:
        groups = {process.pid: name for name, process in self.processes.children}
        # The benchmark's own process group: its pollers, and the desk's changes (bench.newsdesk).
        groups[os.getpgid(0)] = "bench"
        used = dict.fromkeys(groups.values(), 0.0)
        # Others' processes, as far as they ran through the whole watch.
        used["other processes"] = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                pgid, seconds = int(fields[2]), (int(fields[11]) + int(fields[12])) / tick
                used[groups.get(pgid, "other processes")] += seconds
        return used

    def report(self, seconds: float) -> str:
        after = self._sample()
        spent = {name: after[name] - self.before.get(name, 0.0) for name in after}
        spent = {name: used for name, used in spent.items() if used >= 0.05}
        return f"CPU seconds over {seconds:.1f} s: " + ", ".join(
            f"{name} {used:.1f}" for name, used in sorted(spent.items(), key=lambda i: -i[1])
        )


def freshness(change: DeskChange, bases: dict[str, str]) -> dict[str, float | None]:
    """Poll every surface of one change in every cache at once, from before the commit; print
    each delay after the commit and return the slowest per cache (None when one never showed
    the change)."""
    surfaces = change.surfaces
    targets = [(name, where) for name in surfaces for where in bases]
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(targets)) as pool:
        found = pool.map(
            lambda target: first_shown(bases[target[1]] + surfaces[target[0]], change), targets
        )
        committed_at = change.committed_at
        delays = {
            target: None if seen is None else max(0.0, seen - committed_at)
            for target, seen in zip(targets, found, strict=True)
        }
    print(f"    {'surface':<30}" + "".join(f"{where:>14}" for where in bases))
    for name, path in surfaces.items():
        shown = [delays[name, where] for where in bases]
        print(
            f"    {name:<30}"
            + "".join(
                f"{delay:>12.2f} s" if delay is not None else f"{'never':>14}" for delay in shown
            )
            + f"  {path}"
        )
    slowest = {}
    for where in bases:
        found = [delays[name, where] for name in surfaces]
        slowest[where] = None if None in found else max(found)
    return slowest


def freshness_under_load(
    processes: Processes, env: dict[str, str], bases: dict[str, str], varnish_port: int
) -> bool:
    varnish = f"http://127.0.0.1:{varnish_port}"
    # The worker purges Varnish and the web processes' page caches alike.
    worker_env = env | behind_varnish_env(varnish_port) | CACHED_ENV
    worker = processes.start(
        "desk_worker", [sys.executable, "manage.py", "desk_worker"], env=worker_env
    )
    time.sleep(3)  # the worker's first heartbeat
    if worker.poll() is not None:
        raise RuntimeError(f"desk_worker exited:\n{processes.log_tail('desk_worker')}")

    results = []
    load_seconds = max(WRK_SECONDS, 20)
    for action in ("publish", "correct"):
        token = f"bench{uuid.uuid4().hex[:10]}"
        print(f"\n  {action}, token {token}:", flush=True)
        before = newsdesk(env, "pages")
        cached = warm(bases, before["surfaces"].values())
        if THROUGH_VARNISH in bases:
            total = len(before["surfaces"])
            print(f"    {cached} of {total} surfaces cached in Varnish beforehand")
        change = DeskChange(env, action, token, processes.log_dir / f"newsdesk-{action}.log")
        # Load on the story to be corrected, which also carries the new one in Latest news.
        target = before["latest"]
        loader = processes.start(
            f"wrk-{action}",
            wrk_command(varnish + target, seconds=load_seconds, headers=BROWSER),
        )
        time.sleep(2)
        purges = PurgeWatch(processes.log_dir / "desk_worker.log")
        fetched = varnish_backend_fetches(VAR_DIR)
        change.make()
        cpu = CpuWatch(processes)
        slowest = freshness(change, bases)
        print("    " + cpu.report(time.time() - change.committed_at))
        if fetched is not None:
            fetched = varnish_backend_fetches(VAR_DIR) - fetched
            print(f"    Varnish asked Broadsheet for {fetched} pages meanwhile")
        purged = purges.stop(change.story_key)
        (processes.log_dir / f"polls-{action}.json").write_text(
            json.dumps({"committed_at": change.committed_at, "polls": change.polls})
        )
        print(
            "    the worker purged the story "
            + ", ".join(
                f"from the {where} {purged[where] - change.committed_at:.2f} s"
                if where in purged
                else f"never from the {where}"
                for where in bases
            )
            + " after the commit"
        )
        loader.wait()
        results += [(action, where, seconds) for where, seconds in slowest.items()]
    print()
    ok = True
    for action, where, slowest in results:
        good = slowest is not None and slowest <= FRESHNESS_SECONDS
        ok &= good
        figure = f"{slowest:.2f} s" if slowest is not None else "never"
        print(
            f"  {verdict(good)}  {action}, {where}: every surface fresh after {figure} "
            f"(target <= {FRESHNESS_SECONDS:g} s)"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http")
    parser.add_argument(
        "--freshness", action="store_true", help="measure freshness under load only"
    )
    parser.add_argument(
        "--through",
        choices=["both", "varnish", "page-cache"],
        default="both",
        help="watch the surfaces through Varnish, the page cache or both (the default)",
    )
    args = parser.parse_args()
    only_freshness = args.freshness
    env = production_environment(VAR_DIR)
    prepare(env)
    # Logs, the static copy and nginx's files of the last run only.
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    RUN_DIR.mkdir(parents=True)
    processes = Processes(RUN_DIR)
    try:
        worker_drain(processes, env)
        path = newsdesk(env, "pages")["article"]
        ports = {name: free_port() for name in ("uncached", "cached", "nginx", "varnish")}
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        # Varnish's backend is the uncached one: a production box behind Varnish names it in
        # VARNISH_URLS, which leaves the in-process cache off.
        uncached = processes.start(
            "broadsheet-uncached",
            broadsheet_command(ports["uncached"]),
            env=env | UNCACHED_ENV | behind_varnish_env(ports["varnish"]),
        )
        cached = processes.start(
            "broadsheet-cached", broadsheet_command(ports["cached"]), env=env | CACHED_ENV
        )
        wait_for_http(urls["uncached"] + "/healthz", process=uncached)
        wait_for_http(urls["cached"] + "/healthz", process=cached)
        root = static_copy(urls["uncached"] + path, path)
        page = root / path.strip("/") / "index.html"
        page_bytes, gzipped_bytes = page.stat().st_size, page.with_suffix(".html.gz").stat().st_size
        nginx = nginx_serving(processes, root, ports["nginx"])
        varnish = varnish_in_front(
            processes, backend_port=ports["uncached"], port=ports["varnish"], var_dir=VAR_DIR
        )
        wait_for_http(urls["nginx"] + path, process=nginx)
        wait_for_http(urls["varnish"] + path, process=varnish)
        for name, url in urls.items():
            status, _ = fetch(url + path)
            if status != 200:
                raise RuntimeError(f"{LABELS[name]} answered {status} for {path}")

        speed_ok = True
        if not only_freshness:
            print(f"Broadsheet over HTTP: {path}", flush=True)
            loads = {name: measure(LABELS[name], urls[name] + path) for name in LABELS}
            speed_ok = report(loads, page_bytes, gzipped_bytes)

        print("\nFreshness under load (wrk loading Varnish):", flush=True)
        bases = {THROUGH_VARNISH: urls["varnish"], PAGE_CACHE: urls["cached"]}
        if args.through != "both":
            # One deployment at a time: a production box runs Varnish or the page cache.
            bases = {where: base for where, base in bases.items() if where == LABEL[args.through]}
        fresh_ok = freshness_under_load(processes, env, bases, ports["varnish"])
    finally:
        processes.stop_all()
    return 0 if speed_ok and fresh_ok else 1


if __name__ == "__main__":
    sys.exit(main())
