"""The task queue in Redis (TASK_QUEUE=redis): RQ's worker, run as a lane of `desk_worker`.

RQ pops each job with a blocking list pop, so a job goes to exactly one of however many workers
run. Deferred tasks (a retry, a Telegram re-check) wait in RQ's scheduled registry; one worker at
a time (RQ's scheduler lock, refreshed each second, lapses 60 s after its holder dies) moves them
to the queue when due.
"""

import logging
import time

import django_rq
import redis
from django.conf import settings
from django.db import close_old_connections
from django_tasks_rq.backend import Job
from rq.scheduler import RQScheduler
from rq.timeouts import TimerDeathPenalty
from rq.worker import SimpleWorker

logger = logging.getLogger("broadsheet.desk.worker")


def redis_queue_configured() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"


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
        self.work(logging_level="WARNING")

    def schedule_run(self) -> None:
        """Move deferred jobs that are due into their queues, while this worker holds the lock."""
        scheduler = RQScheduler(self.queues, connection=self.connection, interval=1)
        while True:
            try:
                if scheduler.acquire_locks():
                    scheduler.enqueue_scheduled_jobs()
            except redis.RedisError as error:  # Redis restarting: try again in a moment
                logger.warning("Scheduling deferred tasks failed: %s", error)
            time.sleep(scheduler.interval)


def redis_lane(*, worker_id: str) -> RedisLane:
    queues = settings.TASKS["default"]["QUEUES"]  # in order: purges first
    return django_rq.get_worker(*queues, job_class=Job, worker_class=RedisLane, name=worker_id)
