"""The home page reads a fixed number of queries, however many sections and stories it shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory
from tests.queries import queries_for

pytestmark = pytest.mark.django_db


def fill(section, *, stories: int, start: int):
    for number in range(stories):
        ArticlePageFactory(
            parent=section,
            is_top_story=number == 0,
            first_published_at=timezone.now() - timedelta(minutes=start + number),
        )


def test_home_costs_the_same_queries_with_more_sections_and_stories(client):
    """Top stories, section blocks and Latest news add no query per section or story."""
    fill(SectionPageFactory(), stories=4, start=0)
    few = queries_for(client, "/")
    for number in range(6):
        fill(SectionPageFactory(), stories=8, start=10 + 10 * number)
    assert queries_for(client, "/") == few
