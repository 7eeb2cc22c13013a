from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from broadsheet.core.pages import unrestricted
from broadsheet.desk.models import PUBLIC_RECORD_KINDS, BreakingNews, Correction


def public_corrections() -> QuerySet[Correction]:
    """Corrections and clarifications on live, public stories, newest first: /corrections/."""
    return (
        Correction.objects.filter(
            kind__in=PUBLIC_RECORD_KINDS, page__live=True, page__first_published_at__lte=Now()
        )
        .filter(unrestricted("page__path"))
        .select_related("page")
        .order_by("-noted_at", "-pk")
    )


def article_corrections(*, article) -> list[Correction]:
    """The notes readers see on a story, oldest first, as they were appended."""
    return list(article.corrections.order_by("noted_at", "pk"))


def story_updated_at(notes: list[Correction]):
    """When readers are told a story changed: its newest public note.

    Republishing alone (a silent typo fix) does not count; the revision history keeps it.
    """
    return max((note.noted_at for note in notes), default=None)


def breaking_flags_in_force(*, now=None) -> QuerySet[BreakingNews]:
    """Flags neither superseded nor expired, whether or not their story is visible.

    `now` may be the database's own clock (`Now()`), for a query built once and kept.
    """
    return BreakingNews.objects.filter(
        superseded_at__isnull=True, expires_at__gt=now or timezone.now()
    )


def current_breaking_news():
    """The live breaking story readers see in the banner, or None."""
    flagged = breaking_flags_in_force()
    return (
        # Starting from the few flags in force: SQLite, which keeps no table statistics, would
        # otherwise walk every published story looking for a flag on it.
        BreakingNews.objects.filter(
            pk__in=flagged.values("pk"),
            article__live=True,
            article__first_published_at__lte=Now(),
        )
        .filter(unrestricted("article__path"))
        .select_related("article")
        .order_by("-flagged_at")
        .first()
    )


# What a reader can see change: the page's log says which pages these happened to.
READER_VISIBLE_ACTIONS = (
    "wagtail.publish",
    "wagtail.publish.scheduled",
    "wagtail.unpublish",
    "wagtail.unpublish.scheduled",
    "wagtail.move",
)


def pages_changed_since(*, since) -> list[tuple[int, bool]]:
    """(page id, is a story) for each page still there published, unpublished or moved since
    `since`, oldest change first."""
    from broadsheet.articles.models import ArticlePage  # articles imports desk: here, not above

    changed = (
        PageLogEntry.objects.filter(timestamp__gte=since, action__in=READER_VISIBLE_ACTIONS)
        .order_by("timestamp", "pk")
        .values_list("page_id", flat=True)
    )
    ordered = list(dict.fromkeys(changed))
    article_type = ContentType.objects.get_for_model(ArticlePage)
    types = dict(Page.objects.filter(pk__in=ordered).values_list("pk", "content_type_id"))
    return [(pk, types[pk] == article_type.pk) for pk in ordered if pk in types]
