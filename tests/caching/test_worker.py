"""Purges from a real `desk_worker` process reach the page cache of this (web) process."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from broadsheet.articles.models import ArticleByline, ArticlePage
from tests.caching.conftest import PAGE_CACHE_BACKENDS, reader_surfaces
from tests.conftest import ROOT, database_url_for_tests

FRESH_WITHIN = 2.0
HEADLINE = "Cabinet reshuffle names a new finance minister"
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def web_process(settings):
    """This process as a web server would run it: page cache on, journal read every 250 ms."""
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_POLL_INTERVAL = 0.25
    settings.WAGTAILFRONTENDCACHE = PAGE_CACHE_BACKENDS
    return Client()


def test_an_embargoed_story_is_on_every_cached_surface_within_2_s_of_its_end(
    web_process, desk_workers, room
):
    """No signal marks an embargo's end: the worker's clock purges, the web process follows."""
    worker = desk_workers()
    worker.start()
    ends = timezone.now() + timedelta(seconds=4)
    story = room.politics.add_child(instance=ArticlePage(title=HEADLINE, embargo_until=ends))
    story.bylines.add(ArticleByline(author=room.author, sort_order=0))
    story.topics.set([room.topic])
    story.save_revision().publish()

    surfaces = reader_surfaces(room)
    listing_it = ["home", "section", "article", "topic", "author", "all news", "site feed"]
    for name in listing_it:
        web_process.get(surfaces[name])
        response = web_process.get(surfaces[name])
        assert response.page_cache == "hit", name
        assert HEADLINE.encode() not in response.content, name

    while timezone.now() < ends:
        time.sleep(0.02)
    deadline = time.monotonic() + FRESH_WITHIN
    waiting = set(listing_it)
    while waiting and time.monotonic() < deadline:
        waiting = {
            n for n in waiting if HEADLINE.encode() not in web_process.get(surfaces[n]).content
        }
        time.sleep(0.05)
    assert not waiting, f"still without the story {FRESH_WITHIN} s after its embargo: {waiting}"


def cached_without(client, surfaces: dict[str, str], text: str) -> None:
    for name, url in surfaces.items():
        client.get(url)
        response = client.get(url)
        assert response.page_cache == "hit", name
        assert text.encode() not in response.content, name


def fresh_within(client, surfaces: dict[str, str], text: str, deadline: float) -> set[str]:
    """The surfaces still without `text` at `deadline` (time.time())."""
    waiting = set(surfaces)
    while waiting and time.time() < deadline:
        waiting = {n for n in waiting if text.encode() not in client.get(surfaces[n]).content}
        time.sleep(0.05)
    return waiting


def desk(*args) -> subprocess.Popen:
    """tests/caching/desk.py on the test database, in a process of its own."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env = inherited | {
        "DATABASE_URL": database_url_for_tests(),
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.caching.desk", *map(str, args)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def running(task_id: str) -> bool:
    return DBTaskResult.objects.get(pk=task_id).status == "RUNNING"


def test_a_publish_reaches_readers_while_the_worker_is_busy_with_slow_work(
    web_process, desk_workers, room
):
    """A purge never waits behind a long task (ranking Read also takes seconds under load)."""
    desk_workers().start()
    queued = desk("chore", 120)
    chore = queued.stdout.readline().strip()
    queued.wait(30)
    deadline = time.monotonic() + 30
    while not running(chore):
        assert time.monotonic() < deadline, "the worker never started the chore"
        time.sleep(0.05)

    surfaces = reader_surfaces(room)
    listing_it = {name: surfaces[name] for name in ("home", "section", "topic", "all news")}
    cached_without(web_process, listing_it, HEADLINE)
    publish = desk("publish", "politics", room.author.pk, room.topic.pk, HEADLINE)
    # Printed the moment it commits, while the process is still winding down.
    committed_at = float(publish.stdout.readline())

    late = fresh_within(web_process, listing_it, HEADLINE, committed_at + FRESH_WITHIN)
    assert not late, f"still without the story {FRESH_WITHIN} s after it was published: {late}"
    assert running(chore), "the chore ended before the publish: nothing was tested"
    publish.wait(30)
