"""No reader surface is stale after a purge.

Every surface is first rendered into the embedded page cache and served from it. Then the desk
changes something through the publishing path, the purge task runs (immediately, as the worker
would) and each surface, still served through the page cache, must be byte for byte what a
fresh render shows.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.caching.clock import ReleaseWatch
from broadsheet.core.models import OutletSettings
from broadsheet.desk.models import BreakingNews, Correction, DeskSettings
from broadsheet.desk.queue import queue_entry_add, queue_release_due
from tests.caching.conftest import reader_surfaces

pytestmark = pytest.mark.django_db

HEADLINE = "Dam operators agree a summer quota"


def every_surface(room) -> dict[str, str]:
    surfaces = reader_surfaces(room)
    for story in ArticlePage.objects.live().filter(first_published_at__lte=timezone.now()):
        surfaces[f"story {story.pk}"] = story.url
    return surfaces


def warm(client, surfaces: dict[str, str]) -> None:
    """Render each surface into the page cache and check the next request is served from it."""
    for name, url in surfaces.items():
        assert client.get(url).status_code == 200, name
        assert client.get(url).page_cache == "hit", name


def assert_fresh(cached, fresh, surfaces: dict[str, str]) -> dict[str, bytes]:
    """Every surface served through the page cache is what a fresh render shows."""
    seen = {}
    for name, url in surfaces.items():
        response = cached.get(url)
        expected = fresh.get(url)
        assert response.status_code == expected.status_code, name
        assert response.content == expected.content, f"{name} ({url}) is stale"
        seen[name] = response.content
    return seen


def showing(pages: dict[str, bytes], text: str) -> set[str]:
    return {name for name, content in pages.items() if text.encode() in content}


@pytest.fixture
def desk(room, cached_client, fresh_client, django_capture_on_commit_callbacks):
    """The room's surfaces warmed in the page cache, and a way to make a change as the desk
    does: committed, then purged by the task the worker would run."""
    surfaces = every_surface(room)
    warm(cached_client, surfaces)

    class Desk:
        def change(self, action):
            with django_capture_on_commit_callbacks(execute=True):
                return action()

        def check(self, extra: dict[str, str] | None = None) -> dict[str, bytes]:
            return assert_fresh(cached_client, fresh_client, surfaces | (extra or {}))

    return Desk()


def publish_new_story(room, **fields) -> ArticlePage:
    story = room.politics.add_child(instance=ArticlePage(title=HEADLINE, **fields))
    story.bylines.add(ArticleByline(author=room.author, sort_order=0))
    story.topics.set([room.topic])
    story.experts.set([room.expert])
    story.save_revision().publish()
    return story


def test_a_new_story_reaches_every_surface(desk, room):
    story = desk.change(lambda: publish_new_story(room))
    pages = desk.check({"new story": story.url})
    assert showing(pages, HEADLINE) >= {
        "home",
        "section",
        "article",
        "older article",
        "topic",
        "author",
        "expert",
        "day archive",
        "all news",
        "site feed",
        "site JSON feed",
        "section feed",
        "topic feed",
        "author feed",
        "news sitemap",
    }
    assert story.url.encode() in pages["article sitemap"]


def test_a_correction_reaches_every_surface(desk, room):
    """A correction to a day-old story: its page and the corrections page show the note, and the
    feeds (checked with every other surface) its new updated time."""
    story = room.articles[0]
    note = "An earlier version gave the wrong tariff."

    def correct():
        story.corrections.add(Correction(kind="correction", text=note))
        story.save_revision().publish()

    desk.change(correct)
    pages = desk.check()
    assert {"older article", "corrections"} <= showing(pages, note)


def test_an_edited_headline_reaches_every_surface(desk, room):
    story = room.lead
    story.title = "River treaty signed after all-night talks"
    desk.change(lambda: story.save_revision().publish())
    pages = desk.check()
    assert {"home", "section", "older article", "topic", "all news"} <= showing(pages, story.title)


def test_an_edited_body_reaches_every_feed(desk, room):
    """Feeds carry each story's whole body; a web process keeps bodies it rendered, by the
    story's live revision, so the next publish must show the new text."""
    story = room.lead
    story.body = [("paragraph", "<p>The treaty was signed at dawn, not at midnight.</p>")]
    desk.change(lambda: story.save_revision().publish())
    pages = desk.check()
    assert {
        "article",
        "site feed",
        "site JSON feed",
        "section feed",
        "topic feed",
        "author feed",
    } <= showing(pages, "signed at dawn")


def test_an_unpublished_story_leaves_every_surface(desk, room):
    story = room.lead
    desk.change(story.unpublish)
    pages = desk.check()
    assert not showing(pages, story.title)


def test_a_story_released_from_the_queue_reaches_every_surface(desk, room):
    """The worker's clock releases the queue's head at its slot: a publish like any other."""
    # The queue releases only inside the desk's active hours: all day, whenever this runs.
    hours = DeskSettings.load()
    hours.active_from, hours.active_until = time(0), time(23, 59, 59)
    hours.save()
    draft = room.politics.add_child(instance=ArticlePage(title=HEADLINE, live=False))
    draft.save_revision()
    queue_entry_add(article=draft)
    desk.change(lambda: queue_release_due(now=timezone.now()))
    pages = desk.check({"new story": draft.url})
    assert {"home", "section", "article", "all news", "site feed"} <= showing(pages, HEADLINE)


def test_an_embargo_ending_reaches_every_surface(desk, room):
    """An embargo ends with no signal: the worker's release watch purges at its time."""
    embargo_ends = timezone.now() + timedelta(hours=1)
    story = desk.change(lambda: publish_new_story(room, embargo_until=embargo_ends))
    assert not showing(desk.check(), HEADLINE)

    # The hour passes: as the clock sees it, the embargo ended a second ago.
    ended = timezone.now() - timedelta(seconds=1)
    ArticlePage.objects.filter(pk=story.pk).update(
        embargo_until=ended, first_published_at=ended, last_published_at=ended - timedelta(hours=1)
    )
    watch = ReleaseWatch(since=ended - timedelta(seconds=1))
    assert desk.change(watch.tick) == [story.pk]
    pages = desk.check({"new story": story.url})
    assert {"home", "section", "article", "topic", "all news", "site feed"} <= showing(
        pages, HEADLINE
    )


def test_the_breaking_banner_reaches_every_page_and_leaves_when_it_expires(desk, room):
    banner = "Parliament dissolved"
    flag = desk.change(
        lambda: BreakingNews.objects.create(
            article=room.lead, banner_text=banner, expires_at=timezone.now() + timedelta(hours=1)
        )
    )
    pages = desk.check()
    assert {"home", "section", "article", "topic", "all news", "corrections"} <= showing(
        pages, banner
    )

    # It expires with no signal: the release watch sees its time pass.
    expired = timezone.now() - timedelta(seconds=1)
    BreakingNews.objects.filter(pk=flag.pk).update(expires_at=expired)
    desk.change(ReleaseWatch(since=expired - timedelta(seconds=1)).tick)
    assert not showing(desk.check(), banner)


def test_a_moved_story_leaves_its_old_section(desk, room):
    story = room.lead
    desk.change(lambda: story.move(room.economy, pos="last-child"))
    story.refresh_from_db()
    pages = desk.check({"economy feed": "/economy/feed/", "moved story": story.url})
    assert story.title.encode() not in pages["section feed"]
    assert story.title.encode() in pages["economy feed"]


def test_a_deleted_story_leaves_every_surface(desk, room):
    story = room.lead
    desk.change(story.delete)
    assert not showing(desk.check(), story.title)


def test_renamed_topics_authors_and_sections_reach_every_surface(desk, room):
    room.topic.name = "Water rights"
    desk.change(room.topic.save)
    room.author.name = "Aytan Quell-Hart"
    desk.change(room.author.save)
    room.politics.title = "Politics and power"
    desk.change(lambda: room.politics.save_revision().publish())
    pages = desk.check()
    assert {"article", "topic", "topics", "topic feed"} <= showing(pages, "Water rights")
    assert {"article", "author", "authors"} <= showing(pages, "Aytan Quell-Hart")
    assert {"home", "topic", "all news", "expert"} <= showing(pages, "Politics and power")


def test_the_outlets_name_reaches_every_surface(desk, room):
    outlet = OutletSettings.for_site(room.politics.get_site())
    outlet.outlet_name = "The Evening Broadsheet"
    desk.change(outlet.save)
    pages = desk.check()
    assert {"home", "article", "site feed", "news sitemap"} <= showing(pages, outlet.outlet_name)
