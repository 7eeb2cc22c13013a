"""Reads for the feeds: what each feed covers, its validator, and its stories."""

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from wagtail.models import Site

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.articles.selectors import (
    author_articles,
    published_articles,
    section_articles,
    topic_articles,
    with_lead_images,
)
from broadsheet.authors.models import Author
from broadsheet.core.models import OutletSettings
from broadsheet.core.outlet import outlet_settings
from broadsheet.core.pages import below, unrestricted
from broadsheet.sections.models import SectionPage
from broadsheet.topics.models import Topic

FEED_LENGTH = 50


@dataclass
class FeedScope:
    """What one feed covers: its own title and address, and the reader-safe stories in it."""

    request: HttpRequest
    outlet: OutletSettings
    key: str
    title: str
    description: str
    link: str
    articles: QuerySet[ArticlePage]

    @cached_property
    def state(self) -> dict:
        """The feed's validator: how many stories, the newest release and the newest edit.

        Publishing, embargo ends and unpublishing change the count or the newest release;
        edits and corrections go out as a republish, which moves `last_published_at`.
        """
        return self.articles.order_by().aggregate(
            count=Count("pk"),
            released=Max("first_published_at"),
            edited=Max("last_published_at"),
        )

    @property
    def last_modified(self):
        moments = [moment for moment in (self.state["released"], self.state["edited"]) if moment]
        return max(moments, default=None)

    @property
    def etag(self) -> str:
        parts = [self.key, self.title, self.description, self.outlet.outlet_name, self.state]
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        # Weak: the same stories give the same feed, but not byte for byte (e.g. an empty feed's
        # build date is the time of the request).
        return f'W/"{digest}"'


def site_scope(request: HttpRequest) -> FeedScope:
    outlet = outlet_settings(request)
    return FeedScope(
        request=request,
        outlet=outlet,
        key="site",
        title=outlet.outlet_name,
        description=outlet.tagline or f"The latest stories from {outlet.outlet_name}",
        link=request.build_absolute_uri("/"),
        articles=published_articles(),
    )


def section_scope(request: HttpRequest, *, slug: str) -> FeedScope:
    site = Site.find_for_request(request)
    section = (
        SectionPage.objects.live()
        .filter(unrestricted(), below(site.root_page.path), slug=slug)
        .filter(depth=site.root_page.depth + 1)
        .first()
        if site
        else None
    )
    if section is None:
        raise Http404("No such section")
    outlet = outlet_settings(request)
    return FeedScope(
        request=request,
        outlet=outlet,
        key=f"section/{section.pk}",
        title=f"{section.title} | {outlet.outlet_name}",
        description=section.intro or f"The latest {section.title} stories",
        link=request.build_absolute_uri(section.get_url(request)),
        articles=section_articles(section=section),
    )


def topic_scope(request: HttpRequest, *, slug: str) -> FeedScope:
    topic = get_object_or_404(Topic, slug=slug)
    outlet = outlet_settings(request)
    return FeedScope(
        request=request,
        outlet=outlet,
        key=f"topic/{topic.pk}",
        title=f"{topic.name} | {outlet.outlet_name}",
        description=topic.description or f"The latest stories about {topic.name}",
        link=request.build_absolute_uri(topic.get_absolute_url()),
        articles=topic_articles(topic=topic),
    )


def author_scope(request: HttpRequest, *, slug: str) -> FeedScope:
    author = get_object_or_404(Author, slug=slug)
    outlet = outlet_settings(request)
    return FeedScope(
        request=request,
        outlet=outlet,
        key=f"author/{author.pk}",
        title=f"{author.name} | {outlet.outlet_name}",
        description=f"The latest stories by {author.name}",
        link=request.build_absolute_uri(author.get_absolute_url()),
        articles=author_articles(author=author),
    )


def feed_articles(articles: QuerySet[ArticlePage]) -> list[ArticlePage]:
    """The newest stories with everything an item shows, in a fixed number of queries."""
    return list(
        with_lead_images(articles)
        # published_articles() leaves the body out of lists; a feed item carries it whole.
        .defer(None)
        .prefetch_related(
            Prefetch(
                "bylines",
                queryset=ArticleByline.objects.select_related("author").order_by("sort_order"),
            ),
            "topics",
            "corrections",
        )[:FEED_LENGTH]
    )
