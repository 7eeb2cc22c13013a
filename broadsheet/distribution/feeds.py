"""RSS, Atom and JSON feeds of the latest stories: the whole site, a section, a topic, an author.

One Feed class per scope fills in Django's syndication hooks; the format is the feed generator
it is built with (see urls.py), so the three formats always carry the same items.
"""

import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlparse

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape, format_html
from django.views.decorators.http import condition
from wagtail.images.models import AbstractRendition

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.caching import keys
from broadsheet.caching.fragments import fragments
from broadsheet.desk.selectors import story_updated_at
from broadsheet.distribution.feed_selectors import (
    FEED_LENGTH,
    FeedScope,
    author_scope,
    feed_articles,
    section_scope,
    site_scope,
    topic_scope,
)
from broadsheet.distribution.feedgenerators import AtomFeed, JsonFeed, RssFeed

FORMATS = {"rss": RssFeed, "atom": AtomFeed, "json": JsonFeed}
# The widest lead rendition article pages already ask for, so it usually exists.
ENCLOSURE_SPEC = "fill-1280x720"
# Ids are tag URIs (RFC 4151) built from the page id, which survives a new slug, section or
# headline. The date only has to be one on which the outlet held its domain; it is fixed rather
# than the story's own date because an embargo moves a story's publication time.
# https://www.rfc-editor.org/rfc/rfc4151
TAG_DATE = "2024"


def tag_uri(specific: str) -> str:
    authority = urlparse(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
    return f"tag:{authority},{TAG_DATE}:{specific}"


@dataclass
class FeedEntry:
    """One story as every feed format shows it, with its addresses already absolute."""

    article: ArticlePage
    url: str
    bylines: list[dict]
    topics: list[str]
    updated_at: datetime
    content_html: str
    enclosure: AbstractRendition | None
    enclosure_url: str | None


@dataclass(frozen=True)
class FeedLine:
    """A story in a feed, read lightly: enough to tell whether an item kept for it still holds.

    `key` names everything the item shows: the story's published revision and times, its
    address, the names of its authors and topics, its lead image, the zone its times are in.
    """

    pk: int
    key: tuple


def feed_lines(scope: FeedScope, format: str) -> list[FeedLine]:
    request = scope.request
    articles = list(scope.articles.select_related("lead_image").only(*LINE_FIELDS)[:FEED_LENGTH])
    pks = [article.pk for article in articles]
    authors: dict[int, list[tuple[str, str]]] = {}
    for page_id, name, slug in (
        ArticleByline.objects.filter(page_id__in=pks)
        .order_by("sort_order", "pk")
        .values_list("page_id", "author__name", "author__slug")
    ):
        authors.setdefault(page_id, []).append((name, slug))
    topics: dict[int, list[str]] = {}
    for article_id, name in ArticlePage.topics.through.objects.filter(
        articlepage_id__in=pks
    ).values_list("articlepage_id", "topic__name"):
        topics.setdefault(article_id, []).append(name)
    zone = timezone.get_current_timezone_name()
    lines = []
    for article in articles:
        image = article.lead_image
        lines.append(
            FeedLine(
                pk=article.pk,
                key=(
                    "feed item",
                    format,
                    article.pk,
                    # With its time: a row id can come back after a delete, a time cannot.
                    article.live_revision_id,
                    article.latest_revision_created_at,
                    article.last_published_at,
                    article.first_published_at,
                    request.build_absolute_uri(article.get_url(request)),
                    tuple(authors.get(article.pk, ())),
                    tuple(sorted(topics.get(article.pk, ()))),
                    image
                    and (
                        image.pk,
                        image.file.name,
                        image.focal_point_x,
                        image.focal_point_y,
                        image.focal_point_width,
                        image.focal_point_height,
                    ),
                    zone,
                ),
            )
        )
    return lines


LINE_FIELDS = (
    "url_path",
    "live_revision",
    "latest_revision_created_at",
    "first_published_at",
    "last_published_at",
    "lead_image__file",
    "lead_image__width",
    "lead_image__height",
    "lead_image__focal_point_x",
    "lead_image__focal_point_y",
    "lead_image__focal_point_width",
    "lead_image__focal_point_height",
)


def feed_entries(scope: FeedScope, pks: list[int]) -> list[FeedEntry]:
    """The stories `pks` of the feed, in full."""
    if not pks:
        return []
    request = scope.request
    articles = feed_articles(scope.articles.filter(pk__in=pks))
    urls = [request.build_absolute_uri(article.get_url(request)) for article in articles]
    contents = feed_contents(articles, urls)
    entries = []
    for article, url, content in zip(articles, urls, contents, strict=True):
        rendition = article.lead_image.get_rendition(ENCLOSURE_SPEC) if article.lead_image else None
        entries.append(
            FeedEntry(
                article=article,
                url=url,
                bylines=[
                    {
                        "name": byline.author.name,
                        "url": request.build_absolute_uri(byline.author.get_absolute_url()),
                    }
                    for byline in article.bylines.all()
                ],
                topics=[topic.name for topic in article.topics.all()],
                updated_at=updated_at(article),
                content_html=content,
                enclosure=rendition,
                enclosure_url=request.build_absolute_uri(rendition.url) if rendition else None,
            )
        )
    return entries


def updated_at(article: ArticlePage):
    """The story's public "Updated" time: its newest note, never before its publication."""
    noted = story_updated_at(list(article.corrections.all()))
    return max(noted, article.first_published_at) if noted else article.first_published_at


def feed_contents(articles: list[ArticlePage], urls: list[str]) -> list[str]:
    """Each story's body as a feed item carries it, with absolute addresses.

    A publish purges every feed the story is in, and each is rendered again at once; only the
    bodies this process has not rendered at their live revision (and address) are rendered.
    """
    stories = {
        (
            "feed body",
            article.pk,
            article.live_revision_id,
            article.latest_revision_created_at,
            url,
        ): (article, url)
        for article, url in zip(articles, urls, strict=True)
    }

    def render(keys) -> list[str]:
        bodies = body_html([stories[key][0] for key in keys])
        return [
            absolute_urls(bodies[article.pk], base=url)
            or format_html("<p>{}</p>", article.deck or article.title)
            for article, url in (stories[key] for key in keys)
        ]

    return fragments().get_many(list(stories), render)


def body_html(articles: list[ArticlePage]) -> dict[int, str]:
    """Every story's body as the article page renders it, with one query for all body images.

    Rendering each page's body on its own would fetch its images (and their renditions) per story.
    """
    stream_block = ArticlePage._meta.get_field("body").stream_block
    streams = stream_block.bulk_to_python([list(article.body.raw_data) for article in articles])
    images = [
        child.value["image"]
        for stream in streams
        for child in stream
        if child.block_type == "image" and child.value.get("image")
    ]
    prefetch_related_objects(images, "renditions")
    return {
        article.pk: "".join(child.render() for child in stream)
        for article, stream in zip(articles, streams, strict=True)
    }


# Only our own templates and Wagtail's rich text write these attributes, always double-quoted.
URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
SRCSET_ATTRIBUTE = re.compile(r'(\ssrcset=")([^"]*)(")')


def absolute_urls(html: str, *, base: str) -> str:
    """Feed readers show the body away from the site: every link and image needs its host."""

    def link(match):
        return f"{match[1]}{urljoin(base, match[2])}{match[3]}"

    def srcset(match):
        candidates = []
        for candidate in match[2].split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            candidates.append(f"{urljoin(base, url)} {descriptor}".strip())
        return f"{match[1]}{', '.join(candidates)}{match[3]}"

    return SRCSET_ATTRIBUTE.sub(srcset, URL_ATTRIBUTE.sub(link, html)).strip()


class ArticleFeed(Feed):
    """The latest stories of a scope; subclasses say which scope from the URL's arguments."""

    def __init__(self, format: str = "rss"):
        self.format = format
        self.feed_type = FORMATS[format]

    def scope(self, request: HttpRequest, **kwargs) -> FeedScope:
        raise NotImplementedError

    def __call__(self, request, *args, **kwargs):
        scope = self.scope(request, **kwargs)
        # A scope's key ("section/5") names the purge key of its stories ("section-5"); the
        # site's feed lists all news.
        keys.tag(
            request, keys.FEEDS, keys.NEWS if scope.key == "site" else scope.key.replace("/", "-")
        )

        @condition(
            etag_func=lambda request, **kwargs: scope.etag,
            last_modified_func=lambda request, **kwargs: scope.last_modified,
        )
        def view(request, **kwargs):
            response = super(ArticleFeed, self).__call__(request, scope=scope)
            # Django dates the response by its newest item; a silent edit changes the feed's
            # content too, so the validator's time (which counts edits) answers instead.
            response.headers.pop("Last-Modified", None)
            return response

        return view(request, **kwargs)

    def get_object(self, request, scope):
        return scope

    def get_feed(self, obj, request):
        # After a publish every feed showing the story is rendered again, at once, in every web
        # process: only the items of stories this process has not written as they are now are
        # read in full and written; the others are as this process last wrote them.
        lines = feed_lines(obj, self.format)
        kept = {line.pk: fragments().get(line.key) for line in lines}
        obj.anew = [line.pk for line in lines if kept[line.pk] is None]
        feed = super().get_feed(obj, request)
        made = {item["story"]: item for item in feed.items}
        feed.items = [
            kept[line.pk] or made[line.pk] | {"fragment_key": line.key}
            for line in lines
            # A story unpublished between the two reads has no item.
            if kept[line.pk] or line.pk in made
        ]
        feed.feed["language"] = obj.outlet.language
        return feed

    def title(self, scope):
        return scope.title

    def link(self, scope):
        return scope.link

    def description(self, scope):
        return scope.description

    def feed_guid(self, scope):
        return tag_uri(f"feed/{scope.key}")

    def author_name(self, scope):
        return scope.outlet.outlet_name

    def author_link(self, scope):
        return scope.request.build_absolute_uri("/")

    def items(self, scope):
        return feed_entries(scope, scope.anew)

    def item_title(self, entry):
        return entry.article.title

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        return tag_uri(f"article/{entry.article.pk}")

    def item_guid_is_permalink(self, entry):
        return False

    def item_pubdate(self, entry):
        return timezone.localtime(entry.article.first_published_at)

    def item_updateddate(self, entry):
        return timezone.localtime(entry.updated_at)

    def item_description(self, entry):
        # RSS descriptions and Atom summaries are HTML and the deck is plain text. The RSS profile
        # wants a description on every item that has content:encoded, so a story without a deck
        # repeats its headline. https://www.rssboard.org/rss-profile#namespace-elements-content
        return escape(entry.article.deck or entry.article.title)

    def item_author_name(self, entry):
        return ", ".join(byline["name"] for byline in entry.bylines) or None

    def item_categories(self, entry):
        return entry.topics

    def item_enclosure_url(self, entry):
        return entry.enclosure_url

    def item_enclosure_length(self, entry):
        return entry.enclosure.file.size

    def item_enclosure_mime_type(self, entry):
        return mimetypes.guess_type(entry.enclosure.file.name)[0] or "image/jpeg"

    def item_extra_kwargs(self, entry):
        return {
            "story": entry.article.pk,
            "content_html": entry.content_html,
            "summary_text": entry.article.deck,
            "bylines": entry.bylines,
            "image_url": entry.enclosure_url,
        }


class SiteFeed(ArticleFeed):
    def scope(self, request, **kwargs):
        return site_scope(request)


class SectionFeed(ArticleFeed):
    def scope(self, request, *, section, **kwargs):
        return section_scope(request, slug=section)


class TopicFeed(ArticleFeed):
    def scope(self, request, *, slug, **kwargs):
        return topic_scope(request, slug=slug)


class AuthorFeed(ArticleFeed):
    def scope(self, request, *, slug, **kwargs):
        return author_scope(request, slug=slug)
