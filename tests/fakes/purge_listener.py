"""A stand-in for Varnish's purge side on loopback: real HTTP, every request recorded.

It answers `PURGE` as deploy/varnish/broadsheet.vcl does (200), or with a status a test sets for
the next N requests, so a test sees exactly what the worker sent and how it copes with failures.
"""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    host: str
    xkey_purge: str | None

    @property
    def keys(self) -> list[str]:
        return (self.xkey_purge or "").split()


class _Handler(BaseHTTPRequestHandler):
    server: "PurgeListener"

    def do_PURGE(self):
        listener = self.server
        with listener.lock:
            listener.received.append(
                Received(
                    method=self.command,
                    path=self.path,
                    host=self.headers.get("Host", ""),
                    xkey_purge=self.headers.get("xkey-purge"),
                )
            )
            status = 200
            if listener.failures:
                listener.failures -= 1
                status = listener.failure_status
        body = b"Purged" if status == 200 else b"Refused"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class PurgeListener(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.failures = 0
        self.failure_status = 503

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, count: int, *, status: int = 503) -> None:
        with self.lock:
            self.failures, self.failure_status = count, status

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.failures = 0

    def purged_keys(self) -> set[str]:
        return {key for request in self.received for key in request.keys}

    def start(self) -> "PurgeListener":
        threading.Thread(target=self.serve_forever, name="purge-listener", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
