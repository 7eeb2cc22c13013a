import pytest
from bs4 import BeautifulSoup

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


def test_home_shows_top_stories_section_blocks_and_latest_news(client):
    """The home page shows top stories, a block per section and the Latest news feed."""
    politics = SectionPageFactory(title="Politics", slug="politics")
    economy = SectionPageFactory(title="Economy", slug="economy")
    ArticlePageFactory(parent=politics, title="Parliament passes the budget", is_top_story=True)
    ArticlePageFactory(parent=economy, title="Exports climb in spring")
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert "Parliament passes the budget" in soup.select_one(".top-stories").get_text()
    blocks = {b.h2.get_text(strip=True): b.get_text() for b in soup.select(".section-block")}
    assert "Parliament passes the budget" in blocks["Politics"]
    assert "Exports climb in spring" in blocks["Economy"]
    latest = [a.get_text(strip=True) for a in soup.select(".latest__headline")]
    assert latest == ["Exports climb in spring", "Parliament passes the budget"]


def test_home_navigation_lists_sections(client):
    """The main navigation links every section in menus."""
    SectionPageFactory(title="Opinion", slug="opinion")
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    assert soup.select_one(".main-nav").find("a", string="Opinion")["href"] == "/opinion/"
