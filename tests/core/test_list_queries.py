"""Reader lists read a fixed number of queries, however many stories they list: none per story."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.authors.factories import AuthorFactory
from broadsheet.experts.factories import ExpertFactory
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

# list name: (factory of the thing listed by, how an article joins it, the list's address)
LISTS = {
    "author": (AuthorFactory, "authors", lambda author: author.get_absolute_url()),
    "topic": (TopicFactory, "topics", lambda topic: topic.get_absolute_url()),
    "expert": (ExpertFactory, "experts", lambda expert: expert.get_absolute_url()),
    "section": (SectionPageFactory, None, lambda section: section.url),
}


@pytest.mark.parametrize("name", LISTS)
def test_a_list_costs_the_same_queries_short_or_long(client, name):
    """A page of twenty stories costs the same queries for a list of 25 and one of 50."""
    factory, relation, address = LISTS[name]
    owner = factory()
    section = owner if relation is None else SectionPageFactory()
    now = timezone.now()

    def publish(minutes):
        extra = {relation: [owner]} if relation else {}
        ArticlePageFactory(
            parent=section, first_published_at=now - timedelta(minutes=minutes), **extra
        )

    for minutes in range(25):
        publish(minutes)
    short = queries_for(client, address(owner))
    for minutes in range(25, 50):
        publish(minutes)
    assert queries_for(client, address(owner)) == short
    assert queries_for(client, address(owner) + "?page=2") == short
