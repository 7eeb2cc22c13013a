"""The publishing clock: stories go live and expire on time, whoever is visiting the site.

Wagtail records a scheduled publication as a revision with `approved_go_live_at` and an expiry
as `expire_at` on a live page, but only acts on them when `publish_scheduled` runs. The worker
calls `publishing_clock_tick()` several times a second instead. Each item is handled in its own
transaction after re-reading it under a lock, so two workers, or a worker restarted after a
crash, publish every item exactly once and in time order.
"""

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Revision

from broadsheet.desk.models import WorkerHeartbeat
from broadsheet.desk.queue import queue_release_due

logger = logging.getLogger("broadsheet.desk.clock")


@dataclass(frozen=True)
class TickReport:
    published: list[int]
    expired: list[int]
    released: list[int]


def due_revisions(*, now: datetime):
    return Revision.objects.filter(approved_go_live_at__lte=now).order_by(
        "approved_go_live_at", "pk"
    )


def expired_pages(*, now: datetime):
    return Page.objects.filter(live=True, expire_at__lte=now).order_by("expire_at", "pk")


def scheduled_revision_publish(*, revision_id: int, now: datetime) -> bool:
    """Publish one scheduled revision if it is still due; False if someone else already did."""
    with transaction.atomic():
        revision = (
            Revision.objects.select_for_update()
            .filter(pk=revision_id, approved_go_live_at__lte=now)
            .first()
        )
        if revision is None:
            return False
        # Publishing clears approved_go_live_at in the same transaction: the marker of "done".
        revision.publish(log_action="wagtail.publish.scheduled")
    return True


def scheduled_page_expire(*, page_id: int, now: datetime) -> bool:
    with transaction.atomic():
        page = (
            Page.objects.select_for_update()
            .filter(pk=page_id, live=True, expire_at__lte=now)
            .first()
        )
        if page is None:
            return False
        page.specific.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    return True


def publishing_clock_tick(*, now: datetime | None = None) -> TickReport:
    """Expire and publish everything due by `now`, oldest first."""
    now = now or timezone.now()
    expired = [
        page_id
        for page_id in expired_pages(now=now).values_list("pk", flat=True)
        if scheduled_page_expire(page_id=page_id, now=now)
    ]
    published = []
    for revision_id in due_revisions(now=now).values_list("pk", flat=True):
        try:
            if scheduled_revision_publish(revision_id=revision_id, now=now):
                published.append(revision_id)
        except Exception:
            # One broken revision must not hold up the rest of the queue.
            logger.exception("Scheduled revision %s could not be published", revision_id)
    for revision_id in published:
        logger.info("Published scheduled revision %s", revision_id)
    released = queue_release_due(now=now)
    return TickReport(published=published, expired=expired, released=released)


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_heartbeat(*, worker_id: str, started_at: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


@dataclass(frozen=True)
class PublishingStatus:
    worker_beat_at: datetime | None
    worker_alive: bool
    oldest_overdue_at: datetime | None
    lag_seconds: float

    @property
    def late(self) -> bool:
        return not self.worker_alive or self.lag_seconds > 2


def publishing_status(*, now: datetime | None = None) -> PublishingStatus:
    """The worker's last heartbeat and how late the oldest due item is: for health checks."""
    now = now or timezone.now()
    beat_at = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    oldest = due_revisions(now=now).values_list("approved_go_live_at", flat=True).first()
    return PublishingStatus(
        worker_beat_at=beat_at,
        worker_alive=bool(
            beat_at and now - beat_at < timedelta(seconds=settings.DESK_WORKER_STALE_AFTER)
        ),
        oldest_overdue_at=oldest,
        lag_seconds=(now - oldest).total_seconds() if oldest else 0.0,
    )
