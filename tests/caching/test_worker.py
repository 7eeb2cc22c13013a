"""Purges from a real `desk_worker` process reach the page cache of this (web) process."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from broadsheet.articles.models import ArticleByline, ArticlePage
from tests.caching.conftest import PAGE_CACHE_BACKENDS, reader_surfaces

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
