from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from broadsheet.articles.models import ArticlePage
from broadsheet.desk.clock import publishing_clock_tick
from broadsheet.desk.models import CadenceWindow, DeskSettings, QueueEntry
from broadsheet.desk.queue import Cadence, Window, queue_entry_add, queue_schedule, queue_slots
from broadsheet.desk.roles import EDITORS, WRITERS, desk_roles_ensure
from broadsheet.sections.factories import SectionPageFactory

BAKU = ZoneInfo("Asia/Baku")
REFERENCE = Cadence(
    zone=BAKU,
    active_from=time(9),
    active_until=time(22),
    interval=timedelta(minutes=12),
    windows=(Window(time(10), time(14), timedelta(minutes=15)),),
)


def baku(hour, minute=0, day=3):
    return datetime(2025, 6, day, hour, minute, tzinfo=BAKU)


def test_slots_follow_the_interval_in_force_at_each_time_of_day():
    """15 minutes around midday, 12 after: the reference site's cadence."""
    slots = queue_slots(count=5, cadence=REFERENCE, now=baku(13, 30), last_release=baku(13, 18))
    assert [f"{s:%H:%M}" for s in slots] == ["13:33", "13:48", "14:03", "14:15", "14:27"]


def test_slots_wait_for_active_hours():
    """Outside active hours the next slot is when they begin, in the outlet's time zone."""
    slots = queue_slots(count=2, cadence=REFERENCE, now=baku(21, 55), last_release=baku(21, 50))
    assert slots == [baku(9, 0, day=4), baku(9, 12, day=4)]


def test_an_idle_queue_releases_at_once_then_keeps_the_cadence():
    """After a quiet spell the first story goes now; the next waits one interval."""
    slots = queue_slots(count=2, cadence=REFERENCE, now=baku(18, 5), last_release=baku(11))
    assert slots == [baku(18, 5), baku(18, 17)]


@pytest.fixture
def stories(db):
    section = SectionPageFactory(title="News", slug="news-desk")
    drafts = []
    for n in range(3):
        article = section.add_child(instance=ArticlePage(title=f"Prepared {n}", live=False))
        article.save_revision()
        drafts.append(article)
    desk = DeskSettings.load()
    desk.active_from, desk.active_until, desk.interval_minutes = time(0), time(23, 59), 12
    desk.save()
    return drafts


@pytest.mark.django_db
def test_the_clock_releases_one_story_per_slot_in_queue_order(stories):
    """Queued stories go live at their slots, in order, one per slot."""
    for story in stories:
        queue_entry_add(article=story)
    now = timezone.now()
    publishing_clock_tick(now=now)
    publishing_clock_tick(now=now + timedelta(minutes=5))
    assert [s.pk for s in ArticlePage.objects.live().filter(pk__in=[s.pk for s in stories])] == [
        stories[0].pk
    ]
    publishing_clock_tick(now=now + timedelta(minutes=12))
    live = ArticlePage.objects.live().filter(pk__in=[s.pk for s in stories]).order_by("pk")
    assert [s.pk for s in live] == [stories[0].pk, stories[1].pk]
    released = QueueEntry.objects.exclude(released_at=None).order_by("released_at")
    assert released[1].released_at - released[0].released_at == timedelta(minutes=12)


@pytest.mark.django_db
def test_a_paused_queue_releases_nothing(stories):
    """Pausing the queue stops releases until it resumes."""
    queue_entry_add(article=stories[0])
    desk = DeskSettings.load()
    desk.queue_paused = True
    desk.save()
    publishing_clock_tick()
    assert not ArticlePage.objects.live().filter(pk=stories[0].pk).exists()


@pytest.mark.django_db
def test_cadence_windows_apply_to_the_queue(stories):
    """A time-of-day window set by the chief editor changes the computed slots."""
    desk = DeskSettings.load()
    CadenceWindow.objects.create(desk=desk, starts=time(0), ends=time(23, 59), interval_minutes=15)
    for story in stories:
        queue_entry_add(article=story)
    slots = [slot for _, slot in queue_schedule()]
    assert [b - a for a, b in zip(slots, slots[1:], strict=False)] == [timedelta(minutes=15)] * 2


@pytest.fixture
def editor_client(client, stories):
    groups = desk_roles_ensure()
    editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.set([groups[EDITORS]])
    client.force_login(editor)
    return client


def queued_titles(client):
    soup = BeautifulSoup(client.get(reverse("desk_queue")).content, "html.parser")
    return [row.select("td")[1].get_text(strip=True) for row in soup.select("tr.queue-entry")]


@pytest.mark.django_db
def test_editor_queues_reorders_pulls_and_releases_from_the_queue_screen(editor_client, stories):
    """The queue screen shows slots; editors reorder, pull a story, and release one now."""
    for story in stories:
        editor_client.post(reverse("desk_queue_add"), {"article": story.pk})
    assert queued_titles(editor_client) == ["Prepared 0", "Prepared 1", "Prepared 2"]
    soup = BeautifulSoup(editor_client.get(reverse("desk_queue")).content, "html.parser")
    slots = soup.select("tr.queue-entry time.queue-slot[datetime]")
    assert len(slots) == 3
    assert all(slot["datetime"].endswith("+04:00") for slot in slots)  # the outlet's Asia/Baku

    entry = {e.article_id: e for e in QueueEntry.objects.all()}
    editor_client.post(reverse("desk_queue_action", args=(entry[stories[2].pk].pk, "up")))
    assert queued_titles(editor_client) == ["Prepared 0", "Prepared 2", "Prepared 1"]
    editor_client.post(reverse("desk_queue_action", args=(entry[stories[0].pk].pk, "pull")))
    assert queued_titles(editor_client) == ["Prepared 2", "Prepared 1"]
    editor_client.post(reverse("desk_queue_action", args=(entry[stories[1].pk].pk, "release")))
    assert ArticlePage.objects.get(pk=stories[1].pk).live
    assert queued_titles(editor_client) == ["Prepared 2"]
    assert not ArticlePage.objects.get(pk=stories[0].pk).live


@pytest.mark.django_db
def test_editor_pauses_and_resumes_the_queue(editor_client, stories):
    """Pause and resume are one click each on the queue screen."""
    editor_client.post(reverse("desk_queue_pause"), {"paused": "1"})
    assert DeskSettings.load().queue_paused
    assert b"The queue is paused." in editor_client.get(reverse("desk_queue")).content
    editor_client.post(reverse("desk_queue_pause"), {"paused": "0"})
    assert not DeskSettings.load().queue_paused


@pytest.mark.django_db
def test_writers_cannot_use_the_queue(client, stories):
    """Writers can neither see nor change the release queue."""
    groups = desk_roles_ensure()
    writer = get_user_model().objects.create_user("wren", "w@example.org", "pw")
    writer.groups.set([groups[WRITERS]])
    client.force_login(writer)
    assert client.get(reverse("desk_queue")).status_code in (302, 403)
    response = client.post(reverse("desk_queue_add"), {"article": stories[0].pk})
    assert response.status_code in (302, 403)
    assert not QueueEntry.objects.exists()


@pytest.mark.django_db
def test_adding_a_missing_story_is_a_404_not_a_500(editor_client):
    """A bad story id in the add form is a 404."""
    assert editor_client.post(reverse("desk_queue_add"), {"article": "999999"}).status_code == 404
    assert editor_client.post(reverse("desk_queue_add"), {"article": "abc"}).status_code == 404


@pytest.mark.django_db
def test_every_queue_action_is_in_the_audit_log_with_who_and_when(editor_client, stories):
    """Adding, moving, pulling, releasing and pausing leave a log entry naming the editor."""
    for story in stories:
        editor_client.post(reverse("desk_queue_add"), {"article": story.pk})
    entry = {e.article_id: e for e in QueueEntry.objects.all()}
    editor_client.post(reverse("desk_queue_action", args=(entry[stories[1].pk].pk, "up")))
    editor_client.post(reverse("desk_queue_action", args=(entry[stories[2].pk].pk, "pull")))
    editor_client.post(reverse("desk_queue_action", args=(entry[stories[1].pk].pk, "release")))
    editor_client.post(reverse("desk_queue_pause"), {"paused": "1"})
    editor_client.post(reverse("desk_queue_pause"), {"paused": "0"})
    publishing_clock_tick(now=timezone.now() + timedelta(minutes=13))  # the clock releases #0

    actions = [
        (e.action, e.page_id, e.user.username if e.user else None)
        for e in PageLogEntry.objects.filter(action__startswith="desk.").order_by("pk")
    ]
    assert actions == [
        ("desk.queue.add", stories[0].pk, "ed"),
        ("desk.queue.add", stories[1].pk, "ed"),
        ("desk.queue.add", stories[2].pk, "ed"),
        ("desk.queue.move", stories[1].pk, "ed"),
        ("desk.queue.pull", stories[2].pk, "ed"),
        ("desk.queue.release", stories[1].pk, "ed"),
        ("desk.queue.release", stories[0].pk, None),
    ]
    assert all(e.timestamp for e in PageLogEntry.objects.filter(action__startswith="desk."))
    pauses = ModelLogEntry.objects.filter(action__startswith="desk.queue.").order_by("pk")
    assert [(e.action, e.user.username) for e in pauses] == [
        ("desk.queue.pause", "ed"),
        ("desk.queue.resume", "ed"),
    ]
    # The page's history in the admin reads the entries in words.
    history = editor_client.get(reverse("wagtailadmin_pages:history", args=(stories[0].pk,)))
    assert b"Released from the release queue by the desk clock at its slot" in history.content
