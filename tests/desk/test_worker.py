"""The publishing clock against a real `desk_worker` process, on the test database."""

import signal
import time
from datetime import time as dt_time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from broadsheet.articles.models import ArticlePage
from broadsheet.desk.models import DeskSettings, QueueEntry
from broadsheet.desk.queue import queue_entry_add
from broadsheet.sections.factories import SectionPageFactory

ON_TIME = timedelta(seconds=2)
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def worker(desk_workers):
    return desk_workers()


@pytest.fixture
def section():
    return SectionPageFactory(title="Politics", slug="politics")


def schedule(section, title: str, go_live_at) -> ArticlePage:
    """What the editor's 'Schedule' does: a revision approved to go live at `go_live_at`."""
    article = section.add_child(instance=ArticlePage(title=title, live=False))
    article.go_live_at = go_live_at
    article.save_revision().publish()
    return article


def bring_forward(stories, due) -> None:
    """Move already-scheduled stories to `due`, as an editor rescheduling them would: creating
    many drafts takes longer than a short lead time on a slow database."""
    for story in stories:
        revision = Revision.objects.get(pk=story.latest_revision_id)
        revision.content["go_live_at"] = due.isoformat()
        revision.approved_go_live_at = due
        revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk__in=[s.pk for s in stories]).update(go_live_at=due)


def wait_until(condition, *, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def scheduled_publications(article) -> int:
    return PageLogEntry.objects.filter(page=article, action="wagtail.publish.scheduled").count()


def test_scheduled_stories_go_live_within_two_seconds_of_their_time(worker, section):
    """A scheduled story is live within 2 s of its time, with nobody visiting the site."""
    worker.start()
    base = timezone.now() + timedelta(seconds=3)
    stories = [schedule(section, f"Scheduled {n}", base + timedelta(seconds=n)) for n in range(3)]
    assert not ArticlePage.objects.live().filter(pk__in=[s.pk for s in stories]).exists()
    assert wait_until(
        lambda: ArticlePage.objects.live().filter(pk__in=[s.pk for s in stories]).count() == 3,
        timeout=10,
    )
    for story, due in zip(stories, [base + timedelta(seconds=n) for n in range(3)], strict=True):
        story.refresh_from_db()
        lateness = story.last_published_at - due
        assert timedelta(0) <= lateness <= ON_TIME, (story.title, lateness)


def test_overdue_stories_go_live_in_time_order_when_the_worker_returns(worker, section):
    """With the worker down, overdue stories go live on its return, in time order, once each."""
    # Scheduled an hour ahead, then brought forward: on a slow database a story created after
    # its own time would go live at once, when the editor schedules it.
    stories = [
        schedule(section, f"Overdue {n}", timezone.now() + timedelta(hours=1)) for n in range(5)
    ]
    base = timezone.now() + timedelta(seconds=0.5)
    for n, story in enumerate(stories):
        bring_forward([story], base + timedelta(milliseconds=100 * n))
    time.sleep(1.5)  # every story is now overdue, and no worker is running
    assert not ArticlePage.objects.live().filter(pk__in=[s.pk for s in stories]).exists()

    started = worker.start()
    assert wait_until(
        lambda: ArticlePage.objects.live().filter(pk__in=[s.pk for s in stories]).count() == 5,
        timeout=2,
    ), "overdue stories were not all live within 2 s of the worker's return"
    assert time.monotonic() - started <= 2.5
    published = list(
        ArticlePage.objects.filter(pk__in=[s.pk for s in stories]).order_by("last_published_at")
    )
    assert [p.pk for p in published] == [s.pk for s in stories]
    assert [scheduled_publications(s) for s in stories] == [1] * 5


def test_a_killed_worker_loses_nothing_and_publishes_nothing_twice(worker, section):
    """kill -9 mid-run, restart: all 50 due stories publish exactly once, revisions consistent."""
    later = timezone.now() + timedelta(hours=1)
    stories = [schedule(section, f"Batch {n}", later) for n in range(50)]
    ids = [s.pk for s in stories]
    bring_forward(stories, timezone.now())
    assert not ArticlePage.objects.live().filter(pk__in=ids).exists()
    worker.start()
    assert wait_until(lambda: ArticlePage.objects.live().filter(pk__in=ids).exists(), timeout=5)
    worker.kill(signal.SIGKILL)
    after_kill = ArticlePage.objects.live().filter(pk__in=ids).count()

    worker.start()
    assert wait_until(
        lambda: ArticlePage.objects.live().filter(pk__in=ids).count() == 50, timeout=20
    )
    assert [scheduled_publications(s) for s in stories] == [1] * 50
    for story in ArticlePage.objects.filter(pk__in=ids):
        assert story.live_revision_id == story.latest_revision_id
        assert not story.has_unpublished_changes
        assert story.revisions.filter(approved_go_live_at__isnull=False).count() == 0
    assert after_kill <= 50


def test_scheduled_expiry_takes_a_story_down_on_time(worker, section):
    """A story set to expire is taken off the site within 2 s of its expiry time."""
    story = section.add_child(instance=ArticlePage(title="Temporary notice"))
    expires = timezone.now() + timedelta(seconds=2)
    story.expire_at = expires
    story.save_revision().publish()
    assert ArticlePage.objects.get(pk=story.pk).live
    worker.start()
    assert wait_until(lambda: not ArticlePage.objects.get(pk=story.pk).live, timeout=6)
    assert timezone.now() - expires <= ON_TIME + timedelta(seconds=0.5)


def test_the_worker_releases_the_queue_at_its_slots(worker, section):
    """A queue with a 3-second interval goes live slot by slot through the real worker."""
    desk = DeskSettings.load()
    desk.active_from, desk.active_until = dt_time(0, 0), dt_time(23, 59, 59)
    desk.interval_minutes = Decimal("0.05")
    desk.save()
    drafts = []
    for n in range(3):
        draft = section.add_child(instance=ArticlePage(title=f"Queued {n}", live=False))
        draft.save_revision()
        queue_entry_add(article=draft)
        drafts.append(draft)
    worker.start()
    ids = [d.pk for d in drafts]
    assert wait_until(
        lambda: ArticlePage.objects.live().filter(pk__in=ids).count() == 3, timeout=15
    )
    releases = list(QueueEntry.objects.filter(article_id__in=ids).order_by("released_at"))
    assert [e.article_id for e in releases] == ids
    gaps = [b.released_at - a.released_at for a, b in zip(releases, releases[1:], strict=False)]
    assert gaps == [timedelta(seconds=3)] * 2
    for entry in releases:
        published = ArticlePage.objects.get(pk=entry.article_id).last_published_at
        assert timedelta(0) <= published - entry.released_at <= ON_TIME


def test_two_workers_never_publish_a_story_twice(worker, desk_workers, section):
    """Two workers on one database share the schedule: every story goes out exactly once."""
    second = desk_workers()
    later = timezone.now() + timedelta(hours=1)
    stories = [schedule(section, f"Shared {n}", later) for n in range(20)]
    ids = [s.pk for s in stories]
    bring_forward(stories, timezone.now())
    worker.start()
    second.start()
    assert wait_until(
        lambda: ArticlePage.objects.live().filter(pk__in=ids).count() == 20, timeout=20
    )
    assert [scheduled_publications(s) for s in stories] == [1] * 20
