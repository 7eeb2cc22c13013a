"""Static files as production serves them: collected, hashed, compressed, cached for a year."""

import gzip
import json
import subprocess
import sys
import urllib.request

import pytest

from bench.serving import (
    ROOT,
    Processes,
    broadsheet_command,
    free_port,
    production_environment,
    wait_for_http,
)

A_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """Broadsheet on granian with production settings, after `collectstatic`."""
    var_dir = tmp_path_factory.mktemp("production")
    env = production_environment(var_dir)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    processes = Processes(var_dir)
    port = free_port()
    server = processes.start("granian", broadsheet_command(port, workers=1), env=env)
    base = f"http://127.0.0.1:{port}"
    wait_for_http(base + "/healthz", process=server)
    manifest = json.loads((var_dir / "static" / "staticfiles.json").read_text())["paths"]
    yield base, manifest
    processes.stop_all()


def get(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


def a_stylesheet(manifest: dict[str, str]) -> tuple[str, str]:
    name = next(name for name in sorted(manifest) if name.endswith(".css"))
    return name, manifest[name]


def max_age(cache_control: str) -> int:
    directives = dict(
        part.strip().partition("=")[::2] for part in cache_control.split(",") if part.strip()
    )
    return int(directives["max-age"])


def test_a_hashed_static_file_is_cached_for_a_year_and_never_revalidated(production_server):
    base, manifest = production_server
    original, hashed = a_stylesheet(manifest)
    assert hashed != original  # the content's hash is in the name
    headers, _ = get(f"{base}/static/{hashed}")
    assert max_age(headers["Cache-Control"]) >= A_YEAR
    assert "immutable" in headers["Cache-Control"]


def test_a_browser_that_takes_gzip_gets_the_compressed_copy(production_server):
    base, manifest = production_server
    _, hashed = a_stylesheet(manifest)
    _, plain = get(f"{base}/static/{hashed}", **{"Accept-Encoding": "identity"})
    headers, body = get(f"{base}/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in headers["Vary"]
    assert len(body) < len(plain)
    assert gzip.decompress(body) == plain


def test_an_unhashed_name_is_not_cached_for_long(production_server):
    """The unhashed name gets new content on the next deploy: caches must ask again soon."""
    base, manifest = production_server
    original, _ = a_stylesheet(manifest)
    headers, _ = get(f"{base}/static/{original}")
    assert "immutable" not in headers["Cache-Control"]
    assert max_age(headers["Cache-Control"]) <= 3600
