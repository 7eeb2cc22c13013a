import json
import logging
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.desk.models import WorkerHeartbeat
from broadsheet.monitoring.logs import JsonLinesFormatter, RequestIdFilter
from broadsheet.sections.factories import SectionPageFactory
from tests.metrics import metric_value

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def section(db):
    return SectionPageFactory(title="Politics", slug="politics")


def beat(seconds_ago: float = 0) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id="test-worker",
        defaults=dict(
            hostname="localhost",
            pid=1,
            started_at=timezone.now() - timedelta(minutes=5),
            beat_at=timezone.now() - timedelta(seconds=seconds_ago),
        ),
    )


def test_ready_when_database_cache_and_worker_answer(client, db):
    beat()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert (body["database"], body["cache"], body["worker"], body["publishing"]) == ("ok",) * 4
    assert response["Cache-Control"].startswith("max-age=0")


def test_unready_without_a_live_worker(client, db):
    beat(seconds_ago=60)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_unready_when_a_story_is_late_to_go_live(client, section, settings):
    beat()
    article = section.add_child(instance=ArticlePage(title="Budget vote tonight", live=False))
    article.go_live_at = timezone.now() + timedelta(hours=1)
    article.save_revision().publish()
    # The approved time passes without a worker publishing it.
    revision = article.get_latest_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(seconds=90)
    revision.save(update_fields=["approved_go_live_at"])
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["publishing"]
    assert body["publishing_lag_seconds"] >= 90


def test_redis_is_the_shared_cache_when_configured(client, db, settings):
    beat()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    assert client.get("/readyz").json()["cache"] == "ok"
    # Redis down (nothing listens on this port): not ready, and the page says why.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["cache"].startswith("error:")


def test_requests_are_counted_by_view_and_status(client, section):
    article = ArticlePageFactory(parent=section, title="Harbour reopens")
    labels = dict(view="wagtail_serve", method="GET", status="200")
    before = metric_value(client, "broadsheet_http_requests_total", **labels)
    missing = dict(labels, status="404")
    missing_before = metric_value(client, "broadsheet_http_requests_total", **missing)
    for _ in range(3):
        assert client.get(article.url).status_code == 200
    assert client.get("/no-such-section/").status_code == 404
    assert metric_value(client, "broadsheet_http_requests_total", **labels) - before == 3
    assert metric_value(client, "broadsheet_http_requests_total", **missing) - missing_before == 1
    count = metric_value(
        client, "broadsheet_http_request_duration_seconds_count", view="wagtail_serve"
    )
    assert count >= 4


def test_metrics_are_for_the_monitoring_network_only(client, db, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    # Through Varnish or any proxy the request carries X-Forwarded-For: refused too.
    proxied = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 404
    settings.METRICS_TOKEN = "scrape-secret-for-tests"  # noqa: S105
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    allowed = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret-for-tests"
    )
    assert allowed.status_code == 200
    assert b"broadsheet_publishing_lag_seconds" in allowed.content


def queued(*, waited: float, run_after=None):
    """A row as the database queue writes it for a task no worker has taken yet."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    DBTaskResult.objects.create(
        task_path="broadsheet.caching.tasks.cache_purge_task",
        args_kwargs={"args": [], "kwargs": {"keys": ["latest"]}},
        backend_name="default",
        queue_name="default",
        priority=50,
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(run_after=run_after or get_date_max()).update(
        enqueued_at=timezone.now() - timedelta(seconds=waited)
    )


def test_task_queue_depth_and_age(client, db, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["purges", "default"]}
    }
    assert metric_value(client, "broadsheet_task_queue_depth") == 0
    assert metric_value(client, "broadsheet_task_queue_oldest_age_seconds") == 0
    queued(waited=30)
    queued(waited=30)
    # Deferred to the future: not due, not counted.
    queued(waited=300, run_after=timezone.now() + timedelta(minutes=5))
    assert metric_value(client, "broadsheet_task_queue_depth") == 2
    assert 30 <= metric_value(client, "broadsheet_task_queue_oldest_age_seconds") < 60


def test_counters_of_other_processes_are_summed(client, db):
    """A failure counted in the worker process shows on the web process's /metrics."""
    before = metric_value(client, "broadsheet_purge_failures_total", cache="varnish")
    code = (
        "import django; django.setup();"
        "from broadsheet.monitoring.metrics import PURGE_FAILURES;"
        "PURGE_FAILURES.labels('varnish').inc(2)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "broadsheet.settings.test"}
    subprocess.run([sys.executable, "-c", code], check=True, env=_env(env))
    assert metric_value(client, "broadsheet_purge_failures_total", cache="varnish") - before == 2


def _env(extra):
    import os

    env = dict(os.environ, **extra)
    env["PROMETHEUS_MULTIPROC_DIR"] = django_settings.PROMETHEUS_MULTIPROC_DIR
    return env


def test_every_response_carries_a_request_id(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    offered = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a9c21")
    assert offered["X-Request-ID"] == "edge-7f3a9c21"
    # An id a log reader could trip over is replaced, not echoed.
    hostile = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level":"ERROR')
    assert len(hostile["X-Request-ID"]) == 32


def test_log_lines_are_json_with_the_request_id(client, db):
    lines = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonLinesFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-section/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    record = json.loads(lines[-1])
    assert record["level"] == "WARNING"
    assert record["logger"] == "django.request"
    assert "/no-such-section/" in record["message"]
    assert record["request_id"] == response["X-Request-ID"]
    assert "time" in record
