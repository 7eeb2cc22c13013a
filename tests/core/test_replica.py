"""Reader pages read from a real PostgreSQL streaming replica; writes and the admin don't.

The test builds its own pair of clusters on loopback (initdb, then pg_basebackup of the primary
with streaming replication), so it needs PostgreSQL's server binaries, not the machine's cluster.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = [
    pytest.mark.skipif(not BINARIES, reason="needs PostgreSQL's server binaries"),
    # It runs in the PostgreSQL pass of CI, where the suite is about PostgreSQL.
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL pass only"),
]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(*command: str) -> None:
    # The server refuses to run as root; CI runs as root, a developer perhaps as themselves.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def clusters():
    """A primary and its streaming replica on free loopback ports; their database URLs."""
    # Not under pytest's own temporary directory, which the postgres user cannot enter.
    base = Path(tempfile.mkdtemp(prefix="broadsheet-replication-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    bin_dir = BINARIES[-1]
    primary, replica = base / "primary", base / "replica"
    ports = free_port(), free_port()
    as_postgres(f"{bin_dir}/initdb", "-D", str(primary), "-U", "postgres", "--auth=trust")
    options = f"-c listen_addresses=127.0.0.1 -k {base} -c fsync=off"
    started = []
    try:
        as_postgres(
            f"{bin_dir}/pg_ctl",
            "-D",
            str(primary),
            "-w",
            "-o",
            f"-p {ports[0]} {options}",
            "-l",
            str(base / "primary.log"),
            "start",
        )
        started.append(primary)
        # A base backup that writes its own standby settings (-R) and streams WAL while copying.
        as_postgres(
            f"{bin_dir}/pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(ports[0]),
            "-U",
            "postgres",
            "-D",
            str(replica),
            "-R",
            "-X",
            "stream",
        )
        as_postgres(
            f"{bin_dir}/pg_ctl",
            "-D",
            str(replica),
            "-w",
            "-o",
            f"-p {ports[1]} {options}",
            "-l",
            str(base / "replica.log"),
            "start",
        )
        started.append(replica)
        as_postgres(
            f"{bin_dir}/createdb",
            "-h",
            "127.0.0.1",
            "-p",
            str(ports[0]),
            "-U",
            "postgres",
            "broadsheet",
        )
        yield tuple(f"postgres://postgres@127.0.0.1:{port}/broadsheet" for port in ports)
    finally:
        for data in reversed(started):
            as_postgres(f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


def run(script: str, *, primary: str, replica: str, tmp_path) -> str:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "BROADSHEET_VAR_DIR": str(tmp_path),
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URL": replica,
        "PAGE_CACHE": "false",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_reader_pages_read_from_the_replica(clusters, tmp_path):
    primary, replica = clusters
    out = run(
        """
        import django
        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from broadsheet.core.replicas import replica_wait

        call_command("migrate", verbosity=0)
        from django.contrib.auth.models import User
        from broadsheet.articles.factories import ArticlePageFactory
        from broadsheet.sections.factories import SectionPageFactory

        section = SectionPageFactory(title="Politics", slug="politics")
        article = ArticlePageFactory(parent=section, title="Harbour reopens after the storm")
        editor = User.objects.create_superuser("chief", "chief@example.org", "pw-for-tests-only")

        # The replica is read-only: a write sent there would fail, so none may be.
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            print("replica in recovery:", cursor.fetchone()[0])
        print("caught up:", replica_wait(timeout=10))

        def besides_the_journal(queries):
            # The purge journal is read on the primary by design (core/replicas.py), at most
            # every poll interval, by the page cache and the reader memo (caching/memo.py).
            return [q for q in queries if '"caching_purgerecord"' not in q["sql"]]

        client = Client()
        # The outlet's settings row is created on the site's first visit: a write, to the primary.
        client.get("/")
        replica_wait(timeout=10)
        import time
        time.sleep(0.3)  # the journal is due to be read again, as it is every 250 ms
        with CaptureQueriesContext(connections["default"]) as on_primary, \\
                CaptureQueriesContext(connections["replica"]) as on_replica:
            response = client.get(article.url)
        print("reader status:", response.status_code)
        print("headline shown:", b"Harbour reopens after the storm" in response.content)
        print("reader queries on primary:", len(besides_the_journal(on_primary)))
        print("reader queries on replica:", len(on_replica) > 0)

        # Search, the costliest reader query, reads the replica too (raw SQL included).
        with CaptureQueriesContext(connections["default"]) as on_primary, \\
                CaptureQueriesContext(connections["replica"]) as on_replica:
            response = client.get("/search/", {"q": "harbour storm"})
        print("search status:", response.status_code)
        print("search found:", b"1 result for" in response.content)
        print("search queries on primary:", len(besides_the_journal(on_primary)))
        print("search queries on replica:", len(on_replica) > 0)

        client.force_login(editor)
        with CaptureQueriesContext(connections["default"]) as on_primary, \\
                CaptureQueriesContext(connections["replica"]) as on_replica:
            response = client.get(f"/admin/pages/{article.pk}/edit/")
        print("admin status:", response.status_code)
        print("admin queries on replica:", len(on_replica))
        print("admin queries on primary:", len(on_primary) > 0)
        """,
        primary=primary,
        replica=replica,
        tmp_path=tmp_path,
    )
    assert "replica in recovery: True" in out
    assert "caught up: True" in out
    assert "reader status: 200" in out
    assert "headline shown: True" in out
    assert "reader queries on primary: 0" in out
    assert "reader queries on replica: True" in out
    assert "search status: 200" in out
    assert "search found: True" in out
    assert "search queries on primary: 0" in out
    assert "search queries on replica: True" in out
    assert "admin status: 200" in out
    assert "admin queries on replica: 0" in out
    assert "admin queries on primary: True" in out
