"""Reads for health checks and metrics: the task queue, and whether each dependency answers."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min, Q
from django.tasks import task_backends
from django.utils import timezone


@dataclass(frozen=True)
class QueueState:
    depth: int
    oldest_age_seconds: float


def task_queue_state() -> QueueState:
    """Tasks due to run in the default queue, and how long the oldest of them has waited."""
    backend = task_backends["default"]
    if backend.__class__.__module__.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        due = DBTaskResult.objects.ready()
        # A task is due since it was enqueued, or since its run_after time when it was deferred.
        since = due.aggregate(
            enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
            deferred=Min("run_after", filter=~Q(run_after=get_date_max())),
        )
        oldest = min((moment for moment in since.values() if moment), default=None)
        return QueueState(
            depth=due.count(),
            oldest_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
        )
    # Inline backends (tests, `immediate`) hold nothing back.
    return QueueState(depth=0, oldest_age_seconds=0.0)


def database_check() -> str:
    """'ok', or what went wrong talking to the database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "not ready", never a 500 page
        return f"error: {str(error)[:200]}"
    return "ok"


def cache_check() -> str:
    """'ok', or what went wrong writing to and reading from the shared cache."""
    try:
        cache.set("broadsheet:readyz", "ok", timeout=10)
        if cache.get("broadsheet:readyz") != "ok":
            return "error: the cache did not keep a value"
    except Exception as error:  # Redis down, refused, timed out
        return f"error: {str(error)[:200]}"
    return "ok"


def publishing_lag_limit() -> float:
    return settings.READY_PUBLISHING_LAG_SECONDS
