from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from broadsheet.articles.models import ArticlePage
from broadsheet.articles.selectors import published_articles, with_lead_images
from broadsheet.discovery.search_engines import (
    MARK_END,
    MARK_START,
    Pool,
    SearchFilters,
    engine,
)
from broadsheet.discovery.search_query import ReaderQuery, reader_query
from broadsheet.discovery.topic_suggestions import (
    TopicName,
    candidate_topics,
    story_text,
    suggested_topics,
)
from broadsheet.topics.models import Topic


class SearchResults:
    """Ranked hits for a reader's query, fetched a page at a time (a Paginator's object list).

    Each hit is the article, ready for a card, with `search_headline` and `search_snippet`:
    HTML-escaped text with the matched words in <mark>. `capped` says that more stories
    matched than were ranked (see search_engines).
    """

    def __init__(self, query: ReaderQuery, filters: SearchFilters):
        self.query = query
        self.filters = filters

    @cached_property
    def _pool(self) -> Pool:
        return engine().pool(self.query, self.filters) if self.query else Pool([], False)

    @property
    def capped(self) -> bool:
        return self._pool.capped

    def count(self) -> int:
        return len(self._pool)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[ArticlePage]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Search results are read a page (a slice) at a time.")
        ids = self._pool[index]
        if not ids:
            return []
        marks = engine().marks(self.query, ids)
        articles = with_lead_images(published_articles().filter(pk__in=ids))
        by_id = {article.pk: article for article in articles}
        shown = []
        for pk in ids:
            # An entry can outlive its page's visibility for a moment (a restriction just set).
            if (article := by_id.get(pk)) and (mark := marks.get(pk)):
                article.search_headline = marked_html(mark.headline)
                article.search_snippet = marked_html(mark.snippet)
                shown.append(article)
        return shown


def marked_html(text: str) -> SafeString:
    """Engine output with match markers, as safe HTML: escaped, then the markers become <mark>."""
    return mark_safe(escape(text or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def search_articles(*, query: str, filters: SearchFilters | None = None) -> SearchResults:
    """Live, public stories matching every word of what the reader typed, best match first."""
    return SearchResults(reader_query(query), filters or SearchFilters())


def story_topic_suggestions(*, article) -> tuple[list, list]:
    """(existing topics the story names but lacks, candidate names for new topics)."""
    text = story_text(article)
    tagged = {topic.pk for topic in article.topics.all()}
    names = [
        TopicName(topic.pk, topic.name, tuple(topic.alias_list), topic.kind == Topic.Kind.THEME)
        for topic in Topic.objects.only("pk", "name", "aliases", "kind")
    ]
    found = suggested_topics(text=text, topics=names, exclude=tagged)
    known = [name for topic in names for name in (topic.name, *topic.aliases)]
    return found, candidate_topics(text=text, known_names=known)
