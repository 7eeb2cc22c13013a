import re

from django.utils import timezone

from broadsheet.articles.models import ArticlePage
from broadsheet.core.pages import unrestricted
from broadsheet.discovery.topic_suggestions import TopicName, candidate_topics, suggested_topics
from broadsheet.topics.models import Topic

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


def story_topic_suggestions(*, article) -> tuple[list, list]:
    """(existing topics the story names but lacks, candidate names for new topics)."""
    blocks = article.body.stream_block.get_searchable_content(article.body) if article.body else []
    text = "\n".join([article.title, article.deck, *blocks])
    tagged = {topic.pk for topic in article.topics.all()}
    names = [
        TopicName(topic.pk, topic.name, tuple(topic.alias_list))
        for topic in Topic.objects.only("pk", "name", "aliases")
    ]
    found = suggested_topics(text=text, topics=names, exclude=tagged)
    known = [name for topic in names for name in (topic.name, *topic.aliases)]
    return found, candidate_topics(text=text, known_names=known)
