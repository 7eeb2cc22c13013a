"""Reads of articles for reader pages. Everything here is live and public: safe to show."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db.models import (
    FETCH_PEERS,
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Now
from django.utils import timezone

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.authors.models import Author
from broadsheet.core.pages import any_view_restriction, unrestricted
from broadsheet.desk.models import Correction
from broadsheet.desk.selectors import article_corrections, story_updated_at
from broadsheet.discovery.models import ReadAlsoPick
from broadsheet.experts.models import Expert
from broadsheet.topics.models import Topic

LATEST_NEWS_LIMIT = 40
READ_ALSO_LIMIT = 6
# About two weeks of output at the reference cadence: enough to fill every home-page block.
RECENT_WINDOW = 500
# A list of at most this many stories is read from its own rows and sorted; a longer one down
# the publication-time index until the page is full. SQLite keeps no table statistics to choose
# between the two itself, and each way is slow on the other kind of list.
SHORT_LIST = 200
# What a list shows of a story (card, row, Latest news line), its address and its cache stamps.
# Lists load nothing else: a story's other fields would only cost time on every page.
LISTED_FIELDS = (
    "title",
    "url_path",
    "first_published_at",
    "last_published_at",
    "second_line",
    "deck",
    "kind",
    "label",
    "lead_image",
)


def published_articles(*, before: datetime | None = None) -> QuerySet[ArticlePage]:
    """Live, public articles, newest first, without their bodies: the base of every list.

    A story under embargo has its publication time at the embargo's end, so keeping to the past
    keeps it out of every list until then. `before`, a moment already past, ends the list there
    instead: given both ends, SQLite reads the publication-time index from the present down.
    """
    if before is not None and before <= timezone.now():
        return published_until(Q(first_published_at__lt=before))
    return published_now().all()


@cache
def published_now() -> QuerySet[ArticlePage]:
    """published_articles() up to the database's present, built once and copied for each use.

    Never evaluated itself. Building the filters costs more than copying them, on every list.
    """
    return published_until(Q(first_published_at__lte=Now()))


def published_until(published: Q) -> QuerySet[ArticlePage]:
    return (
        ArticlePage.objects.live()
        .filter(published, unrestricted())
        .defer_streamfields()
        .order_by("-first_published_at", "-pk")
    )


def listed(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """Stories as lists show them: LISTED_FIELDS only (`.defer(None)` brings back the rest).

    A field left out still loads when read, in one query for the whole list, not one a story.
    """
    return articles.only(*LISTED_FIELDS).fetch_mode(FETCH_PEERS)


def with_lead_images(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """For lists that show pictures: the images and their renditions come in two queries."""
    return articles.select_related("lead_image").prefetch_related("lead_image__renditions")


def recent_articles() -> QuerySet[ArticlePage]:
    """The newest RECENT_WINDOW stories, as a subquery: what "recent" means on the front page."""
    return published_articles().values("pk")[:RECENT_WINDOW]


def latest_articles(*, limit: int = LATEST_NEWS_LIMIT) -> list[ArticlePage]:
    """The site-wide 'Latest news' feed."""
    return list(listed(published_articles())[:limit])


def among(articles: QuerySet[ArticlePage], links: QuerySet, story: str) -> QuerySet[ArticlePage]:
    """`articles` narrowed to the stories that `links` rows point at through their `story` field.

    Looks at most SHORT_LIST links ahead to choose how the database reads the list.
    """
    if links.values(story)[: SHORT_LIST + 1].count() <= SHORT_LIST:
        return articles.filter(pk__in=links.values(story))
    long_list = articles.filter(Exists(links.filter(**{story: OuterRef("pk")})))
    # Longer than a pager counts (core.pagination): counting it would only read the index again.
    long_list.uncounted = True
    return long_list


def section_articles(*, section) -> QuerySet[ArticlePage]:
    stories = with_lead_images(listed(published_articles().child_of(section)))
    # The section's own count of pages below it (treebeard's numchild) says how to read them.
    if section.numchild <= SHORT_LIST:
        return stories.filter(pk__in=section.get_children().values("pk"))
    stories.uncounted = True
    return stories


@dataclass
class FrontPage:
    top_stories: list[ArticlePage]
    by_section: dict[int, list[ArticlePage]]
    latest: list[ArticlePage]


def front_page(*, sections, per_section: int, top_limit: int = 5) -> FrontPage:
    """Top stories, each section's newest and Latest news, usually in two queries.

    All three come from the site's newest RECENT_WINDOW stories, read once as ids and then as
    stories; a section too quiet to fill its block from those gets a query of its own.
    """
    recent = list(published_articles().values_list("pk", "path", "is_top_story")[:RECENT_WINDOW])
    latest = [pk for pk, _, _ in recent[:LATEST_NEWS_LIMIT]]
    top = [pk for pk, _, is_top in recent if is_top][:top_limit]
    blocks: dict[str, list[int]] = {section.path: [] for section in sections}
    for pk, path, _ in recent:
        block = blocks.get(path[: -ArticlePage.steplen])
        if block is not None and len(block) < per_section:
            block.append(pk)
    wanted = {*latest, *top, *(pk for block in blocks.values() for pk in block)}
    stories = {
        story.pk: story
        for story in with_lead_images(listed(ArticlePage.objects.filter(pk__in=wanted)))
    }
    by_section = {}
    for section in sections:
        if len(blocks[section.path]) < per_section:
            by_section[section.pk] = list(section_articles(section=section)[:per_section])
        else:
            by_section[section.pk] = [stories[pk] for pk in blocks[section.path] if pk in stories]
    return FrontPage(
        top_stories=[stories[pk] for pk in top if pk in stories],
        by_section=by_section,
        latest=[stories[pk] for pk in latest if pk in stories],
    )


def topic_articles(*, topic) -> QuerySet[ArticlePage]:
    links = ArticlePage.topics.through.objects.filter(topic=topic)
    return among(with_lead_images(listed(published_articles())), links, "articlepage_id")


def author_articles(*, author) -> QuerySet[ArticlePage]:
    links = ArticleByline.objects.filter(author=author)
    return among(with_lead_images(listed(published_articles())), links, "page_id")


def expert_articles(*, expert) -> QuerySet[ArticlePage]:
    links = ArticlePage.experts.through.objects.filter(expert=expert)
    return among(with_lead_images(listed(published_articles())), links, "articlepage_id")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last instant of `day` in the active (the outlet's) time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def day_articles(*, day: date) -> QuerySet[ArticlePage]:
    start, end = day_bounds(day)
    return listed(published_articles(before=end)).filter(first_published_at__gte=start)


def neighbouring_days(*, day: date) -> tuple[date | None, date | None]:
    """The nearest earlier and later days that have published articles."""
    start, end = day_bounds(day)
    earlier = published_articles(before=start).order_by("-first_published_at")
    later = published_articles().filter(first_published_at__gte=end).order_by("first_published_at")
    zone = timezone.get_current_timezone()
    found = []
    for query in (earlier, later):
        moment = query.values_list("first_published_at", flat=True).first()
        found.append(moment.astimezone(zone).date() if moment else None)
    return found[0], found[1]


def read_also(*, article: ArticlePage, topic_ids: list[int], limit: int = READ_ALSO_LIMIT):
    """Other live articles for the 'Read also' block.

    The worker's stored ranking (discovery.services.read_also_refresh), in one query, filtered
    again for readers: a pick unpublished or embargoed since is skipped. Until the worker has
    ranked a story: recent pieces sharing a topic, newest first, then the same section's, then
    the site's, in one query over the recent stories whatever the size of the archive.
    """
    if getattr(article, "read_also_ranked", True):
        stored = list(
            listed(published_articles())
            .filter(read_also_picked__article=article)
            .order_by("read_also_picked__position")[:limit]
        )
        if stored:
            return stored
    shares_topic = Exists(
        ArticlePage.topics.through.objects.filter(
            articlepage_id=OuterRef("pk"), topic_id__in=topic_ids
        )
    )
    parent_path = article.path[: -ArticlePage.steplen]
    in_section = Q(path__startswith=parent_path, depth=article.depth)
    return list(
        listed(ArticlePage.objects.filter(pk__in=recent_articles()))
        .exclude(pk=article.pk)
        .annotate(
            tier=Case(When(shares_topic, then=Value(0)), When(in_section, then=Value(1)), default=2)
        )
        .order_by("tier", "-first_published_at", "-pk")[:limit]
    )


def story_at(*, section, slug: str) -> ArticlePage | None:
    """The story at /<section>/<slug>/, read with what its page needs to know up front.

    Whether it carries notes (most stories do not, and the page then skips their query), whether
    the worker has ranked its Read also yet, and whether the site has view restrictions (see
    RestrictionsReadAhead).
    """
    return (
        ArticlePage.objects.child_of(section)
        .filter(slug=slug)
        .select_related("lead_image")
        .annotate(
            has_notes=Exists(Correction.objects.filter(page_id=OuterRef("pk"))),
            read_also_ranked=Exists(ReadAlsoPick.objects.filter(article_id=OuterRef("pk"))),
            any_view_restriction=any_view_restriction(),
        )
        .first()
    )


def story_credits(*, article: ArticlePage) -> tuple[list[Author], list[Topic], list[Expert]]:
    """The story's byline authors in byline order, its topics and experts by name, in one query.

    Each comes with its name and slug, all a story page shows of it; anything else loads on use.
    """
    rows = (
        ArticleByline.objects.filter(page=article)
        .annotate(
            kind=Value("author"),
            link=F("author_id"),
            name=F("author__name"),
            slug=F("author__slug"),
            position=F("sort_order"),
        )
        .order_by()
        .values_list("kind", "link", "name", "slug", "position")
        .union(
            *(
                through.objects.filter(articlepage=article)
                .annotate(
                    kind=Value(kind),
                    link=F(f"{kind}_id"),
                    name=F(f"{kind}__name"),
                    slug=F(f"{kind}__slug"),
                    position=Value(0, output_field=IntegerField()),
                )
                .order_by()
                .values_list("kind", "link", "name", "slug", "position")
                for kind, through in (
                    ("topic", ArticlePage.topics.through),
                    ("expert", ArticlePage.experts.through),
                )
            ),
            all=True,
        )
        .order_by("kind", "position", "name")
    )
    credits = {"author": (Author, []), "topic": (Topic, []), "expert": (Expert, [])}
    for kind, pk, name, slug, _ in rows:
        model, found = credits[kind]
        found.append(model.from_db(rows.db, ["id", "name", "slug"], [pk, name, slug]))
    return tuple(found for _, found in credits.values())


def article_page_context(*, article: ArticlePage) -> dict:
    authors, topics, experts = story_credits(article=article)
    notes = article_corrections(article=article) if getattr(article, "has_notes", True) else []
    return {
        "corrections": notes,
        "updated_at": story_updated_at(notes),
        "section": article.get_parent().specific_deferred,
        "authors": authors,
        "topics": topics,
        "experts": experts,
        "read_also": read_also(article=article, topic_ids=[topic.pk for topic in topics]),
        "latest_news": latest_articles(),
    }
