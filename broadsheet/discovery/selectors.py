import re

from django.utils import timezone

from broadsheet.articles.models import ArticlePage
from broadsheet.core.pages import unrestricted

# Readers type words, not query syntax: quotes, operators and brackets would reach the
# full-text engine (SQLite FTS5, PostgreSQL tsquery) as syntax and could fail there.
WORD = re.compile(r"\w+")


def search_terms(query: str) -> str:
    return " ".join(WORD.findall(query))


def search_articles(*, query: str):
    """Live, public articles matching every word of `query`, best match first."""
    terms = search_terms(query)
    if not terms:
        return ArticlePage.objects.none()
    # Search backends only filter on indexed fields, so restricted pages are excluded by id.
    restricted = ArticlePage.objects.exclude(unrestricted()).values_list("pk", flat=True)
    return (
        ArticlePage.objects.live()
        .filter(first_published_at__lte=timezone.now())
        .exclude(pk__in=list(restricted))
        .defer_streamfields()
        .search(terms, operator="and")
    )
