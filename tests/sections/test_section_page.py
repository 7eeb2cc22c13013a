from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def economy(db):
    section = SectionPageFactory(title="Economy", slug="economy")
    other = SectionPageFactory(title="World", slug="world")
    now = timezone.now()
    for minutes in range(25):
        ArticlePageFactory(
            parent=section,
            title=f"Economy story {minutes}",
            first_published_at=now - timedelta(minutes=12 * minutes),
        )
    ArticlePageFactory(parent=other, title="World story", first_published_at=now)
    return section


def test_section_lists_its_own_articles_newest_first_paginated(client, economy):
    """A section lists only its articles, newest first, 20 to a page with ?page=N."""
    first = BeautifulSoup(client.get("/economy/").content, "html.parser")
    headlines = [h.get_text(strip=True) for h in first.select(".article-list .card__headline")]
    assert headlines[:2] == ["Economy story 0", "Economy story 1"]
    assert len(headlines) == 20
    assert "World story" not in headlines
    second = BeautifulSoup(client.get("/economy/?page=2").content, "html.parser")
    assert [h.get_text(strip=True) for h in second.select(".article-list .card__headline")] == [
        f"Economy story {n}" for n in range(20, 25)
    ]
    assert first.select_one(".pagination a[rel=next]")["href"] == "/economy/?page=2"


def test_section_shows_latest_news_from_the_whole_site(client, economy):
    """Section pages carry the site-wide Latest news feed."""
    soup = BeautifulSoup(client.get("/economy/").content, "html.parser")
    assert soup.select_one(".latest__headline").get_text(strip=True) == "World story"


@pytest.mark.parametrize("page", ["abc", "99999", "0", "-3", "1.5", "", "%00", "１"])
def test_bad_page_numbers_are_404(client, economy, page):
    """?page=abc, out-of-range and odd page numbers get a 404 page, never a 500."""
    response = client.get("/economy/", {"page": page})
    assert response.status_code == 404
