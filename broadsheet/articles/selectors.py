"""Reads of articles for reader pages. Everything here is live and public: safe to show."""

from datetime import date, datetime, time, timedelta

from django.db.models import F, QuerySet, Window
from django.db.models.functions import Now, RowNumber, Substr
from django.utils import timezone

from broadsheet.articles.models import ArticlePage
from broadsheet.core.pages import unrestricted
from broadsheet.desk.selectors import article_corrections, story_updated_at

LATEST_NEWS_LIMIT = 40
READ_ALSO_LIMIT = 6
# About two weeks of output at the reference cadence: enough to fill every home-page block.
RECENT_WINDOW = 500


def published_articles() -> QuerySet[ArticlePage]:
    """Live, public articles, newest first, without their bodies: the base of every list.

    A story under embargo has its publication time at the embargo's end, so keeping to the past
    keeps it out of every list until then.
    """
    return (
        ArticlePage.objects.live()
        .filter(unrestricted(), first_published_at__lte=Now())
        .defer_streamfields()
        .order_by("-first_published_at", "-pk")
    )


def with_lead_images(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """For lists that show pictures: the images and their renditions come in two queries."""
    return articles.select_related("lead_image").prefetch_related("lead_image__renditions")


def latest_articles(*, limit: int = LATEST_NEWS_LIMIT) -> list[ArticlePage]:
    """The site-wide 'Latest news' feed."""
    return list(published_articles()[:limit])


def top_stories(*, limit: int = 5) -> list[ArticlePage]:
    """The newest stories the desk marked as top stories."""
    return list(with_lead_images(published_articles().filter(is_top_story=True))[:limit])


def section_articles(*, section) -> QuerySet[ArticlePage]:
    return with_lead_images(published_articles().child_of(section))


def latest_by_section(*, sections, per_section: int) -> dict[int, list[ArticlePage]]:
    """The newest `per_section` articles of each section, usually in one query.

    The ranking looks only at the site's newest RECENT_WINDOW stories, so its cost does not grow
    with the archive; a section too quiet to fill its block from those gets a query of its own.
    """
    if not sections:
        return {}
    prefix_length = len(sections[0].path)
    recent = published_articles().values("pk")[:RECENT_WINDOW]
    ranked = (
        with_lead_images(published_articles())
        .filter(depth=sections[0].depth + 1, pk__in=recent)
        .annotate(
            section_path=Substr("path", 1, prefix_length),
            section_rank=Window(
                RowNumber(),
                partition_by=F("section_path"),
                order_by=[F("first_published_at").desc(), F("pk").desc()],
            ),
        )
        .filter(section_rank__lte=per_section)
    )
    by_path: dict[str, list[ArticlePage]] = {section.path: [] for section in sections}
    for article in ranked:
        if article.section_path in by_path:
            by_path[article.section_path].append(article)
    for section in sections:
        if len(by_path[section.path]) < per_section:
            by_path[section.path] = list(section_articles(section=section)[:per_section])
    return {section.pk: by_path[section.path] for section in sections}


def topic_articles(*, topic) -> QuerySet[ArticlePage]:
    return with_lead_images(published_articles()).filter(
        pk__in=ArticlePage.topics.through.objects.filter(topic=topic).values("articlepage_id")
    )


def author_articles(*, author) -> QuerySet[ArticlePage]:
    return with_lead_images(published_articles()).filter(bylines__author=author)


def expert_articles(*, expert) -> QuerySet[ArticlePage]:
    return with_lead_images(published_articles()).filter(
        pk__in=ArticlePage.experts.through.objects.filter(expert=expert).values("articlepage_id")
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first and last instant of `day` in the active (the outlet's) time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def day_articles(*, day: date) -> QuerySet[ArticlePage]:
    start, end = day_bounds(day)
    return published_articles().filter(first_published_at__gte=start, first_published_at__lt=end)


def neighbouring_days(*, day: date) -> tuple[date | None, date | None]:
    """The nearest earlier and later days that have published articles."""
    start, end = day_bounds(day)
    articles = published_articles().order_by()
    earlier = articles.filter(first_published_at__lt=start).order_by("-first_published_at")
    later = articles.filter(first_published_at__gte=end).order_by("first_published_at")
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
    ranked a story: pieces sharing a topic, newest first, then the same section, then the site.
    """
    stored = list(
        published_articles()
        .filter(read_also_picked__article=article)
        .order_by("read_also_picked__position")[:limit]
    )
    if stored:
        return stored
    picked: list[ArticlePage] = []
    others = published_articles().exclude(pk=article.pk)
    candidates = []
    if topic_ids:
        candidates.append(
            others.filter(
                pk__in=ArticlePage.topics.through.objects.filter(topic_id__in=topic_ids).values(
                    "articlepage_id"
                )
            )
        )
    parent_path = article.path[: -ArticlePage.steplen]
    candidates.append(others.filter(path__startswith=parent_path, depth=article.depth))
    candidates.append(others)
    for query in candidates:
        if len(picked) >= limit:
            break
        seen = [item.pk for item in picked]
        picked.extend(query.exclude(pk__in=seen)[: limit - len(picked)])
    return picked


def article_page_context(*, article: ArticlePage) -> dict:
    topics = list(article.topics.all())
    notes = article_corrections(article=article)
    return {
        "corrections": notes,
        "updated_at": story_updated_at(notes),
        "section": article.get_parent().specific_deferred,
        "authors": article.byline_authors,
        "topics": topics,
        "experts": list(article.experts.all()),
        "read_also": read_also(article=article, topic_ids=[topic.pk for topic in topics]),
        "latest_news": latest_articles(),
    }
