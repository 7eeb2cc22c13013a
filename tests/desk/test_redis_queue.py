"""The task queue in Redis (TASK_QUEUE=redis) with two real `desk_worker` processes at once."""

import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis

from broadsheet.caching.models import PurgeRecord
from tests.conftest import database_url_for_tests

ROOT = Path(__file__).resolve().parents[2]
# A database of Redis's own for this test, emptied before and after.
REDIS_URL = "redis://127.0.0.1:6379/14"
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def redis_queue():
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    env = {
        "TASK_QUEUE": "redis",
        "REDIS_URL": REDIS_URL,
        # The journal the page cache reads: each purge task writes one record, which the test
        # counts to see which tasks ran and how often.
        "PAGE_CACHE": "true",
        "VARNISH_URLS": "",
    }
    yield env
    server.flushdb()


def enqueue(env: dict[str, str], script: str) -> str:
    """Queue tasks as the web process does, in a process configured like the workers."""
    environment = (
        os.environ
        | env
        | {
            "DATABASE_URL": database_url_for_tests(),
            "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        }
    )
    code = "import django\ndjango.setup()\n" + textwrap.dedent(script)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def journalled(prefix: str) -> Counter:
    return Counter(
        key
        for keys in PurgeRecord.objects.values_list("keys", flat=True)
        for key in keys.split()
        if key.startswith(prefix)
    )


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_two_workers_run_each_task_exactly_once(desk_workers, redis_queue):
    first, second = desk_workers(redis_queue), desk_workers(redis_queue)
    first.start()
    second.start()
    enqueue(
        redis_queue,
        """
        from broadsheet.caching.tasks import cache_purge_task
        for number in range(60):
            cache_purge_task.enqueue(keys=[f"queued-{number}"])
        """,
    )
    assert wait_for(lambda: len(journalled("queued-")) == 60, timeout=60)
    time.sleep(1)  # a task run twice would show by now
    counts = journalled("queued-")
    assert set(counts) == {f"queued-{number}" for number in range(60)}
    assert set(counts.values()) == {1}
    # Redis holds nothing back: every job was taken and finished.
    queue = redis.Redis.from_url(REDIS_URL)
    assert queue.llen("rq:queue:default") == 0


def test_a_task_queued_inside_a_transaction_reaches_redis_when_it_commits(redis_queue):
    """Wagtail queues a story's indexing from inside its publish: a worker taking the job before
    the commit would not find the story, and it would never be searchable."""
    out = enqueue(
        redis_queue,
        """
        import redis
        from django.conf import settings
        from django.db import transaction
        from broadsheet.caching.tasks import cache_purge_task

        queue = redis.Redis.from_url(settings.RQ_QUEUES["purges"]["URL"])
        with transaction.atomic():
            cache_purge_task.enqueue(keys=["in-a-transaction"])
            print("inside", queue.llen("rq:queue:purges"))
        print("after", queue.llen("rq:queue:purges"))
        with transaction.atomic():
            cache_purge_task.enqueue(keys=["rolled-back"])
            transaction.set_rollback(True)
        print("rolled back", queue.llen("rq:queue:purges"))
        """,
    )
    assert out.split("\n")[:3] == ["inside 0", "after 1", "rolled back 1"]


def test_a_deferred_task_runs_when_due(desk_workers, redis_queue):
    desk_workers(redis_queue).start()
    out = enqueue(
        redis_queue,
        """
        from datetime import timedelta
        from django.utils import timezone
        from broadsheet.caching.tasks import cache_purge_task
        due = timezone.now() + timedelta(seconds=2)
        cache_purge_task.using(run_after=due).enqueue(keys=["deferred-retry"])
        print(due.isoformat())
        """,
    )
    due = datetime.fromisoformat(out.strip())
    assert wait_for(lambda: journalled("deferred-"), timeout=30)
    assert journalled("deferred-") == Counter({"deferred-retry": 1})
    # When due, and within seconds of it (the scheduler looks every second). RQ keeps run times
    # in whole seconds, so a deferred task may start up to a second early.
    ran_at = PurgeRecord.objects.get(keys="deferred-retry").at
    assert due - timedelta(seconds=1) <= ran_at <= due + timedelta(seconds=15)


def test_a_worker_killed_between_tasks_loses_nothing(desk_workers, redis_queue):
    """One of two workers dies abruptly; the other takes every task still queued."""
    doomed, survivor = desk_workers(redis_queue), desk_workers(redis_queue)
    doomed.start()
    survivor.start()
    doomed.kill()
    enqueue(
        redis_queue,
        """
        from broadsheet.caching.tasks import cache_purge_task
        for number in range(20):
            cache_purge_task.enqueue(keys=[f"after-kill-{number}"])
        """,
    )
    assert wait_for(lambda: len(journalled("after-kill-")) == 20, timeout=60)
    assert set(journalled("after-kill-").values()) == {1}
