"""Purging Varnish by surrogate key (xkey) over real HTTP, and what happens when it fails."""

import logging

import pytest
from wagtail.contrib.frontend_cache.utils import get_backends

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.caching import selectors, services
from broadsheet.caching.backends import PageCacheBackend, PurgeFailed, XkeyBackend
from broadsheet.caching.models import PurgeRecord
from broadsheet.caching.services import cache_purge
from broadsheet.caching.tasks import RETRY_DELAYS, cache_purge_task
from broadsheet.discovery.models import ReadAlsoPick
from tests.fakes.purge_listener import PurgeListener
from tests.metrics import metric_value


@pytest.fixture
def varnishes():
    """Two Varnish purge endpoints on loopback, as a two-box setup would have."""
    listeners = [PurgeListener().start(), PurgeListener().start()]
    yield listeners
    for listener in listeners:
        listener.stop()


@pytest.fixture
def varnish(varnishes, settings):
    """Broadsheet configured to purge both through XkeyBackend."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "broadsheet.caching.backends.XkeyBackend",
            "LOCATIONS": [listener.url for listener in varnishes],
        }
    }
    return varnishes


def test_keys_are_purged_with_one_xkey_purge_request_per_varnish(varnish):
    backend = get_backends()["varnish"]
    backend.purge_keys(["article-12", "section-3", "latest"])
    for listener in varnish:
        (request,) = listener.received
        assert (request.method, request.path) == ("PURGE", "/")
        assert request.xkey_purge == "article-12 section-3 latest"


def test_a_long_key_list_is_split_into_headers_varnish_accepts(varnish):
    keys = [f"article-{number}" for number in range(2000)]
    get_backends()["varnish"].purge_keys(keys)
    requests = varnish[0].received
    assert len(requests) > 1
    assert all(len(request.xkey_purge) <= XkeyBackend.MAX_HEADER for request in requests)
    assert [key for request in requests for key in request.keys] == keys


def test_a_url_is_purged_by_path_with_its_host(varnish):
    get_backends()["varnish"].purge_batch(["https://news.example/politics/?page=2"])
    (request,) = varnish[0].received
    assert (request.method, request.path, request.host) == (
        "PURGE",
        "/politics/?page=2",
        "news.example",
    )
    assert request.xkey_purge is None


def test_a_refused_purge_is_reported_and_the_other_varnish_still_purged(varnish):
    varnish[0].fail_next(1, status=403)
    with pytest.raises(PurgeFailed, match="HTTP 403"):
        get_backends()["varnish"].purge_keys(["latest"])
    assert varnish[1].purged_keys() == {"latest"}


def test_an_unreachable_varnish_is_reported(settings, client, db):
    """The result names the cache, and /metrics counts the failure for the operators."""
    failures = metric_value(client, "broadsheet_purge_failures_total", cache="varnish")
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "broadsheet.caching.backends.XkeyBackend",
            "LOCATIONS": ["http://127.0.0.1:9"],
        }
    }
    result = cache_purge(keys=["latest"])
    assert result.failed == ["varnish"]
    assert metric_value(client, "broadsheet_purge_failures_total", cache="varnish") == failures + 1


def test_a_failed_purge_is_retried_until_varnish_takes_it(varnish, caplog):
    """Varnish refusing twice costs two retries, logged; the third attempt purges."""
    varnish[0].fail_next(2)
    with caplog.at_level(logging.WARNING, logger="broadsheet.caching"):
        cache_purge_task.enqueue(keys=["article-7", "latest"])
    assert len(varnish[0].received) == 3
    assert varnish[0].received[-1].keys == ["article-7", "latest"]
    assert sum("failed" in message for message in caplog.messages) == 2


def test_a_purge_that_keeps_failing_is_given_up_with_an_error(varnish, caplog):
    varnish[0].fail_next(100)
    with caplog.at_level(logging.WARNING, logger="broadsheet.caching"):
        cache_purge_task.enqueue(keys=["latest"])
    assert len(varnish[0].received) == len(RETRY_DELAYS) + 1
    assert "Gave up purging latest from varnish" in caplog.messages[-1]


@pytest.mark.django_db
def test_publishing_purges_the_story_everywhere_it_shows(
    varnish, room, django_capture_on_commit_callbacks
):
    """A new story: its own key, the lists it joins and the Latest news block, once committed."""
    story = room.politics.add_child(instance=ArticlePage(title="Dam operators agree a quota"))
    story.bylines.add(ArticleByline(author=room.author, sort_order=0))
    story.topics.set([room.topic])
    story.experts.set([room.expert])
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision().publish()
        assert not varnish[0].received  # nothing leaves before the commit
    purged = varnish[0].purged_keys()
    expected = {
        f"article-{story.pk}",
        f"section-{room.politics.pk}",
        f"topic-{room.topic.pk}",
        f"author-{room.author.pk}",
        f"expert-{room.expert.pk}",
        "latest",
        "news",
        "sitemaps",
    }
    assert purged >= expected
    # Besides: the stories whose Read also the worker re-ranked, now showing the new one.
    reranked = ReadAlsoPick.objects.filter(related=story).values_list("article_id", flat=True)
    assert purged >= {f"article-{pk}" for pk in reranked}
    assert all(key.startswith("article-") for key in purged - expected)
    assert varnish[1].purged_keys() == varnish[0].purged_keys()


@pytest.mark.django_db
def test_an_old_storys_correction_leaves_latest_news_alone(
    varnish, room, monkeypatch, django_capture_on_commit_callbacks
):
    """A story out of Latest news is purged where it shows, not from every article page."""
    # Latest news two stories long: the room's oldest story is two places out of it.
    monkeypatch.setattr(selectors, "LATEST_NEWS_LIMIT", 2)
    old, recent = room.articles[0], room.articles[-1]
    with django_capture_on_commit_callbacks(execute=True):
        old.save_revision().publish()
    assert f"article-{old.pk}" in varnish[0].purged_keys()
    assert "latest" not in varnish[0].purged_keys()
    varnish[0].reset()
    with django_capture_on_commit_callbacks(execute=True):
        recent.save_revision().publish()
    assert "latest" in varnish[0].purged_keys()


@pytest.mark.django_db
def test_publishing_succeeds_while_varnish_is_down(
    settings, room, django_capture_on_commit_callbacks, caplog
):
    """A purge that cannot be sent is logged; the story is published all the same."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "broadsheet.caching.backends.XkeyBackend",
            "LOCATIONS": ["http://127.0.0.1:9"],
        }
    }
    room.lead.title = "River treaty signed"
    with caplog.at_level(logging.WARNING, logger="broadsheet.caching"):
        with django_capture_on_commit_callbacks(execute=True):
            room.lead.save_revision().publish()
    room.lead.refresh_from_db()
    assert room.lead.live and room.lead.title == "River treaty signed"
    assert any("Gave up purging" in message for message in caplog.messages)


@pytest.mark.django_db
def test_with_both_caches_the_page_cache_is_purged_first(varnish, settings, monkeypatch):
    """Varnish refilling from a web process that has not read the journal yet would keep the
    stale page: the journal goes first, and Varnish after one poll interval."""
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": settings.WAGTAILFRONTENDCACHE["varnish"],
        "pages": {"BACKEND": "broadsheet.caching.backends.PageCacheBackend"},
    }
    events = []
    monkeypatch.setattr(services.time, "sleep", lambda seconds: events.append(("wait", seconds)))
    original = PageCacheBackend.purge_keys
    monkeypatch.setattr(
        PageCacheBackend,
        "purge_keys",
        lambda self, keys: (
            events.append(("journal", varnish[0].received[:])) or original(self, keys)
        ),
    )
    cache_purge(keys=["latest"])
    assert events == [("journal", []), ("wait", settings.PAGE_CACHE_POLL_INTERVAL)]
    assert PurgeRecord.objects.get().keys == "latest"
    assert varnish[0].purged_keys() == {"latest"}
