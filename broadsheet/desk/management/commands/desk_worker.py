"""The newsroom's worker: the publishing clock plus Django's task queue, in one process.

Run one beside the web server (`make run` does); more than one may run at once.
"""

import logging
import signal
import threading
import time
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from broadsheet.caching.clock import ReleaseWatch
from broadsheet.caching.tasks import PURGE_QUEUE
from broadsheet.desk.clock import publishing_clock_tick, worker_heartbeat, worker_identity
from broadsheet.desk.redis_queue import RedisRestartWatch, redis_lane, redis_queue_configured

logger = logging.getLogger("broadsheet.desk.worker")
# Seconds between heartbeats: often enough for health checks, rare enough not to load SQLite.
HEARTBEAT_EVERY = 1.0
# Purges have a lane of their own, looked at this often (seconds), so a change reaches readers
# without waiting behind slower work (ranking Read also takes seconds of processor).
PURGE_LANE_INTERVAL = 0.1
# After a change's purges, other tasks wait this long (seconds, the freshness target): the pages
# the purge emptied are rendered again first, without this process competing with the web
# servers for the processor. Never longer than that before each task, so a stream of changes
# cannot hold background work up for good.
READERS_FIRST = 2.0


class TaskLane(Worker):
    """django-tasks-db's worker, taking only the tasks `wanted` picks.

    A lane that `yields_to` another holds back while that one has tasks waiting, and for
    `quiet` seconds after it ran one, unless this lane's own task queued it (Read also's
    purges follow its ranking: holding back for those would slow a backlog to a crawl); it
    holds back at most `quiet` seconds before each task of its own.
    """

    def __init__(
        self,
        *,
        wanted: Q,
        interval: float,
        worker_id: str,
        yields_to: "TaskLane | None" = None,
        quiet: float = 0.0,
    ):
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.wanted = wanted
        self.yields_to = yields_to
        self.quiet = quiet
        # When this lane last ran a task queued from outside it (time.monotonic()).
        self.busy_at = float("-inf")
        # Since when this lane has held back for the one it yields to.
        self.yielding_since: float | None = None
        # The span of this lane's current or last task (wall clock, as tasks are stamped).
        self.task_span: tuple[datetime, datetime | None] | None = None
        self.follows: TaskLane | None = None
        if yields_to is not None:
            yields_to.follows = self

    def waiting(self):
        return DBTaskResult.objects.ready().filter(self.wanted, backend_name=self.backend_name)

    def queued_by_me(self, task_result: DBTaskResult) -> bool:
        span = self.task_span
        if span is None:
            return False
        started, finished = span
        return started <= task_result.enqueued_at and (
            finished is None or task_result.enqueued_at <= finished
        )

    def yielding(self) -> bool:
        other = self.yields_to
        if other is None:
            return False
        now = time.monotonic()
        if now - other.busy_at >= self.quiet and not other.waiting().exists():
            self.yielding_since = None
            return False
        if self.yielding_since is None:
            self.yielding_since = now
        return now - self.yielding_since < self.quiet

    def run(self) -> None:
        while self.running:
            close_old_connections()
            task_result = None
            # Plain reads first: the claim below takes SQLite's write lock.
            if self.waiting().exists() and not self.yielding():
                tasks = self.waiting()
                try:
                    with exclusive_transaction(tasks.db):
                        task_result = tasks.get_locked()
                        if task_result is not None:
                            task_result.claim(self.worker_id)
                except OperationalError as error:
                    if not is_locked_database_exception(error):
                        raise
            if task_result is None:
                time.sleep(self.interval)
                continue
            from_outside = self.follows is None or not self.follows.queued_by_me(task_result)
            if from_outside:
                self.busy_at = time.monotonic()
            self.task_span = (timezone.now(), None)
            self.yielding_since = None
            self.run_task(task_result)
            self.task_span = (self.task_span[0], timezone.now())
            if from_outside:
                self.busy_at = time.monotonic()


class Command(BaseCommand):
    help = "Publish and expire stories on time and run background tasks, until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.DESK_CLOCK_INTERVAL,
            help="Seconds between looks at the schedule (default: %(default)s).",
        )
        parser.add_argument(
            "--no-tasks", action="store_true", help="Run only the publishing clock."
        )

    def handle(self, *args, interval: float, no_tasks: bool, **options):
        worker_id = worker_identity()
        started_at = timezone.now()
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())

        restarts = None
        if not no_tasks and redis_queue_configured():
            # TASK_QUEUE=redis: RQ's worker takes the queue's jobs (broadsheet/desk/redis_queue.py).
            lane = redis_lane(worker_id=worker_id)
            threading.Thread(target=lane.run, name="redis-queue", daemon=True).start()
            threading.Thread(target=lane.schedule_run, name="redis-schedule", daemon=True).start()
            # As with the database queue, purges also have a lane of their own: a change reaches
            # readers while the other lane spends seconds on a Telegram upload or Read also.
            purge_lane = redis_lane(worker_id=f"{worker_id}:purges", queues=[PURGE_QUEUE])
            threading.Thread(target=purge_lane.run, name="redis-purges", daemon=True).start()
            # Jobs Redis lost in a restart are queued again from the database.
            restarts = RedisRestartWatch()
        elif not no_tasks:
            urgent = Q(queue_name=PURGE_QUEUE)
            purges = TaskLane(wanted=urgent, interval=PURGE_LANE_INTERVAL, worker_id=worker_id)
            lanes = {
                "purges": purges,
                "tasks": TaskLane(
                    wanted=~urgent,
                    interval=max(interval, 0.5),
                    worker_id=worker_id,
                    yields_to=purges,
                    quiet=READERS_FIRST,
                ),
            }
            # The queue runs in threads of this process; the clock keeps the main thread so a
            # long task never delays a story's go-live time.
            for name, lane in lanes.items():
                threading.Thread(target=lane.run, name=name, daemon=True).start()

        self.stdout.write(f"Desk worker {worker_id} running; clock every {interval}s.")
        self.stdout.flush()
        last_beat = 0.0
        # Embargoes end and banners expire with no signal: the clock purges the pages they change.
        releases = ReleaseWatch.starting()
        while not stopping.is_set():
            close_old_connections()
            try:
                if time.monotonic() - last_beat >= HEARTBEAT_EVERY:
                    worker_heartbeat(worker_id=worker_id, started_at=started_at)
                    last_beat = time.monotonic()
                report = publishing_clock_tick()
                releases.tick()
                if restarts is not None:
                    restarts.tick()
                if report.published or report.expired or report.released:
                    self.stdout.write(
                        f"{timezone.now():%H:%M:%S} published {len(report.published)}, "
                        f"expired {len(report.expired)}, released {len(report.released)}"
                    )
                    self.stdout.flush()
            except Exception:
                # A database restart or lock must not kill the clock: log, wait, try again.
                logger.exception("Publishing clock tick failed")
            stopping.wait(interval)
        self.stdout.write(f"Desk worker {worker_id} stopped.")
