from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils import timezone

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


def current_breaking_news():
    """The live breaking story readers see in the banner, or None."""
    return (
        BreakingNews.objects.filter(
            superseded_at__isnull=True,
            expires_at__gt=timezone.now(),
            article__live=True,
            article__first_published_at__lte=Now(),
        )
        .filter(unrestricted("article__path"))
        .select_related("article")
        .order_by("-flagged_at")
        .first()
    )
