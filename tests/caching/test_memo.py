"""The reader memo: the site, the sections and Latest news kept between requests of a web
process, and read again once the purge journal moves on."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.articles.models import ArticlePage
from broadsheet.caching.backends import PageCacheBackend
from broadsheet.caching.memo import memo
from broadsheet.sections.models import SectionPage
from tests.caching.conftest import PAGE_CACHE_BACKENDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal(settings):
    """Purges go through the journal, read on every request: as in production, minus the wait."""
    settings.WAGTAILFRONTENDCACHE = PAGE_CACHE_BACKENDS
    settings.PAGE_CACHE_POLL_INTERVAL = 0
    return PageCacheBackend({})


def latest_news(client, url) -> str:
    """The Latest news column of the page at `url`."""
    html = client.get(url).content.decode()
    return html[html.index('<aside class="latest"') : html.index("</aside>")]


def menu(client, url) -> str:
    html = client.get(url).content.decode()
    return html[html.index('<nav class="main-nav"') : html.index("</nav>")]


def queries(client, url) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content


def test_a_story_page_reads_the_site_sections_and_latest_news_once(journal, client, room, settings):
    settings.PAGE_CACHE_POLL_INTERVAL = 60
    first, page = queries(client, room.lead.url)
    again, same = queries(client, room.lead.url)
    # The first also read the journal's last record; the next is not due for a minute.
    assert again == first - 4
    assert same == page


def test_without_the_journal_every_request_reads_afresh(client, room):
    """Tests (and any setup without the journal) never keep anything: nothing would say when
    to read it again."""
    first, _ = queries(client, room.lead.url)
    again, _ = queries(client, room.lead.url)
    assert again == first


def test_a_change_shows_once_it_is_journalled(journal, client, room):
    """Kept values are not read again until the journal says something changed; then the next
    request shows the change (as every change readers can see is purged through it)."""
    oldest = room.articles[0]
    client.get(oldest.url)
    ArticlePage.objects.filter(pk=room.lead.pk).update(title="Reservoir levels recover")
    SectionPage.objects.filter(pk=room.politics.pk).update(title="Power")
    assert "Reservoir levels recover" not in latest_news(client, oldest.url)
    assert ">Power<" not in menu(client, oldest.url)

    journal.purge_keys(["latest"])

    assert "Reservoir levels recover" in latest_news(client, oldest.url)
    assert ">Power<" in menu(client, oldest.url)


def test_a_published_story_reaches_latest_news_through_the_journal(
    journal, client, room, django_capture_on_commit_callbacks
):
    """The publishing path itself: publishing enqueues the purge, the purge writes the journal."""
    client.get(room.lead.url)
    story = room.lead.get_parent().add_child(
        instance=ArticlePage(
            title="Ferry timetable changes from Monday",
            slug="ferry-timetable",
            deck="Two crossings fewer on weekdays.",
            first_published_at=timezone.now(),
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        story.save_revision().publish()
    assert "Ferry timetable changes from Monday" in latest_news(client, room.lead.url)


def test_a_render_made_anew_reads_afresh(journal, client, room):
    """What the freshness checks compare cached pages with takes nothing from the memo."""
    from broadsheet.caching.fragments import rendering_anew

    oldest = room.articles[0]
    client.get(oldest.url)
    ArticlePage.objects.filter(pk=room.lead.pk).update(title="Dam inspection ordered")
    assert "Dam inspection ordered" not in latest_news(client, oldest.url)
    with rendering_anew():
        assert "Dam inspection ordered" in latest_news(client, oldest.url)
    assert memo().values  # kept values stay for the other requests


def test_the_worker_reads_afresh(journal, room):
    """No request, no memo: the worker, which writes the journal, must see its own changes."""
    from broadsheet.articles.selectors import latest_articles

    latest_articles()
    ArticlePage.objects.filter(pk=room.lead.pk).update(title="Grid upgrade approved")
    assert "Grid upgrade approved" in [story.title for story in latest_articles()]
