from datetime import timedelta

import pytest
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.authors.factories import AuthorFactory
from broadsheet.desk.models import BreakingNews, Correction
from broadsheet.experts.factories import ExpertFactory
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory
from tests.conftest import outlet_today

pytestmark = pytest.mark.django_db
EMBARGOED_HEADLINE = "Cabinet reshuffle names new finance minister"


@pytest.fixture
def newsroom(db):
    section = SectionPageFactory(title="Politics", slug="politics")
    topic, author, expert = TopicFactory(name="Cabinet"), AuthorFactory(), ExpertFactory()
    visible = ArticlePageFactory(
        parent=section,
        title="Parliament opens its autumn session",
        slug="autumn-session",
        first_published_at=timezone.now() - timedelta(hours=1),
        topics=[topic],
        authors=[author],
        experts=[expert],
    )
    embargoed = ArticlePageFactory(
        parent=section,
        title=EMBARGOED_HEADLINE,
        slug="reshuffle",
        topics=[topic],
        authors=[author],
        experts=[expert],
        is_top_story=True,
    )
    embargoed.embargo_until = timezone.now() + timedelta(hours=1)
    embargoed.corrections.add(Correction(kind="correction", text="Embargoed correction."))
    embargoed.save_revision().publish()
    BreakingNews.objects.create(article=embargoed, expires_at=timezone.now() + timedelta(hours=2))
    return {
        "section": section,
        "topic": topic,
        "author": author,
        "expert": expert,
        "visible": visible,
        "embargoed": embargoed,
    }


def reader_surfaces(room):
    today = outlet_today()
    return [
        "/",
        "/politics/",
        "/politics/autumn-session/",
        room["topic"].get_absolute_url(),
        room["author"].get_absolute_url(),
        room["expert"].get_absolute_url(),
        "/news/",
        f"/news/{today:%Y/%m/%d}/",
        f"/news/{(today + timedelta(days=1)):%Y/%m/%d}/",
        "/search/?q=reshuffle",
        "/search/?q=cabinet",
        "/corrections/",
    ]


def test_an_embargoed_story_is_invisible_on_every_reader_surface(client, newsroom):
    """Until its embargo ends a story appears nowhere: lists, Read also, search, banner, archive."""
    for url in reader_surfaces(newsroom):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert EMBARGOED_HEADLINE not in html, url
        assert "Embargoed correction." not in html, url


def test_guessing_an_embargoed_storys_address_is_a_404(client, newsroom):
    """A direct URL guess at an embargoed story gets a 404, not the story."""
    response = client.get("/politics/reshuffle/")
    assert response.status_code == 404
    assert EMBARGOED_HEADLINE.encode() not in response.content


def test_the_story_appears_at_its_embargo_time_leading_latest_news(client, newsroom):
    """When the embargo ends the story is public, dated at the embargo's end, and leads the feed."""
    embargoed = newsroom["embargoed"]
    embargoed.embargo_until = timezone.now() - timedelta(seconds=1)
    embargoed.save_revision().publish()
    embargoed.refresh_from_db()
    assert embargoed.first_published_at == embargoed.embargo_until
    assert client.get("/politics/reshuffle/").status_code == 200
    home = client.get("/").content.decode()
    latest = home[home.index('id="latest-news-heading"') :]
    assert latest.index(EMBARGOED_HEADLINE) < latest.index("Parliament opens its autumn session")
