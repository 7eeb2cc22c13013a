"""Fixtures of the hostile-input suite: the reader URLs to attack and a desk to attack from."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.models import Page

from broadsheet.articles.models import ArticlePage
from broadsheet.desk.roles import CHIEF_EDITORS, EDITORS, desk_roles_ensure
from broadsheet.distribution.sitemaps import STANDARD_SITEMAPS

# The query parameters each reader view reads (grep request.GET, SearchForm, the sitemap view),
# by route name; every URL also gets one it never reads, which pagination links carry along.
SEARCH_PARAMETERS = ("q", "section", "kind", "author", "date_from", "date_to", "page")
LISTS = ("page",)
UNREAD = "utm_source"
ROUTES = {
    "healthz": (),
    # Wagtail's own reader views: sign-in and the password form of a restricted page.
    "wagtailcore_login": ("next",),
    "wagtailcore_authenticate_with_password": (),
    # A draft shared with someone outside the desk, by its token.
    "preview_share": (),
    "readyz": (),
    "metrics": (),
    "news:index": LISTS,
    "news:day": LISTS,
    "topics:index": (),
    "topics:detail": LISTS,
    "authors:index": (),
    "authors:detail": LISTS,
    "experts:index": (),
    "experts:detail": LISTS,
    "discovery:search": SEARCH_PARAMETERS,
    "desk:corrections": LISTS,
    "distribution:robots": (),
    "distribution:sitemap-index": (),
    "distribution:sitemap-news": ("p",),
    "distribution:sitemap": ("p",),
    "distribution:feed": (),
    "distribution:feed-atom": (),
    "distribution:feed-json": (),
    "distribution:topic-feed": (),
    "distribution:topic-feed-atom": (),
    "distribution:topic-feed-json": (),
    "distribution:author-feed": (),
    "distribution:author-feed-atom": (),
    "distribution:author-feed-json": (),
    "distribution:section-feed": (),
    "distribution:section-feed-atom": (),
    "distribution:section-feed-json": (),
}
# Outside the reader's site: the admin (attacked through its forms), Wagtail's document
# downloads and uploaded media, and Wagtail's page tree (its pages are listed from the tree).
NOT_READER_PREFIXES = ("admin/", "documents/", "^media/")
# Monitoring answers 503 by design while no desk worker runs (as in these tests).
MONITORING = {"healthz", "readyz"}


@dataclass(frozen=True)
class ReaderUrl:
    path: str
    route: str
    parameters: tuple[str, ...]
    # The variable segments, as (prefix, suffix) around the segment: where a path payload goes.
    holes: tuple[tuple[str, str], ...] = ()


def urlconf_routes() -> dict[str, str]:
    """Every named route of the URLconf outside the admin, with its pattern: what readers reach."""
    found = {}

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if text.startswith(NOT_READER_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, text, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if pattern.name.startswith("wagtail_serve"):
                    continue
                found[namespace + pattern.name] = text

    walk(get_resolver().url_patterns)
    return found


def reader_urls(room) -> list[ReaderUrl]:
    """Every reader URL of the demo newsroom: each route with real values, and every live page."""
    topic, author, expert = room.topics[0], room.authors[0], room.experts[0]
    section = room.sections["politics"]
    values = {
        "news:day": ["/news/2024/06/20/"],
        "preview_share": ["/preview/not-a-token/"],
        "wagtailcore_authenticate_with_password": ["/_util/authenticate_with_password/1/1/"],
        "topics:detail": [f"/topics/{topic.slug}/"],
        "authors:detail": [f"/authors/{author.slug}/"],
        "experts:detail": [f"/experts/{expert.slug}/"],
        "distribution:sitemap": [f"/sitemap-{name}.xml" for name in STANDARD_SITEMAPS],
        "distribution:topic-feed": [f"/topics/{topic.slug}/feed/"],
        "distribution:topic-feed-atom": [f"/topics/{topic.slug}/feed/atom/"],
        "distribution:topic-feed-json": [f"/topics/{topic.slug}/feed.json"],
        "distribution:author-feed": [f"/authors/{author.slug}/feed/"],
        "distribution:author-feed-atom": [f"/authors/{author.slug}/feed/atom/"],
        "distribution:author-feed-json": [f"/authors/{author.slug}/feed.json"],
        "distribution:section-feed": [f"/{section.slug}/feed/"],
        "distribution:section-feed-atom": [f"/{section.slug}/feed/atom/"],
        "distribution:section-feed-json": [f"/{section.slug}/feed.json"],
    }
    holes = {
        "news:day": [("/news/", "/")],
        "preview_share": [("/preview/", "/")],
        "wagtailcore_authenticate_with_password": [("/_util/authenticate_with_password/", "/1/")],
        "topics:detail": [("/topics/", "/")],
        "authors:detail": [("/authors/", "/")],
        "experts:detail": [("/experts/", "/")],
        "distribution:sitemap": [("/sitemap-", ".xml")],
        "distribution:topic-feed-json": [("/topics/", "/feed.json")],
        "distribution:author-feed": [("/authors/", "/feed/")],
        "distribution:section-feed": [("/", "/feed/")],
    }
    patterns = urlconf_routes()
    urls = []
    for route, pattern in patterns.items():
        paths = values.get(route) or ["/" + pattern]
        for path in paths:
            parameters = ROUTES.get(route, ())  # a route not listed fails the URLconf test
            urls.append(ReaderUrl(path, route, parameters, tuple(holes.get(route, ()))))
    # The home page and every section; of the stories, one of each shape (the rest are alike).
    pages = list(Page.objects.live().public().not_type(ArticlePage).exclude(depth=1).specific())
    pages += [room.articles[0], room.interview, room.republished, room.photo_story]
    for page in pages:
        kind = type(page).__name__
        # Section fronts are paginated; the home page and stories read no parameter.
        parameters = LISTS if kind == "SectionPage" else ()
        urls.append(ReaderUrl(page.url, f"page:{kind}", parameters, ((page.url, "/"),)))
    return urls


@pytest.fixture
def desk_people(db):
    """An editor (stories, topics, authors, experts, breaking news) and a chief editor (the
    outlet's settings), in the desk's own roles."""
    groups = desk_roles_ensure()
    people = {}
    for name, group in (("ed", EDITORS), ("cora", CHIEF_EDITORS)):
        user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
        user.groups.set([groups[group]])
        people[name] = user
    return people
