"""Services that keep reader search's entries in step with what is live.

A story's entry is written in the same transaction that publishes it, so search never shows a
story that is not live and never misses one that is; the engine's index follows the entries
through the database itself (see the discovery migrations).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.discovery.models import SearchEntry
from broadsheet.sections.models import SectionPage

REBUILD_CHUNK = 500


def facet_words(*, section_id: int | None = None, kind: str = "", author_ids=()) -> list[str]:
    """The words standing for a section, a kind and authors in the index's facets column.

    Letters and digits only, so the tokenizer keeps each whole and no reader's word equals one.
    """
    words = [f"xsection{section_id}"] if section_id else []
    if kind:
        words.append(f"xkind{kind}")
    words += [f"xauthor{author_id}" for author_id in author_ids]
    return words


def _entry(article: ArticlePage, section_ids: dict[str, int], authors: dict) -> SearchEntry:
    section_id = section_ids.get(article.path[: -ArticlePage.steplen])
    return SearchEntry(
        page_id=article.pk,
        headline=article.title[:255],
        deck=article.deck[:255],
        body=article.body_text(),
        section_id=section_id,
        kind=article.kind,
        published_at=article.first_published_at,
        facets=" ".join(
            facet_words(
                section_id=section_id, kind=article.kind, author_ids=authors.get(article.pk, ())
            )
        ),
    )


def _author_ids(article_ids) -> dict[int, list[int]]:
    authors = defaultdict(list)
    bylines = ArticleByline.objects.filter(page_id__in=article_ids).order_by("sort_order")
    for page_id, author_id in bylines.values_list("page_id", "author_id"):
        authors[page_id].append(author_id)
    return authors


def _section_ids() -> dict[str, int]:
    return dict(SectionPage.objects.values_list("path", "pk"))


def search_entry_refresh(*, article_id: int) -> None:
    """Index a story as it now reads if it is live, or drop it from search if it is not."""
    article = ArticlePage.objects.filter(pk=article_id).first()
    with transaction.atomic():
        # Delete-then-insert keeps the engine's triggers simple and the operation idempotent.
        SearchEntry.objects.filter(page_id=article_id).delete()
        if article and article.live and article.first_published_at:
            _entry(article, _section_ids(), _author_ids([article_id])).save(force_insert=True)


def search_entries_write(*, articles: Sequence[ArticlePage]) -> None:
    """Index many live stories at once (bulk import and rebuild)."""
    if not articles:
        return
    section_ids = _section_ids()
    authors = _author_ids([article.pk for article in articles])
    entries = [_entry(article, section_ids, authors) for article in articles if article.live]
    with transaction.atomic():
        SearchEntry.objects.filter(page_id__in=[article.pk for article in articles]).delete()
        SearchEntry.objects.bulk_create(entries, batch_size=REBUILD_CHUNK)


def search_index_rebuild(*, progress: Callable[[int, int], None] | None = None) -> int:
    """Rewrite every live story's entry and drop the rest; return how many stories are indexed."""
    live = ArticlePage.objects.live().filter(first_published_at__isnull=False).order_by("pk")
    total = live.count()
    SearchEntry.objects.exclude(page_id__in=live.values("pk")).delete()
    done = 0
    for chunk in _chunks(live.iterator(chunk_size=REBUILD_CHUNK), REBUILD_CHUNK):
        search_entries_write(articles=chunk)
        done += len(chunk)
        if progress:
            progress(done, total)
    return done


def _chunks(items: Iterable, size: int) -> Iterable[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
