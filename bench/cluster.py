"""`make cluster`: Broadsheet as several machines would run it, on loopback, on this one.

PostgreSQL (a private cluster in var/cluster/postgres, made with initdb on first use), Redis
(persistence off, as a queue and cache that may forget), two granian web servers, two
`desk_worker`s with TASK_QUEUE=redis, and Varnish with both web servers behind a round-robin
director with health probes (deploy/varnish/cluster.vcl). Every process is a child of this one,
each in its own process group, and all stop with it (Ctrl-C). bench/soak.py drives the same
cluster and breaks parts of it.

    python -m bench.cluster          # Varnish on http://127.0.0.1:8100/ (CLUSTER_PORT)
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from bench.serving import (
    ROOT,
    Processes,
    broadsheet_command,
    free_port,
    production_environment,
    wait_for_http,
)

VAR_DIR = Path(
    os.environ.get("CLUSTER_VAR_DIR")
    or Path(os.environ.get("BROADSHEET_VAR_DIR") or ROOT / "var") / "cluster"
)
WEB_SERVERS = ("web1", "web2")
WORKERS = ("worker1", "worker2")


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not versions:
        raise SystemExit(f"PostgreSQL's {name} is needed: apt-get install postgresql")
    return str(versions[-1])


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: a root developer's cluster runs as the postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


class Cluster:
    """The cluster's processes, each restartable by name (for the soak's faults)."""

    def __init__(self, *, port: int, log_dir: Path, extra_env: dict[str, str] | None = None):
        self.port = port
        self.processes = Processes(log_dir)
        self.running: dict[str, subprocess.Popen] = {}
        self.ports = {name: free_port() for name in ("postgres", "redis", *WEB_SERVERS)}
        self.pg_data = VAR_DIR / "postgres"
        self.database_url = f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/broadsheet"
        self.env = (
            production_environment(VAR_DIR)
            | {
                "DATABASE_URL": self.database_url,
                "REDIS_URL": f"redis://127.0.0.1:{self.ports['redis']}/0",
                "TASK_QUEUE": "redis",
                "VARNISH_URLS": f"http://127.0.0.1:{port}",
                "TRUSTED_PROXIES": "1",
                # One machine's counters, shared by all its processes (monitoring).
                "PROMETHEUS_MULTIPROC_DIR": str(VAR_DIR / "metrics"),
            }
            | (extra_env or {})
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._postgres_start()
        self.redis_start()
        self._prepare()
        for name in WEB_SERVERS:
            self.web_start(name)
        for name in WORKERS:
            self.worker_start(name)
        self._varnish_start()
        wait_for_http(self.url + "/healthz", process=self.running["varnish"])

    # PostgreSQL

    def _postgres_start(self) -> None:
        if not (self.pg_data / "PG_VERSION").exists():
            self.pg_data.mkdir(parents=True, exist_ok=True)
            if os.getuid() == 0:
                shutil.chown(self.pg_data, "postgres", "postgres")
            subprocess.run(
                _as_postgres(
                    [_postgres_bin("initdb"), "-D", str(self.pg_data), "-U", "postgres"]
                    + ["--auth=trust", "-E", "UTF8", "--no-instructions"]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
        command = [
            _postgres_bin("postgres"),
            "-D",
            str(self.pg_data),
            "-p",
            str(self.ports["postgres"]),
            "-k",
            str(self.pg_data),
            "-c",
            "listen_addresses=127.0.0.1",
        ]
        self.running["postgres"] = self.processes.start("postgres", _as_postgres(command))
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self._admin_url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self.running["postgres"].poll() is not None:
                    raise RuntimeError(self.processes.log_tail("postgres")) from None
                time.sleep(0.2)

    def _admin_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports['postgres']}/postgres"

    def postgres_restart(self) -> None:
        """A fast shutdown (clients cut off, as a crash or failover does), then start again."""
        process = self.running["postgres"]
        os.killpg(process.pid, signal.SIGINT)
        process.wait(30)
        self._postgres_start()

    def _prepare(self) -> None:
        with psycopg.connect(self._admin_url(), autocommit=True) as admin:
            if not admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'broadsheet'"
            ).fetchone():
                admin.execute("CREATE DATABASE broadsheet")
        for args in (
            ["migrate", "--noinput", "-v0"],
            ["demo_newsroom"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    # Redis, web servers, workers, Varnish

    def redis_start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.ports["redis"])]
        command += ["--save", "", "--appendonly", "no", "--dir", str(VAR_DIR)]
        self.running["redis"] = self.processes.start("redis", command)
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "-p", str(self.ports["redis"]), "ping"], capture_output=True
            ).stdout.strip()
            != b"PONG"
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(self.processes.log_tail("redis"))
            time.sleep(0.1)

    def redis_restart(self) -> None:
        self.processes.stop(self.running["redis"])
        self.redis_start()

    def web_start(self, name: str) -> None:
        command = broadsheet_command(self.ports[name], workers=1)
        self.running[name] = self.processes.start(name, command, env=self.env)
        wait_for_http(f"http://127.0.0.1:{self.ports[name]}/healthz", process=self.running[name])

    def worker_start(self, name: str) -> None:
        command = [sys.executable, "manage.py", "desk_worker"]
        self.running[name] = self.processes.start(name, command, env=self.env)

    def kill(self, name: str) -> None:
        """kill -9, as the out-of-memory killer or a power cut does."""
        os.killpg(self.running[name].pid, signal.SIGKILL)
        self.running[name].wait()

    def _varnish_start(self) -> None:
        local = VAR_DIR / "cluster-local.vcl"
        text = (ROOT / "deploy" / "varnish" / "cluster.vcl").read_text()
        text = text.replace('"8001"', f'"{self.ports["web1"]}"')
        local.write_text(text.replace('"8002"', f'"{self.ports["web2"]}"'))
        env = os.environ | {
            "VARNISH_LISTEN": f"127.0.0.1:{self.port}",
            "BROADSHEET_VAR_DIR": str(VAR_DIR),
            "VARNISH_LOCAL_VCL": str(local),
        }
        command = [str(ROOT / "deploy" / "varnish" / "run")]
        self.running["varnish"] = self.processes.start("varnish", command, env=env)

    def stop(self) -> None:
        self.processes.stop_all()


def main() -> int:
    port = int(os.environ.get("CLUSTER_PORT", "8100"))
    log_dir = VAR_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(port=port, log_dir=log_dir)
    try:
        cluster.start()
        print(f"Broadsheet's cluster is serving on {cluster.url}/ (Ctrl-C stops it)")
        for name, port_ in cluster.ports.items():
            print(f"  {name:<9} 127.0.0.1:{port_}")
        print(f"  logs in {log_dir}", flush=True)
        while all(process.poll() is None for process in cluster.running.values()):
            time.sleep(1)
        stopped = [name for name, process in cluster.running.items() if process.poll() is not None]
        print(f"{', '.join(stopped)} stopped; stopping the cluster", file=sys.stderr)
        return 1
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
