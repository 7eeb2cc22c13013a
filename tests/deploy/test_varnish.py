"""deploy/varnish/broadsheet.vcl, run by deploy/varnish/run in front of a scripted backend.

Skipped where Debian's varnish and varnish-modules are not installed.
"""

import gzip
import http.client
import os
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
RUN = ROOT / "deploy" / "varnish" / "run"

pytestmark = pytest.mark.skipif(
    not (shutil.which("varnishd") or Path("/usr/sbin/varnishd").exists())
    or not list(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")),
    reason="needs Debian's varnish and varnish-modules",
)

CACHED = "public, max-age=0, s-maxage=60"


class Backend(ThreadingHTTPServer):
    """Broadsheet's stand-in: answers each path as scripted and counts what reaches it."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, tuple[int, dict[str, str], str]] = {}
        self.hits: dict[str, int] = {}
        self.cookies: dict[str, str | None] = {}
        self.failing = False
        # Seconds /healthz takes: a busy Broadsheet answers the probe late.
        self.healthz_delay = 0.0
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def page(self, path: str, body: str, *, status=200, cache_control=CACHED, **headers):
        if cache_control:
            headers["Cache-Control"] = cache_control
        self.pages[path] = (status, {k.replace("_", "-"): v for k, v in headers.items()}, body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        backend = self.server
        path = self.path
        if path == "/healthz":
            time.sleep(backend.healthz_delay)
            status, headers, body = (503 if backend.failing else 200), {}, "ok"
        else:
            backend.hits[path] = backend.hits.get(path, 0) + 1
            backend.cookies[path] = self.headers.get("Cookie")
            status, headers, body = backend.pages.get(path, (404, {}, "not found"))
            if backend.failing:
                status, headers, body = 500, {}, "server error"
        payload = body.encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def backend():
    server = Backend()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def varnish(backend, tmp_path):
    port = free_port()
    env = os.environ | {
        "VARNISH_LISTEN": f"127.0.0.1:{port}",
        "BROADSHEET_PORT": str(backend.port),
        "BROADSHEET_VAR_DIR": str(tmp_path),
        "VARNISH_STORAGE": "32m",
    }
    process = subprocess.Popen(
        [RUN], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"varnishd did not start: {process.stderr.read().decode()}")
            time.sleep(0.1)
    yield port
    os.killpg(process.pid, 15)
    process.wait(10)


def request(port, path, *, method="GET", headers=None, source="127.0.0.1", body=None, raw=False):
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
    response = connection.getresponse()
    response.body = response.read()
    response.text = None if raw else response.body.decode()
    connection.close()
    return response


def test_page_is_cached_for_its_s_maxage_without_showing_its_keys(backend, varnish):
    """A reader page with s-maxage reaches Broadsheet once; its surrogate keys stay private."""
    backend.page("/news/a/", "story", xkey="article-1 latest")
    first, second = request(varnish, "/news/a/"), request(varnish, "/news/a/")
    assert (first.text, second.text) == ("story", "story")
    assert backend.hits["/news/a/"] == 1
    assert second.getheader("X-Cache") == "HIT"
    assert second.getheader("xkey") is None


def test_page_without_cache_control_is_not_cached(backend, varnish):
    """Broadsheet decides what is cacheable: no Cache-Control, no cached copy to go stale."""
    backend.page("/healthy-but-unmarked/", "x", cache_control=None)
    request(varnish, "/healthy-but-unmarked/")
    request(varnish, "/healthy-but-unmarked/")
    assert backend.hits["/healthy-but-unmarked/"] == 2


def test_xkey_purge_drops_every_page_with_the_key_and_only_those(backend, varnish):
    """PURGE with xkey-purge refetches each page listing the key; other pages stay cached."""
    backend.page("/news/a/", "a v1", xkey="article-1 section-3")
    backend.page("/world/", "front v1", xkey="section-3 latest")
    backend.page("/news/b/", "b v1", xkey="article-2")
    for path in ("/news/a/", "/world/", "/news/b/"):
        request(varnish, path)
    backend.page("/news/a/", "a v2", xkey="article-1 section-3")
    backend.page("/world/", "front v2", xkey="section-3 latest")

    purge = request(varnish, "/", method="PURGE", headers={"xkey-purge": "section-3 topic-9"})

    assert purge.status == 200
    assert request(varnish, "/news/a/").text == "a v2"
    assert request(varnish, "/world/").text == "front v2"
    request(varnish, "/news/b/")
    assert backend.hits["/news/b/"] == 1


def test_a_busy_broadsheet_still_gets_purged_pages_refetched(backend, varnish):
    """Right after a publish Broadsheet is busy rendering the purged pages and answers the
    probe late: that is not down, so a purge still drops the page and readers get the new one,
    not the stale copy Varnish keeps for a Broadsheet that is down."""
    backend.page("/news/a/", "v1", xkey="article-1")
    request(varnish, "/news/a/")
    backend.healthz_delay = 2.5
    time.sleep(7)  # two or three probes, each answered after 2.5 s
    backend.page("/news/a/", "v2", xkey="article-1")
    request(varnish, "/", method="PURGE", headers={"xkey-purge": "article-1"})
    answer = request(varnish, "/news/a/")
    assert (answer.status, answer.text) == (200, "v2")


def test_url_purge_refetches_that_page(backend, varnish):
    """PURGE /path drops the cached copy of that address."""
    backend.page("/corrections/", "v1")
    request(varnish, "/corrections/")
    backend.page("/corrections/", "v2")
    assert request(varnish, "/corrections/", method="PURGE").status == 200
    assert request(varnish, "/corrections/").text == "v2"


def test_purge_from_outside_the_acl_is_refused(backend, varnish):
    """Only the listed hosts may purge; anyone else gets 403 and the page stays cached."""
    backend.page("/news/a/", "v1", xkey="article-1")
    request(varnish, "/news/a/")
    outsider = "127.0.0.2"
    denied = request(
        varnish, "/", method="PURGE", headers={"xkey-purge": "article-1"}, source=outsider
    )
    assert denied.status == 403
    assert request(varnish, "/news/a/", method="PURGE", source=outsider).status == 403
    request(varnish, "/news/a/")
    assert backend.hits["/news/a/"] == 1


def test_reader_cookies_are_stripped_and_sessions_pass(backend, varnish):
    """Analytics cookies share the readers' copy; a signed-in editor always reaches Broadsheet."""
    backend.page("/", "home")
    request(varnish, "/", headers={"Cookie": "_ga=1"})
    request(varnish, "/", headers={"Cookie": "_ga=2; theme=dark"})
    assert backend.hits["/"] == 1
    assert backend.cookies["/"] is None

    request(varnish, "/", headers={"Cookie": "csrftoken=x; sessionid=abc"})
    assert backend.hits["/"] == 2
    assert "sessionid=abc" in backend.cookies["/"]


def test_admin_and_post_are_never_cached(backend, varnish):
    """The admin (and its previews) and form posts go to Broadsheet every time."""
    backend.page("/admin/pages/3/edit/preview/", "preview")
    backend.page("/search/", "results")
    for _ in range(2):
        request(varnish, "/admin/pages/3/edit/preview/")
        request(varnish, "/search/", method="POST", body="q=x")
    assert backend.hits["/admin/pages/3/edit/preview/"] == 2
    assert backend.hits["/search/"] == 2


def test_server_errors_are_not_cached(backend, varnish):
    """A 500 is never kept, even when it claims s-maxage."""
    backend.page("/broken/", "oops", status=500)
    assert request(varnish, "/broken/").status == 500
    backend.page("/broken/", "fixed")
    assert request(varnish, "/broken/").text == "fixed"


def test_pages_are_sent_gzipped_from_one_copy(backend, varnish):
    """Every browser's Accept-Encoding gets the one gzipped copy; other clients get it plain."""
    story = "<p>The story.</p>" * 200
    backend.page("/news/a/", story, Content_Type="text/html; charset=utf-8")
    for accept in ("gzip, deflate, br", "br, gzip", "gzip", "gzip;q=1.0, identity"):
        answer = request(varnish, "/news/a/", headers={"Accept-Encoding": accept}, raw=True)
        assert answer.getheader("Content-Encoding") == "gzip"
        assert gzip.decompress(answer.body).decode() == story
    plain = request(varnish, "/news/a/")
    assert (plain.getheader("Content-Encoding"), plain.text) == (None, story)
    assert backend.hits["/news/a/"] == 1


def test_stale_while_revalidate_answers_at_once_and_refreshes(backend, varnish):
    """Past s-maxage but within stale-while-revalidate: old copy now, new copy next."""
    swr = "public, s-maxage=1, stale-while-revalidate=30"
    backend.page("/latest/", "v1", cache_control=swr)
    request(varnish, "/latest/")
    backend.page("/latest/", "v2", cache_control=swr)
    time.sleep(1.5)
    stale = request(varnish, "/latest/")
    assert stale.text == "v1"
    assert "stale-while-revalidate" in stale.getheader("X-Cache")
    time.sleep(0.3)
    assert request(varnish, "/latest/").text == "v2"


@pytest.mark.parametrize(
    "cache_control",
    ["public, s-maxage=1, stale-while-revalidate=1", "public, s-maxage=1, stale-if-error=600"],
)
def test_past_stale_while_revalidate_the_reader_waits_for_a_fresh_copy(
    backend, varnish, cache_control
):
    """A copy older than its revalidation window (none, unless named) is not served while
    Broadsheet answers."""
    backend.page("/x/", "v1", cache_control=cache_control)
    request(varnish, "/x/")
    backend.page("/x/", "v2", cache_control=cache_control)
    time.sleep(2.5)
    answer = request(varnish, "/x/")
    assert answer.text == "v2"
    assert "stale" not in answer.getheader("X-Cache")


def test_stale_if_error_serves_the_old_copy_when_broadsheet_fails(backend, varnish):
    """A page past its revalidation window is still served when the refetch fails."""
    backend.page("/news/a/", "v1", cache_control="public, s-maxage=1, stale-if-error=600")
    request(varnish, "/news/a/")
    time.sleep(1.5)
    backend.failing = True  # pages 500, but the probe has not noticed yet
    answer = request(varnish, "/news/a/")
    assert (answer.status, answer.text) == (200, "v1")
    request(varnish, "/never-cached/")
    assert request(varnish, "/never-cached/").status == 500


def test_a_purged_page_is_still_served_when_its_refetch_fails(backend, varnish):
    """Broadsheet answers its probe while its database restarts, and its pages fail: a page
    purged just then is served as it was rather than as an error, and the new one follows."""
    backend.page("/news/a/", "v1", xkey="article-1")
    request(varnish, "/news/a/")
    backend.failing = True
    assert request(varnish, "/", method="PURGE", headers={"xkey-purge": "article-1"}).status == 200
    answer = request(varnish, "/news/a/")
    assert (answer.status, answer.text) == (200, "v1")
    assert "stale-if-error" in answer.getheader("X-Cache")
    backend.failing = False
    backend.page("/news/a/", "v2", xkey="article-1")
    assert request(varnish, "/news/a/").text == "v2"


def test_stale_if_error_when_broadsheet_is_down(backend, varnish):
    """With Broadsheet gone, readers get the cached pages; purges keep them for that."""
    backend.page("/news/a/", "v1", cache_control="public, s-maxage=1", xkey="article-1")
    request(varnish, "/news/a/")
    backend.shutdown()
    backend.server_close()
    time.sleep(5)  # the probe marks it sick
    request(varnish, "/", method="PURGE", headers={"xkey-purge": "article-1"})
    answer = request(varnish, "/news/a/")
    assert (answer.status, answer.text) == (200, "v1")
