from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.authors.factories import AuthorFactory
from broadsheet.authors.models import Author
from broadsheet.caching.fragments import rendering_anew
from broadsheet.core.models import OutletSettings
from broadsheet.experts.factories import ExpertFactory
from broadsheet.experts.models import Expert
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.sections.models import SectionPage
from broadsheet.topics.factories import TopicFactory
from broadsheet.topics.models import Topic
from tests.conftest import outlet_today

PAGE_CACHE_BACKENDS = {"pages": {"BACKEND": "broadsheet.caching.backends.PageCacheBackend"}}


@dataclass
class Room:
    politics: SectionPage
    economy: SectionPage
    topic: Topic
    author: Author
    expert: Expert
    articles: list[ArticlePage] = field(default_factory=list)

    @property
    def lead(self) -> ArticlePage:
        """The newest story: topic, byline and expert all set."""
        return self.articles[-1]


@pytest.fixture
def room(db):
    """Two sections, a topic, an author and an expert, and four stories from today and
    yesterday: enough for every reader page type to list something."""
    OutletSettings.for_site(Site.objects.get(is_default_site=True))
    politics = SectionPageFactory(title="Politics", slug="politics")
    economy = SectionPageFactory(title="Economy", slug="economy")
    topic = TopicFactory(name="Water security")
    author = AuthorFactory(name="Aytan Quell")
    expert = ExpertFactory(name="Lena Marsh")
    now = timezone.now()
    room = Room(politics, economy, topic, author, expert)
    for hours_ago, section, title in (
        (30, economy, "Pipeline tariffs rise for the third time"),
        (26, politics, "Parliament opens its autumn session"),
        (3, economy, "Grain exports recover after the drought"),
        (1, politics, "River treaty talks resume in the capital"),
    ):
        room.articles.append(
            ArticlePageFactory(
                parent=section,
                title=title,
                first_published_at=now - timedelta(hours=hours_ago),
                topics=[topic],
                authors=[author],
                experts=[expert] if section is politics else [],
                is_top_story=hours_ago == 1,
            )
        )
    return room


def reader_surfaces(room: Room) -> dict[str, str]:
    """Every reader page type, by name: pages, directories, archives, feeds and sitemaps."""
    today = outlet_today()
    return {
        "home": "/",
        "section": room.politics.url,
        "article": room.lead.url,
        "older article": room.articles[0].url,
        "topic": room.topic.get_absolute_url(),
        "author": room.author.get_absolute_url(),
        "expert": room.expert.get_absolute_url(),
        "topics": reverse("topics:index"),
        "authors": reverse("authors:index"),
        "experts": reverse("experts:index"),
        "day archive": reverse("news:day", args=(today.year, today.month, today.day)),
        "all news": reverse("news:index"),
        "corrections": reverse("desk:corrections"),
        "site feed": reverse("distribution:feed"),
        "site JSON feed": reverse("distribution:feed-json"),
        "section feed": reverse("distribution:section-feed", args=("politics",)),
        "topic feed": reverse("distribution:topic-feed", args=(room.topic.slug,)),
        "author feed": reverse("distribution:author-feed", args=(room.author.slug,)),
        "sitemap index": reverse("distribution:sitemap-index"),
        "news sitemap": reverse("distribution:sitemap-news"),
        "article sitemap": reverse("distribution:sitemap", args=("articles",)),
        "section sitemap": reverse("distribution:sitemap", args=("sections",)),
        "topic sitemap": reverse("distribution:sitemap", args=("topics",)),
        "author sitemap": reverse("distribution:sitemap", args=("authors",)),
        "expert sitemap": reverse("distribution:sitemap", args=("experts",)),
        "robots.txt": reverse("distribution:robots"),
    }


@pytest.fixture
def page_cache(settings):
    """The embedded page cache on, reading the purge journal on every request."""
    settings.PAGE_CACHE = True
    settings.PAGE_CACHE_POLL_INTERVAL = 0
    settings.WAGTAILFRONTENDCACHE = PAGE_CACHE_BACKENDS
    return settings


@pytest.fixture
def cached_client(page_cache):
    """A client whose requests go through a page cache of its own (one web process's)."""
    return Client()


class FreshClient(Client):
    """Renders every page anew, taking no piece of it from the fragments a web process keeps."""

    def request(self, **request):
        with rendering_anew():
            return super().request(**request)


@pytest.fixture
def fresh_client():
    """A client that renders every page anew: what a reader would see with no cache at all."""
    client = FreshClient()
    with override_settings(PAGE_CACHE=False):
        client.get("/healthz")  # the middleware chain is built now, without the page cache
    return client
