import secrets

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from broadsheet.desk.clock import publishing_status
from broadsheet.monitoring.metrics import metrics_exposition
from broadsheet.monitoring.selectors import cache_check, database_check, task_queue_state


@never_cache
def readyz(request):
    """Readiness: 200 when the database and cache answer, a worker is alive and publishing is on
    time; 503 naming what is not."""
    checks = {"database": database_check(), "cache": cache_check()}
    body = {"status": "ok", **checks}
    if checks["database"] == "ok":
        publishing = publishing_status()
        queue = task_queue_state()
        lag_ok = publishing.lag_seconds <= settings.READY_PUBLISHING_LAG_SECONDS
        checks["worker"] = "ok" if publishing.worker_alive else "down"
        checks["publishing"] = "ok" if lag_ok else "late"
        body.update(
            worker=checks["worker"],
            publishing=checks["publishing"],
            publishing_lag_seconds=round(publishing.lag_seconds, 3),
            task_queue_depth=queue.depth,
            task_queue_oldest_age_seconds=round(queue.oldest_age_seconds, 3),
        )
    failing = sorted(name for name, state in checks.items() if state != "ok")
    if failing:
        body["status"] = "unready"
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
def metrics(request):
    """Prometheus's text format; for the monitoring network only (see METRICS_TOKEN)."""
    if not _may_scrape(request):
        return HttpResponse("Not found.\n", status=404, content_type="text/plain")
    body = metrics_exposition(multiprocess_dir=settings.PROMETHEUS_MULTIPROC_DIR)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        return secrets.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}")
    # Without a token only a scraper on this machine, talking to the server directly (a request
    # that came through Varnish or another proxy carries X-Forwarded-For).
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"} and not request.headers.get(
        "X-Forwarded-For"
    )
