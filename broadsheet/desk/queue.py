"""The release queue: prepared stories go live one per slot, on the desk's clock.

The chief editor sets the cadence (an interval, which may differ by time of day, inside active
hours in the outlet's time zone). Slots are computed, never stored: the next slot follows the
last release by the interval in force then, so releasing a story early shifts everything after it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from broadsheet.core.outlet import outlet_settings
from broadsheet.desk.models import DeskSettings, QueueEntry


@dataclass(frozen=True)
class Window:
    starts: time
    ends: time
    interval: timedelta


@dataclass(frozen=True)
class Cadence:
    zone: ZoneInfo
    active_from: time
    active_until: time
    interval: timedelta
    windows: tuple[Window, ...] = ()

    def interval_at(self, moment: datetime) -> timedelta:
        clock = moment.astimezone(self.zone).time()
        for window in self.windows:
            if window.starts <= clock < window.ends:
                return window.interval
        return self.interval

    def next_open(self, moment: datetime) -> datetime:
        """`moment` if it falls inside active hours, else when they next begin."""
        local = moment.astimezone(self.zone)
        if self.active_from <= local.time() < self.active_until:
            return moment
        day = local.date() if local.time() < self.active_from else local.date() + timedelta(days=1)
        return datetime.combine(day, self.active_from, tzinfo=self.zone)


def desk_cadence(desk: DeskSettings | None = None) -> Cadence:
    desk = desk or DeskSettings.load()
    return Cadence(
        zone=outlet_settings().zone,
        active_from=desk.active_from,
        active_until=desk.active_until,
        interval=timedelta(minutes=float(desk.interval_minutes)),
        windows=tuple(
            Window(w.starts, w.ends, timedelta(minutes=float(w.interval_minutes)))
            for w in desk.cadence_windows.all()
        ),
    )


def queue_slots(
    *, count: int, cadence: Cadence, now: datetime, last_release: datetime | None
) -> list[datetime]:
    """The times at which the next `count` queued stories go live."""
    slots = []
    previous = last_release
    for _ in range(count):
        if previous is None:
            due = now
        else:
            interval = cadence.interval_at(previous)
            due = previous + interval
            # A slot missed by less than an interval keeps its time, so the clock's own
            # latency never drifts the cadence; after a longer quiet spell it restarts now.
            if due < now - interval:
                due = now
        slot = cadence.next_open(due)
        slots.append(slot)
        previous = slot
    return slots


def waiting_entries():
    return QueueEntry.objects.filter(released_at__isnull=True).select_related("article")


def last_release_at() -> datetime | None:
    return (
        QueueEntry.objects.filter(released_at__isnull=False)
        .order_by("-released_at")
        .values_list("released_at", flat=True)
        .first()
    )


def queue_schedule(
    *, now: datetime | None = None, desk: DeskSettings | None = None
) -> list[tuple[QueueEntry, datetime]]:
    """Each waiting story with its computed slot, in queue order."""
    now = now or timezone.now()
    entries = list(waiting_entries())
    slots = queue_slots(
        count=len(entries), cadence=desk_cadence(desk), now=now, last_release=last_release_at()
    )
    return list(zip(entries, slots, strict=True))


@transaction.atomic
def queue_entry_add(*, article, user=None) -> QueueEntry:
    last = waiting_entries().order_by("-position").values_list("position", flat=True).first()
    entry, created = QueueEntry.objects.update_or_create(
        article=article,
        released_at=None,
        defaults={"position": (last or 0) + 1, "queued_by": user},
    )
    log(instance=article, action="desk.queue.add" if created else "desk.queue.move", user=user)
    return entry


@transaction.atomic
def queue_entry_move(*, entry: QueueEntry, by: int, user=None) -> None:
    """Swap the entry with its neighbour `by` places away (-1 up, +1 down)."""
    ordered = list(waiting_entries())
    index = ordered.index(entry)
    target = index + by
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered, start=1):
            QueueEntry.objects.filter(pk=item.pk).update(position=position)
        log(instance=entry.article, action="desk.queue.move", user=user)


@transaction.atomic
def queue_entry_pull(*, entry: QueueEntry, user=None) -> None:
    entry.delete()
    log(instance=entry.article, action="desk.queue.pull", user=user)


def queue_entry_release(*, entry_id: int, now: datetime | None = None, user=None) -> bool:
    """Publish the entry's story now, once; False if it was already released or pulled.

    `user` is the editor who pressed "release now"; the worker releases slots as nobody.
    """
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            QueueEntry.objects.select_for_update()
            .filter(pk=entry_id, released_at__isnull=True)
            .select_related("article")
            .first()
        )
        if entry is None:
            return False
        # Marked released before publishing, so the published-elsewhere handler
        # (queue_entry_forget_published) does not take this entry for a stray one.
        entry.released_at = now
        entry.save(update_fields=["released_at"])
        article = entry.article.specific
        revision = article.get_latest_revision() or article.save_revision()
        revision.publish(user=user, log_action="wagtail.publish")
        log(
            instance=article,
            action="desk.queue.release",
            user=user,
            data={"slot": now.isoformat(), "by_clock": user is None},
        )
    return True


def queue_entry_forget_published(*, article_id: int) -> int:
    """A queued story published some other way leaves the queue instead of going out twice."""
    count, _ = waiting_entries().filter(article_id=article_id).delete()
    return count


@transaction.atomic
def queue_pause_set(*, paused: bool, user=None) -> DeskSettings:
    desk = DeskSettings.load()
    if desk.queue_paused != paused:
        desk.queue_paused = paused
        desk.save(update_fields=["queue_paused"])
        log(instance=desk, action="desk.queue.pause" if paused else "desk.queue.resume", user=user)
    return desk


def queue_release_due(*, now: datetime | None = None) -> list[int]:
    """Release the head of the queue if its slot has come; at most one story per slot."""
    now = now or timezone.now()
    # The clock asks several times a second; an empty queue should cost one small query.
    if not waiting_entries().exists():
        return []
    desk = DeskSettings.load()
    if desk.queue_paused:
        return []
    schedule = queue_schedule(now=now, desk=desk)
    if schedule and schedule[0][1] <= now:
        entry = schedule[0][0]
        if queue_entry_release(entry_id=entry.pk, now=schedule[0][1]):
            return [entry.pk]
    return []
