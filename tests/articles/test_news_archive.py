from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory

BAKU = ZoneInfo("Asia/Baku")
pytestmark = pytest.mark.django_db


@pytest.fixture
def three_days(db):
    section = SectionPageFactory()
    for day, titles in {
        3: ["Early bird"],
        4: ["Noon report", "Evening wrap"],
        6: ["Later"],
    }.items():
        for hour, title in enumerate(titles, start=10):
            ArticlePageFactory(
                parent=section,
                title=title,
                first_published_at=datetime(2025, 5, day, hour, tzinfo=BAKU),
            )


def test_all_news_lists_everything_newest_first(client, three_days):
    """All news lists every story, newest first."""
    soup = BeautifulSoup(client.get(reverse("news:index")).content, "html.parser")
    headlines = [a.get_text(strip=True) for a in soup.select(".news-rows__headline")]
    assert headlines == ["Later", "Evening wrap", "Noon report", "Early bird"]


def test_day_archive_lists_one_day_with_links_to_neighbouring_days(client, three_days):
    """A day page lists that day's items and links to the previous and next days with news."""
    response = client.get("/news/2025/05/04/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert [a.get_text(strip=True) for a in soup.select(".news-rows__headline")] == [
        "Evening wrap",
        "Noon report",
    ]
    assert soup.select_one(".day-nav a[rel=prev]")["href"] == "/news/2025/05/03/"
    assert soup.select_one(".day-nav a[rel=next]")["href"] == "/news/2025/05/06/"


def test_empty_day_says_so(client, three_days):
    """A day without news is a page that says so, not an error."""
    response = client.get("/news/2025/05/05/")
    assert response.status_code == 200
    assert b"Nothing was published that day." in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/news/2024/02/30/",
        "/news/2025/13/01/",
        "/news/0/01/01/",
        "/news/99999999999999999999/1/1/",
        "/news/?page=abc",
        "/news/?page=99999",
        "/news/?page=-1",
        "/news/?page=0",
    ],
)
def test_bad_archive_addresses_are_404_pages(client, three_days, url):
    """Impossible dates and page numbers get a 404 page, never a server error."""
    response = client.get(url)
    assert response.status_code == 404
    assert b"Page not found" in response.content
