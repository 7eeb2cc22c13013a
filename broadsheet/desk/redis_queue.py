"""The task queue in Redis (TASK_QUEUE=redis): RQ's worker, run as a lane of `desk_worker`.

RQ pops each job with a blocking list pop, so a job goes to exactly one of however many workers
run. Deferred tasks (a retry, a Telegram re-check) wait in RQ's scheduled registry; one worker at
a time (RQ's scheduler lock, refreshed each second, lapses 60 s after its holder dies) moves them
to the queue when due.

Redis without persistence forgets its jobs when it restarts, and a job queued while it was down
never got there. The publishing clock lives in the database, so stories still go live on time;
what such a job would have done afterwards (a purge, a Telegram post) is recovered by
`RedisRestartWatch`: when a worker starts, or sees Redis come back as a new server, it queues
again the purges and Telegram syncs of every story changed recently. Both are safe to repeat: a
purge twice costs a page render, and a Telegram sync compares the story with its delivery record
before it sends anything (distribution/telegram/services.py).
"""

import contextlib
import logging
import time
from datetime import datetime, timedelta

import django_rq
import redis
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id
from django_tasks_rq.backend import Job, RQBackend
from rq.scheduler import RQScheduler
from rq.timeouts import TimerDeathPenalty
from rq.worker import SimpleWorker

logger = logging.getLogger("broadsheet.desk.worker")


def redis_queue_configured() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "broadsheet.desk.redis_queue.RedisQueueBackend"


class RedisQueueBackend(RQBackend):
    """django-tasks-rq's backend, except that a task queued inside a transaction goes to Redis
    when it commits, and a task due now that Redis cannot take runs in this process instead:
    Wagtail's search indexing queues a task inside the publish's transaction, and a Redis outage
    must not stop stories from going live."""

    def enqueue(self, task, args, kwargs):
        if transaction.get_connection().in_atomic_block:
            # Wagtail and modelsearch queue their indexing from post_save, inside the publish's
            # transaction: a Redis worker took the job before the page was committed and failed
            # with DoesNotExist (`make soak`), leaving the story out of search. The database
            # queue never had this, its row commits with the page; here the job waits for it.
            self.validate_task(task)
            transaction.on_commit(lambda: self._enqueue_now(task, args, kwargs), robust=True)
            return TaskResult(
                task=task,
                id=get_random_id(),
                status=TaskResultStatus.READY,
                enqueued_at=None,
                started_at=None,
                last_attempted_at=None,
                finished_at=None,
                args=args,
                kwargs=kwargs,
                backend=self.alias,
                errors=[],
                worker_ids=[],
            )
        return self._enqueue_now(task, args, kwargs)

    def _enqueue_now(self, task, args, kwargs):
        try:
            return super().enqueue(task, args, kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            if task.run_after is not None:
                raise  # a retry for later: RedisRestartWatch queues it again once Redis is back
            logger.warning("Redis unavailable (%s): running %s in this process", error, task.name)
            inline = ImmediateBackend(self.alias, {"QUEUES": sorted(self.queues)})
            return inline.enqueue(task, args, kwargs)


class RedisLane(SimpleWorker):
    """RQ's in-process worker, in a thread of desk_worker: the publishing clock keeps the main
    thread, and with it the signal handlers."""

    # A job's time limit by timer thread: SIGALRM can only be handled in the main thread.
    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):
        pass  # desk_worker stops on SIGINT/SIGTERM, and this thread with it

    def execute_job(self, job, queue):
        # Each job starts with a usable database connection (the database may have restarted
        # since the last one) and leaves none half-open.
        close_old_connections()
        try:
            super().execute_job(job, queue)
        finally:
            close_old_connections()

    def run(self) -> None:
        # RQ's own scheduler would fork a process from this threaded one; schedule_run (another
        # thread) does its work instead.
        # The lane runs as long as desk_worker does. RQ's loop ends without raising on an error
        # it does not handle (Redis gone while it finished a job, a timeout: `make soak` lost a
        # worker's purge lane so) and raises when Redis stays away for a few seconds: either way,
        # wait a moment and start it again.
        while True:
            try:
                self.work(logging_level="WARNING")
                logger.warning("The Redis queue stopped; starting it again")
            except redis.RedisError as error:
                logger.warning("Redis unavailable, the queue waits for it: %s", error)
            time.sleep(1)
            with contextlib.suppress(redis.RedisError):
                self.register_death()

    def schedule_run(self) -> None:
        """Move deferred jobs that are due into their queues, while this worker holds the lock."""
        # Quiet, as the worker itself: each lock taken would be logged at INFO.
        scheduler = RQScheduler(
            self.queues, connection=self.connection, interval=1, logging_level="WARNING"
        )
        while True:
            try:
                if scheduler.acquire_locks():
                    scheduler.enqueue_scheduled_jobs()
            except redis.RedisError as error:  # Redis restarting: try again in a moment
                logger.warning("Scheduling deferred tasks failed: %s", error)
            time.sleep(scheduler.interval)


def redis_lane(*, worker_id: str, queues: list[str] | None = None) -> RedisLane:
    queues = queues or settings.TASKS["default"]["QUEUES"]  # in order: purges first
    return django_rq.get_worker(*queues, job_class=Job, worker_class=RedisLane, name=worker_id)


# How often a worker asks Redis who it is (seconds).
RESTART_CHECK_EVERY = 1.0


def redis_queue_recover(*, since: datetime) -> tuple[list[int], list[int]]:
    """Queue again the purges and Telegram syncs of what changed since `since`, and the syncs
    of every Telegram delivery not yet settled; returns the pages and stories queued."""
    from broadsheet.caching.tasks import page_purge_task
    from broadsheet.desk.selectors import pages_changed_since
    from broadsheet.distribution.telegram.selectors import telegram_deliveries_unsettled
    from broadsheet.distribution.telegram.tasks import telegram_delivery_sync_task

    changed = pages_changed_since(since=since)
    # Catching up goes behind today's work: a change made now keeps the purge queue to itself.
    catch_up = page_purge_task.using(queue_name="default")
    for page_id, _ in changed:
        catch_up.enqueue(page_id=page_id)
    articles = {page_id for page_id, is_article in changed if is_article}
    for article_id in sorted(articles | set(telegram_deliveries_unsettled())):
        telegram_delivery_sync_task.enqueue(article_id=article_id, changed=article_id in articles)
    return [page_id for page_id, _ in changed], sorted(articles)


class RedisRestartWatch:
    """Recover the jobs Redis may have lost, at the worker's start and after each Redis restart
    (Redis's run_id changes with every start)."""

    def __init__(self):
        self.connection = django_rq.get_connection(settings.TASKS["default"]["QUEUES"][0])
        self.run_id: str | None = None
        self.checked_at = float("-inf")

    def tick(self) -> bool:
        """True when this tick queued the recovery."""
        if time.monotonic() - self.checked_at < RESTART_CHECK_EVERY:
            return False
        self.checked_at = time.monotonic()
        try:
            run_id = self.connection.info("server")["run_id"]
        except redis.RedisError:
            return False  # down: the server that answers next tells whether it restarted
        if run_id == self.run_id:
            return False
        # A cached page older than its lifetime is gone from every cache already; a change
        # older than that needs no purge. https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.10
        lifetime = timedelta(seconds=settings.READER_CACHE_CONTROL["s-maxage"])
        try:
            pages, stories = redis_queue_recover(since=timezone.now() - lifetime)
        except redis.RedisError as error:
            logger.warning("Re-queueing after a Redis restart failed, will retry: %s", error)
            return False
        if self.run_id is not None:
            logger.warning(
                "Redis restarted: queued again %d purges and Telegram syncs of %d stories",
                len(pages),
                len(stories),
            )
        self.run_id = run_id
        return True
