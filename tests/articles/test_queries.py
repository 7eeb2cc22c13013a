"""Story pages and news archives read a fixed number of queries, however much they show."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.authors.factories import AuthorFactory
from broadsheet.discovery.services import read_also_refresh
from broadsheet.experts.factories import ExpertFactory
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db

# Issue 6: a story page in at most six queries.
STORY_PAGE_QUERIES = 6


def story(section, *, credits: int, hours_ago: float = 0):
    return ArticlePageFactory(
        parent=section,
        authors=[AuthorFactory() for _ in range(credits)],
        topics=[TopicFactory() for _ in range(credits)],
        experts=[ExpertFactory() for _ in range(credits)],
        first_published_at=timezone.now() - timedelta(hours=hours_ago),
    )


def test_a_story_page_costs_the_same_queries_however_much_it_credits_and_lists(client):
    """Bylines, topics, experts, Read also and Latest news add no query per item shown."""
    section = SectionPageFactory(slug="world")
    plain = story(section, credits=1, hours_ago=1)
    plain.slug = "plain"
    plain.save_revision().publish()
    story(section, credits=1, hours_ago=1.5)
    read_also_refresh(article_id=plain.pk)
    small = queries_for(client, "/world/plain/")

    crowded = story(section, credits=5, hours_ago=2)
    crowded.slug = "crowded"
    crowded.save_revision().publish()
    for hour in range(45):
        story(section, credits=2, hours_ago=3 + hour)
    read_also_refresh(article_id=crowded.pk)

    assert queries_for(client, "/world/crowded/") == small
    assert small <= STORY_PAGE_QUERIES


def test_a_story_page_before_read_also_is_ranked_still_costs_a_fixed_number(client):
    """The fallback Read also is one query over recent stories, whatever the archive holds."""
    section = SectionPageFactory(slug="world")
    first = story(section, credits=1, hours_ago=1)
    few = queries_for(client, first.url)
    for hour in range(30):
        story(section, credits=1, hours_ago=2 + hour)
    assert queries_for(client, first.url) == few
    assert few <= STORY_PAGE_QUERIES


@pytest.mark.parametrize("path", ["/news/", "/news/{day:%Y/%m/%d}/"])
def test_news_archives_cost_the_same_queries_for_a_short_and_a_long_day(client, path):
    """All news and a day's news read no query per story listed."""
    section = SectionPageFactory()
    moment = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    if moment > timezone.localtime():
        moment -= timedelta(days=1)
    url = path.format(day=moment)
    for minutes in range(35):
        ArticlePageFactory(parent=section, first_published_at=moment - timedelta(minutes=minutes))
    short = queries_for(client, url)
    for minutes in range(35, 70):
        ArticlePageFactory(parent=section, first_published_at=moment - timedelta(minutes=minutes))
    assert queries_for(client, url) == short
