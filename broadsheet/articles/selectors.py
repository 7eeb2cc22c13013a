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
from django.db.models.base import ModelState
from django.db.models.functions import Now
from django.db.models.signals import post_init, pre_init
from django.utils import timezone
from wagtail.images import get_image_model

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.authors.models import Author
from broadsheet.caching.memo import kept
from broadsheet.core.pages import any_view_restriction, below, unrestricted
from broadsheet.core.prepared import Listing, prepared, prepared_list
from broadsheet.desk.models import Correction
from broadsheet.desk.selectors import article_corrections, story_updated_at
from broadsheet.discovery.models import ReadAlsoPick
from broadsheet.experts.models import Expert
from broadsheet.topics.models import Topic

LATEST_NEWS_LIMIT = 40
READ_ALSO_LIMIT = 6
# About two weeks of output at the reference cadence: enough to fill every home-page block.
RECENT_WINDOW = 500
# Read also before the worker has ranked a story (seconds after its publication) picks from the
# newest this many. Stories sharing a topic come first, newest first, so the picks are those the
# whole RECENT_WINDOW would give whenever enough of them are this recent; at 100,000 demo stories
# 995 of 1,000 picks still share a topic (1,000 from 500). Its SQL: 1.85 ms from 500, 0.26 from 100.
READ_ALSO_FALLBACK_WINDOW = 100
# A list of at most this many stories is read from its own rows and sorted; a longer one down
# the publication-time index until the page is full. SQLite keeps no table statistics to choose
# between the two itself, and each way is slow on the other kind of list.
SHORT_LIST = 200
# What a list shows of a story (a card, a news row), its address and its cache stamps.
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

# What a Latest news line shows (cards.latest_news_item): forty of them head most pages.
LATEST_FIELDS = ("title", "url_path", "first_published_at", "second_line")


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


def listed(articles: QuerySet[ArticlePage], fields=LISTED_FIELDS) -> QuerySet[ArticlePage]:
    """Stories as lists show them: `fields` only (`.defer(None)` brings back the rest).

    A field left out still loads when read, in one query for the whole list, not one a story.
    """
    return articles.only(*fields).fetch_mode(FETCH_PEERS)


def with_lead_images(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """For lists that show pictures: the images and their renditions come in two queries."""
    return articles.select_related("lead_image").prefetch_related("lead_image__renditions")


def recent_articles(window: int = RECENT_WINDOW) -> QuerySet[ArticlePage]:
    """The newest `window` stories, as a subquery: what "recent" means on the front page."""
    return published_articles().values("pk")[:window]


def latest_articles(*, limit: int = LATEST_NEWS_LIMIT, request=None) -> list[ArticlePage]:
    """The site-wide 'Latest news' feed; for a request, kept from an earlier one when nothing
    has changed since (caching/memo.py). Shared: not to be changed."""
    return kept(request, ("latest", limit), lambda: list(latest_rows(limit=limit)))


@prepared
def latest_rows(*, limit: int) -> QuerySet[ArticlePage]:
    return listed(published_articles(), LATEST_FIELDS)[:limit]


# The rows linking a story to a topic, author or expert: (model, the entry's field, the story's).
LINKS = {
    "topic": (ArticlePage.topics.through, "topic_id", "articlepage_id"),
    "author": (ArticleByline, "author_id", "page_id"),
    "expert": (ArticlePage.experts.through, "expert_id", "articlepage_id"),
}


def linked_articles(*, kind: str, entry) -> QuerySet[ArticlePage]:
    """The stories of a topic, author or expert (`kind`), newest first, as lists show them."""
    long = is_long_list(entry.pk, kind=kind)
    stories = linked_rows(entry.pk, kind=kind, long=long)
    if long:
        # Longer than a pager counts (core.pagination): counting would only read the index again.
        stories.uncounted = True
    return stories


def linked_listing(*, kind: str, entry) -> Listing:
    """linked_articles() for a reader page, read a page at a time through prepared queries."""
    long = is_long_list(entry.pk, kind=kind)
    return linked_pages(entry.pk, kind=kind, long=long, uncounted=long)


def is_long_list(entry_id: int, *, kind: str) -> bool:
    """Whether the entry has more than SHORT_LIST stories, which says how to read them."""
    return len(list(linked_story_ids(entry_id, kind=kind, limit=SHORT_LIST + 1))) > SHORT_LIST


@prepared
def linked_story_ids(entry_id: int, *, kind: str, limit: int) -> QuerySet:
    model, entry, story = LINKS[kind]
    # Unordered: bylines are kept in order, and sorting every byline of a prolific author only
    # to count the first SHORT_LIST would read them all.
    links = model.objects.filter(**{entry: entry_id}).order_by()
    return links.values_list(story, flat=True)[:limit]


def linked_rows(entry_id: int, *, kind: str, long: bool) -> QuerySet[ArticlePage]:
    model, entry, story = LINKS[kind]
    links = model.objects.filter(**{entry: entry_id})
    articles = with_lead_images(listed(published_articles()))
    if not long:
        return articles.filter(pk__in=links.values(story))
    return articles.filter(Exists(links.filter(**{story: OuterRef("pk")})))


linked_pages = prepared_list(linked_rows)


def section_articles(*, section) -> QuerySet[ArticlePage]:
    # The section's own count of pages below it (treebeard's numchild) says how to read them.
    if section.numchild <= SHORT_LIST:
        stories = published_articles().filter(below(section.path), depth=section.depth + 1)
        return with_lead_images(listed(stories.filter(pk__in=section.get_children().values("pk"))))
    # Every story below a section is its child (stories have none of their own). Matched by path
    # alone, not depth too: SQLite, which keeps no statistics, would otherwise read every page at
    # that depth through an index on it (sections/migrations/0003) and sort them all.
    # A LIKE, not below(): SQLite cannot use the path index for a pattern given as a parameter,
    # and that is the point here; with a range it reads the section's stories in path order
    # and sorts them all (80 ms for a section of 15,000 stories, against 5).
    stories = with_lead_images(listed(published_articles().filter(path__startswith=section.path)))
    stories.uncounted = True
    return stories


def section_listing(*, section) -> Listing:
    """section_articles() for the section's page, read a page at a time through prepared queries.

    The queries depend on the section's place in the tree and on whether it has no stories, a
    few, or many, not on how many exactly.
    """
    place = dict(section_place(section))
    return section_pages(**place, uncounted=place["numchild"] > SHORT_LIST)


def section_place(section) -> tuple:
    """What the queries of a section's stories depend on: its place in the tree, and whether it
    has no stories, a few, or many (not how many exactly), as hashable (name, value) pairs."""
    numchild = section.numchild and (1 if section.numchild <= SHORT_LIST else SHORT_LIST + 1)
    return (
        ("pk", section.pk),
        ("path", section.path),
        ("depth", section.depth),
        ("numchild", numchild),
    )


def section_rows(*, pk: int, path: str, depth: int, numchild: int) -> QuerySet[ArticlePage]:
    from broadsheet.sections.models import SectionPage

    return section_articles(section=SectionPage(pk=pk, path=path, depth=depth, numchild=numchild))


section_pages = prepared_list(section_rows)


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
    recent = list(recent_story_places())
    latest = [pk for pk, _, _ in recent[:LATEST_NEWS_LIMIT]]
    top = [pk for pk, _, is_top in recent if is_top][:top_limit]
    blocks: dict[str, list[int]] = {section.path: [] for section in sections}
    for pk, path, _ in recent:
        block = blocks.get(path[: -ArticlePage.steplen])
        if block is not None and len(block) < per_section:
            block.append(pk)
    wanted = {*latest, *top, *(pk for block in blocks.values() for pk in block)}
    stories = {story.pk: story for story in stories_by_id(*sorted(wanted))}
    by_section = {}
    for section in sections:
        if len(blocks[section.path]) < per_section:
            by_section[section.pk] = section_listing(section=section).rows(0, per_section)
        else:
            by_section[section.pk] = [stories[pk] for pk in blocks[section.path] if pk in stories]
    return FrontPage(
        top_stories=[stories[pk] for pk in top if pk in stories],
        by_section=by_section,
        latest=[stories[pk] for pk in latest if pk in stories],
    )


@prepared
def recent_story_places() -> QuerySet:
    """(id, tree path, top story?) of the newest RECENT_WINDOW stories."""
    return published_articles().values_list("pk", "path", "is_top_story")[:RECENT_WINDOW]


@prepared
def stories_by_id(*ids: int) -> QuerySet[ArticlePage]:
    """These stories as lists show them, with their pictures; one plan per count of ids."""
    return with_lead_images(listed(ArticlePage.objects.filter(pk__in=ids)))


def topic_articles(*, topic) -> QuerySet[ArticlePage]:
    return linked_articles(kind="topic", entry=topic)


def author_articles(*, author) -> QuerySet[ArticlePage]:
    return linked_articles(kind="author", entry=author)


def expert_articles(*, expert) -> QuerySet[ArticlePage]:
    return linked_articles(kind="expert", entry=expert)


def all_news_rows() -> QuerySet[ArticlePage]:
    return published_articles()


# All news, read a page at a time through prepared queries.
all_news_pages = prepared_list(all_news_rows)


# Python's calendar runs from 0001-01-01 to 9999-12-31, so the first and last days have no
# bounds in a zone ahead of or behind UTC: the archive (and search's date filters) stop a day in.
FIRST_DAY = date.min + timedelta(days=1)
LAST_DAY = date.max - timedelta(days=1)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last instant of `day` in the active (the outlet's) time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def day_articles(*, day: date) -> QuerySet[ArticlePage]:
    start, end = day_bounds(day)
    return day_rows(start, end, ended=end <= timezone.now())


def day_listing(*, day: date) -> Listing:
    """day_articles() for the day's page, read a page at a time through prepared queries."""
    start, end = day_bounds(day)
    return day_pages(start, end, ended=end <= timezone.now())


def day_rows(start: datetime, end: datetime, *, ended: bool) -> QuerySet[ArticlePage]:
    # A day not over yet lists what is published so far (published_articles(before=end)).
    published = published_until(Q(first_published_at__lt=end)) if ended else published_now().all()
    return listed(published).filter(first_published_at__gte=start)


day_pages = prepared_list(day_rows)


def neighbouring_days(*, day: date) -> tuple[date | None, date | None]:
    """The nearest earlier and later days that have published articles."""
    start, end = day_bounds(day)
    zone = timezone.get_current_timezone()
    found = []
    for query in (
        last_published_before(start, started=start <= timezone.now()),
        first_published_from(end),
    ):
        moment = next(iter(query), None)
        found.append(moment.astimezone(zone).date() if moment else None)
    return found[0], found[1]


@prepared
def last_published_before(start: datetime, *, started: bool) -> QuerySet:
    # A moment still ahead ends nothing: what is published so far (published_articles(before=)).
    published = published_until(Q(first_published_at__lt=start)) if started else published_now()
    newest_first = published.order_by("-first_published_at")
    return newest_first.values_list("first_published_at", flat=True)[:1]


@prepared
def first_published_from(end: datetime) -> QuerySet:
    return (
        published_articles()
        .filter(first_published_at__gte=end)
        .order_by("first_published_at")
        .values_list("first_published_at", flat=True)[:1]
    )


def read_also(*, article: ArticlePage, topic_ids: list[int], limit: int = READ_ALSO_LIMIT):
    """Other live articles for the 'Read also' block.

    The worker's stored ranking (discovery.services.read_also_refresh), in one query, filtered
    again for readers: a pick unpublished or embargoed since is skipped. Until the worker has
    ranked a story: recent pieces sharing a topic, newest first, then the same section's, then
    the site's, in one query over the recent stories whatever the size of the archive.
    """
    if getattr(article, "read_also_ranked", True):
        stored = list(read_also_stored(article.pk, limit=limit))
        if stored:
            return stored
    parent_path = article.path[: -ArticlePage.steplen]
    return list(
        read_also_fallback(
            article.pk, *topic_ids, parent_path=parent_path, depth=article.depth, limit=limit
        )
    )


@prepared
def read_also_fallback(
    article_id: int, *topic_ids: int, parent_path: str, depth: int, limit: int
) -> QuerySet[ArticlePage]:
    """Recent stories sharing a topic, newest first, then the same section's, then the site's."""
    shares_topic = Exists(
        ArticlePage.topics.through.objects.filter(
            articlepage_id=OuterRef("pk"), topic_id__in=topic_ids
        )
    )
    in_section = below(parent_path) & Q(depth=depth)
    return (
        listed(ArticlePage.objects.filter(pk__in=recent_articles(READ_ALSO_FALLBACK_WINDOW)))
        .exclude(pk=article_id)
        .annotate(
            tier=Case(When(shares_topic, then=Value(0)), When(in_section, then=Value(1)), default=2)
        )
        .order_by("tier", "-first_published_at", "-pk")[:limit]
    )


@prepared
def read_also_stored(article_id: int, *, limit: int) -> QuerySet[ArticlePage]:
    """The worker's ranking for the story, as readers may see it now."""
    return (
        listed(published_articles())
        .filter(read_also_picked__article_id=article_id)
        .order_by("read_also_picked__position")[:limit]
    )


def story_at(*, section, slug: str) -> ArticlePage | None:
    """The story at /<section>/<slug>/, read with what its page needs to know up front.

    Whether it carries notes (most stories do not, and the page then skips their query), whether
    the worker has ranked its Read also yet, and whether the site has view restrictions (see
    RestrictionsReadAhead).
    """
    found = list(story_rows(slug, section_path=section.path))
    return found[0] if found else None


@prepared
def story_rows(slug: str, *, section_path: str) -> QuerySet[ArticlePage]:
    return (
        # Below the section, by path alone (stories have no children): with the depth too, SQLite
        # would read every page at that depth through an index on it (sections/migrations/0003).
        ArticlePage.objects.filter(below(section_path), slug=slug)
        .select_related("lead_image")
        .annotate(
            has_notes=Exists(Correction.objects.filter(page_id=OuterRef("pk"))),
            read_also_ranked=Exists(ReadAlsoPick.objects.filter(article_id=OuterRef("pk"))),
            any_view_restriction=any_view_restriction(),
        )[:1]
    )


def story_credits(*, article: ArticlePage) -> tuple[list[Author], list[Topic], list[Expert]]:
    """The story's byline authors in byline order, its topics and experts by name, in one query.

    Each comes with its name and slug, all a story page shows of it; anything else loads on use.
    """
    rows = credit_rows(article.pk)
    credits = {"author": (Author, []), "topic": (Topic, []), "expert": (Expert, [])}
    for kind, pk, name, slug, _ in rows:
        model, found = credits[kind]
        found.append(named_entry(model, rows.db, pk, name, slug))
    return tuple(found for _, found in credits.values())


def named_entry(model, db: str, pk: int, name: str, slug: str):
    """An author, topic or expert read back with only its id, name and slug (the rest loads on
    use), as Model.from_db makes it, without running __init__ for the fields left out."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(db, ["id", "name", "slug"], [pk, name, slug])
    entry = model.__new__(model)
    entry._state = ModelState()
    entry._state.adding = False
    entry._state.db = db
    entry.id, entry.name, entry.slug = pk, name, slug
    return entry


@prepared
def credit_rows(article_id: int) -> QuerySet:
    return (
        ArticleByline.objects.filter(page_id=article_id)
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
                through.objects.filter(articlepage_id=article_id)
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


@prepared
def image_renditions(image_id: int) -> QuerySet:
    return get_image_model().get_rendition_model().objects.filter(image_id=image_id)


def lead_image_renditions_read(article: ArticlePage) -> None:
    """Every rendition of the story's lead image, in one query, for the page's <picture> and its
    social card to pick from (Wagtail looks among an image's `prefetched_renditions` first).
    Django's prefetch_related would cost the story page more than the query itself."""
    image = article.lead_image if article.lead_image_id else None
    if image is not None and getattr(image, "prefetched_renditions", None) is None:
        image.prefetched_renditions = list(image_renditions(image.pk))


def article_page_context(*, article: ArticlePage, request=None) -> dict:
    authors, topics, experts = story_credits(article=article)
    lead_image_renditions_read(article)
    notes = article_corrections(article=article) if getattr(article, "has_notes", True) else []
    return {
        "corrections": notes,
        "updated_at": story_updated_at(notes),
        "section": article.get_parent().specific_deferred,
        "authors": authors,
        "topics": topics,
        "experts": experts,
        "read_also": read_also(article=article, topic_ids=[topic.pk for topic in topics]),
        "latest_news": latest_articles(request=request),
    }
