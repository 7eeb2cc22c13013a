"""Servers for the HTTP benchmarks: free loopback ports, child processes that never outlive the
benchmark, Broadsheet on its production web server, nginx, Varnish, and wrk's figures.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The load: wrk -t2 -c32 -d15s. BENCH_HTTP_SECONDS shortens it while developing.
WRK_THREADS = 2
WRK_CONNECTIONS = 32
WRK_SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "15"))
# Granian, one blocking thread per worker and a worker per core: chosen against gunicorn by
# measurement (README, "Running in production").
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", str(os.cpu_count() or 2)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(var_dir: Path) -> dict[str, str]:
    """Broadsheet's environment as a production box sets it, with its data in `var_dir`."""
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "BROADSHEET_ENV": "production",
        "BROADSHEET_VAR_DIR": str(var_dir),
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{var_dir / 'broadsheet.sqlite3'}"
        ),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "HTTPS": "false",  # plain HTTP on loopback
        "PYTHONUNBUFFERED": "1",
    }


class Processes:
    """Child processes, each in its own process group, all ended at exit, even on failure."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.children: list[tuple[str, subprocess.Popen]] = []
        atexit.register(self.stop_all)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum, frame):
        self.stop_all()
        sys.exit(128 + signum)

    def start(self, name: str, command: list[str], *, env=None, cwd=ROOT) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children.append((name, process))
        return process

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            except ProcessLookupError:
                pass

    def stop_all(self) -> None:
        while self.children:
            _, process = self.children.pop()
            self.stop(process)

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_for_http(url: str, *, process: subprocess.Popen | None = None, timeout=60.0) -> None:
    """Wait until `url` answers at all (any status), or fail with the reason."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"{url}: the server exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url}: no answer after {timeout:.0f} s") from None
            time.sleep(0.1)


def broadsheet_command(port: int, *, workers: int = WEB_WORKERS) -> list[str]:
    """Broadsheet's WSGI app on granian: `workers` processes, one blocking thread each."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
        "broadsheet.wsgi:application",
    ]


def nginx_serving(processes: Processes, root: Path, port: int) -> subprocess.Popen:
    """nginx in the foreground, as this user, serving `root` on 127.0.0.1:`port`."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = Path(tempfile.mkdtemp(prefix="nginx-", dir=processes.log_dir))
    workers = os.cpu_count() or 2
    (prefix / "nginx.conf").write_text(
        f"""daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    gzip_static on;
    open_file_cache max=64;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/html html; }}
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""
    )
    return processes.start("nginx", [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")])


def varnish_in_front(
    processes: Processes, *, backend_port: int, port: int, var_dir: Path
) -> subprocess.Popen:
    """deploy/varnish/run on 127.0.0.1:`port` in front of Broadsheet on `backend_port`."""
    env = os.environ | {
        "VARNISH_LISTEN": f"127.0.0.1:{port}",
        "BROADSHEET_PORT": str(backend_port),
        "BROADSHEET_VAR_DIR": str(var_dir),
    }
    return processes.start("varnish", [str(ROOT / "deploy" / "varnish" / "run")], env=env)


def varnish_backend_fetches(var_dir: Path) -> int | None:
    """How many requests the Varnish of varnish_in_front has sent to Broadsheet so far."""
    varnishstat = shutil.which("varnishstat") or "/usr/bin/varnishstat"
    done = subprocess.run(
        [varnishstat, "-n", str(var_dir / "varnish"), "-1", "-f", "MAIN.backend_req"],
        capture_output=True,
        text=True,
    )
    found = re.search(r"^MAIN\.backend_req\s+(\d+)", done.stdout, re.MULTILINE)
    return int(found.group(1)) if found else None


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def wrk_command(
    url: str,
    *,
    seconds: int,
    headers: dict[str, str] | None = None,
    connections: int = WRK_CONNECTIONS,
    script: Path | None = None,
) -> list[str]:
    """wrk with the issue's load against `url` (or `connections`, and a Lua `script`)."""
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    return command + [url]


def wrk(url: str, *, seconds: int = WRK_SECONDS, headers: dict[str, str] | None = None) -> Load:
    """Run wrk with the issue's load against `url` and read its figures."""
    command = wrk_command(url, seconds=seconds, headers=headers)
    return wrk_load(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def wrk_load(output: str) -> Load:
    """wrk's figures from its output (--latency); errors are socket errors and non-2xx/3xx."""
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    requests = int(re.search(r"^\s+(\d+) requests in", output, re.MULTILINE).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=_latency_ms(percentiles["50"]),
        p99_ms=_latency_ms(percentiles["99"]),
        requests=requests,
        errors=errors,
    )
