"""Reader pages read from a PostgreSQL streaming replica when one is configured.

DATABASE_REPLICA_URL names it (settings alias "replica"). Reads made while answering a reader's
GET go there; every write, the admin, the worker, and the few tables whose freshness decides
what readers see next (the purge journal, worker heartbeats, the task queue) stay on the primary.
"""

import time
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reader_request = ContextVar("reader_request", default=False)
# Read from the primary even in a reader's request: each is checked to decide what to show next.
PRIMARY_ONLY = {"caching.purgerecord", "desk.workerheartbeat", "django_tasks_db.dbtaskresult"}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reader_request.get() and model._meta.label_lower not in PRIMARY_ONLY:
            return REPLICA
        return None  # the primary ("default")

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication


class ReplicaReadsMiddleware:
    """Mark a reader's GET or HEAD (anything outside the admin) as readable from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reader = request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")
        token = _reader_request.set(reader)
        try:
            return self.get_response(request)
        finally:
            _reader_request.reset(token)


def replica_wait(*, timeout: float = 2.0) -> bool:
    """Wait until the replica has replayed everything the primary has committed so far.

    Called before a purge, so that a cache refetching the page reads the change from the
    replica rather than caching the old version again. True once caught up (or no replica);
    False if it is still behind after `timeout` seconds (the purge goes ahead regardless).
    """
    if not replica_configured():
        return True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target]
            )
            (caught_up,) = cursor.fetchone()
        if caught_up or time.monotonic() >= deadline:
            return bool(caught_up)
        time.sleep(0.005)
