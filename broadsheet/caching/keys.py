"""Surrogate keys: what a reader response shows, so a change purges exactly the pages showing it.

A view tags its request with everything it shows, in one line:

    keys.tag(request, article, section, topics, read_also, keys.latest(latest_news))

Models become `article-12`, `section-3`, `topic-7`, `author-2`, `expert-5` (`home` for the home
page); lists, tuples, querysets and paginator pages are walked; strings are keys as they are.
The response then carries the keys (middleware.py) and is cacheable; an untagged one is not.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model
from django.http import HttpRequest

# Every reader response shows the site itself: its name, navigation and breaking-news banner.
SITE = "site"
# Pages carrying the Latest news block: home, sections, articles.
LATEST = "latest"
# Lists of every story: All news and its days, corrections, the site's feeds, search results.
NEWS = "news"
HOME = "home"
FEEDS = "feeds"
SITEMAPS = "sitemaps"
# The directories: every topic, author and expert.
TOPICS = "topics"
AUTHORS = "authors"
EXPERTS = "experts"

PREFIXES = {
    "articles.articlepage": "article",
    "sections.sectionpage": "section",
    "topics.topic": "topic",
    "authors.author": "author",
    "experts.expert": "expert",
}
SINGLE = {"home.homepage": HOME}


def key_for(obj: Model) -> str:
    return SINGLE.get(obj._meta.label_lower) or f"{prefix(type(obj))}-{obj.pk}"


def keys_for(model: type[Model], pks: Iterable) -> list[str]:
    """The keys of `model`'s rows with these primary keys, without loading them."""
    return [f"{prefix(model)}-{pk}" for pk in pks]


def prefix(model: type[Model]) -> str:
    return PREFIXES.get(model._meta.label_lower, model._meta.model_name)


@dataclass(frozen=True)
class Tagged:
    """Keys with the newest moment they stand for, for what a page shows without listing it."""

    keys: tuple[str, ...]
    modified: datetime | None = None


def latest(articles: Iterable) -> Tagged:
    """The Latest news block: one key, not forty, and the time of its newest story."""
    # Iterating (not indexing) leaves a queryset evaluated for the template: no second query.
    newest = next(iter(articles), None)
    return Tagged(keys=(LATEST,), modified=newest.first_published_at if newest else None)


class RequestTags:
    """What one request's response shows: its keys, in the order tagged, and newest change."""

    __slots__ = ("keys", "modified", "brief")

    def __init__(self):
        self.keys: dict[str, None] = {SITE: None}
        self.modified: datetime | None = None
        self.brief = False

    def add(self, item) -> None:
        if item is None:
            return
        if isinstance(item, str):
            self.keys[item] = None
        elif isinstance(item, Model):
            self.keys[key_for(item)] = None
            # Read from the instance's own fields: a deferred field would cost a query per item.
            fields = vars(item)
            self.stamp(fields.get("last_published_at"))
            self.stamp(fields.get("first_published_at"))
        elif isinstance(item, Tagged):
            self.keys.update(dict.fromkeys(item.keys))
            self.stamp(item.modified)
        elif isinstance(item, Iterable):
            for child in item:
                self.add(child)
        else:
            raise TypeError(f"Cannot tag a response with {item!r}")

    def stamp(self, moment: datetime | None) -> None:
        if moment is not None and (self.modified is None or moment > self.modified):
            self.modified = moment


def tag(request: HttpRequest, *items, brief: bool = False) -> None:
    """Declare what the response to `request` shows; a tagged response may be cached publicly.

    `brief` asks for the short lifetime of pages no purge can follow, such as search results.
    """
    if request is None:
        return  # rendered outside a request (a test, a management command): nothing to cache
    tags = request_tags(request)
    if tags is None:
        tags = request._cache_tags = RequestTags()
    for item in items:
        tags.add(item)
    tags.brief |= brief


def request_tags(request: HttpRequest) -> RequestTags | None:
    return getattr(request, "_cache_tags", None)
