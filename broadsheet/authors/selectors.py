"""Reads of authors for reader pages."""

from django.db.models import QuerySet

from broadsheet.authors.models import Author, AuthorLink
from broadsheet.core.prepared import prepared


def author_by_slug(slug: str) -> Author | None:
    return next(iter(author_rows(slug)), None)


def author_links(*, author: Author) -> list[AuthorLink]:
    """The author's links (Telegram, email, website) in the editors' order."""
    return list(author_link_rows(author.pk))


@prepared
def author_rows(slug: str) -> QuerySet[Author]:
    return Author.objects.select_related("photo").filter(slug=slug)[:1]


@prepared
def author_link_rows(author_id: int) -> QuerySet[AuthorLink]:
    return AuthorLink.objects.filter(author_id=author_id)
