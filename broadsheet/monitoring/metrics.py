"""The metrics /metrics exposes, in Prometheus's text format.

Counters and histograms are kept per process and summed over every web and worker process of a
machine through prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set in
settings), so a purge that failed in the worker shows on the web's /metrics. Queue depth and
publishing lag are read from the database when /metrics is scraped: they are the newsroom's state,
not a process's.
"""

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "broadsheet_http_requests_total",
    "HTTP requests answered, by view and status.",
    ["view", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "broadsheet_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    # Cached pages answer in well under a millisecond, uncached ones in tens of milliseconds.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TELEGRAM_FAILURES = Counter(
    "broadsheet_telegram_failures_total",
    "Telegram Bot API calls for a story that failed, by action.",
    ["action"],
)
PURGE_FAILURES = Counter(
    "broadsheet_purge_failures_total",
    "Purges a frontend cache refused or did not answer, by cache.",
    ["cache"],
)


class NewsroomCollector:
    """Gauges read from the database at scrape time: task queue, worker and publishing lag."""

    def collect(self):
        from broadsheet.desk.clock import publishing_status
        from broadsheet.monitoring.selectors import task_queue_state

        queue = task_queue_state()
        depth = GaugeMetricFamily(
            "broadsheet_task_queue_depth", "Tasks waiting to run (due or not)."
        )
        depth.add_metric([], queue.depth)
        yield depth
        age = GaugeMetricFamily(
            "broadsheet_task_queue_oldest_age_seconds",
            "How long the oldest task due to run has waited (0 when none is).",
        )
        age.add_metric([], queue.oldest_age_seconds)
        yield age
        publishing = publishing_status()
        lag = GaugeMetricFamily(
            "broadsheet_publishing_lag_seconds",
            "How late the oldest story due to go live is (0 when none is overdue).",
        )
        lag.add_metric([], publishing.lag_seconds)
        yield lag
        alive = GaugeMetricFamily(
            "broadsheet_worker_up", "1 while a desk worker's heartbeat is fresh."
        )
        alive.add_metric([], 1.0 if publishing.worker_alive else 0.0)
        yield alive


def metrics_exposition(*, multiprocess_dir: str) -> bytes:
    """Every metric, summed over the processes sharing `multiprocess_dir` (this machine's)."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=multiprocess_dir)
    registry.register(NewsroomCollector())
    return generate_latest(registry)
