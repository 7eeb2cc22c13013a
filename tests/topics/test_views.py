from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def test_topic_page_lists_its_stories_newest_first(client):
    """A topic page lists the live stories on that topic, newest first."""
    topic = TopicFactory(name="Caspian shipping", description="Ports, ferries and freight.")
    section = SectionPageFactory()
    now = timezone.now()
    ArticlePageFactory(
        parent=section, topics=[topic], title="Ferry line reopens", first_published_at=now - HOUR
    )
    ArticlePageFactory(
        parent=section, topics=[topic], title="Port tariffs rise", first_published_at=now
    )
    ArticlePageFactory(parent=section, title="Unrelated story")
    soup = BeautifulSoup(client.get(topic.get_absolute_url()).content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Caspian shipping"
    headlines = [h.get_text(strip=True) for h in soup.select(".card__headline")]
    assert headlines == ["Port tariffs rise", "Ferry line reopens"]
    assert "Ports, ferries and freight." in soup.get_text()


def test_topic_index_lists_topics(client):
    """/topics/ lists every topic with a link to its page."""
    topic = TopicFactory(name="Inflation")
    soup = BeautifulSoup(client.get(reverse("topics:index")).content, "html.parser")
    assert soup.find("a", string="Inflation")["href"] == topic.get_absolute_url()


def test_unknown_topic_is_404(client):
    """An unknown topic slug is a 404 page."""
    assert client.get("/topics/no-such-topic/").status_code == 404
