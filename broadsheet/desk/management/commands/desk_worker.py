"""The newsroom's worker: the publishing clock plus Django's task queue, in one process.

Run one beside the web server (`make run` does); more than one may run at once.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from broadsheet.caching.clock import ReleaseWatch
from broadsheet.desk.clock import publishing_clock_tick, worker_heartbeat, worker_identity
from broadsheet.desk.redis_queue import redis_lane, redis_queue_configured

logger = logging.getLogger("broadsheet.desk.worker")
# Seconds between heartbeats: often enough for health checks, rare enough not to load SQLite.
HEARTBEAT_EVERY = 1.0


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

        if not no_tasks and redis_queue_configured():
            # TASK_QUEUE=redis: RQ's worker takes the queue's jobs (broadsheet/desk/redis_queue.py).
            lane = redis_lane(worker_id=worker_id)
            threading.Thread(target=lane.run, name="redis-queue", daemon=True).start()
            threading.Thread(target=lane.schedule_run, name="redis-schedule", daemon=True).start()
        elif not no_tasks:
            tasks = Worker(
                queue_names=["*"],
                interval=max(interval, 0.5),
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            # The queue runs in a thread of this process; the clock keeps the main thread so a
            # long task never delays a story's go-live time.
            threading.Thread(target=tasks.run, name="tasks", daemon=True).start()

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
