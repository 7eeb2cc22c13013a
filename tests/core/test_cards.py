"""Story cards, news rows and Latest news, written in Python rather than templates."""

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.core.outlet import outlet_settings
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db

HEADLINE = 'Tariffs <b>up</b> & "down" at the border'


def test_headlines_with_markup_characters_read_as_text_in_every_list(client):
    """A headline, deck or second line is shown as typed, never as markup, on every list."""
    section = SectionPageFactory(title="Economy", slug="economy")
    topic = TopicFactory(name="Trade", slug="trade")
    story = ArticlePageFactory(
        parent=section,
        title=HEADLINE,
        deck="Deck <i>with</i> markup",
        second_line="Article by <Omar>",
        topics=[topic],
        is_top_story=True,
    )
    # The day as the archive counts it, on the outlet's clock.
    day = timezone.localtime(story.first_published_at, outlet_settings().zone)
    for url in ("/", "/economy/", "/topics/trade/", "/news/", f"/news/{day:%Y/%m/%d}/"):
        html = client.get(url).content.decode()
        soup = BeautifulSoup(html, "html.parser")
        assert soup.find("b") is None and soup.find("omar") is None, url
        headlines = [a.get_text() for a in soup.find_all("a", href=story.url)]
        assert HEADLINE in headlines, url
        assert "Article by <Omar>" in soup.get_text(), url


def test_latest_news_shows_a_new_headline_as_soon_as_it_is_published(client):
    """The Latest news column, kept between pages, changes with the story it lists."""
    section = SectionPageFactory(title="Politics", slug="politics")
    story = ArticlePageFactory(parent=section, title="Parliament meets on Monday")
    reader = ArticlePageFactory(parent=section, title="Budget talks resume")

    def latest(url):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        return [a.get_text() for a in soup.select(".latest__headline")]

    assert "Parliament meets on Monday" in latest(reader.url)
    story.title = "Parliament meets on Tuesday"
    story.save_revision().publish()
    for url in (reader.url, "/", "/politics/"):
        assert "Parliament meets on Tuesday" in latest(url), url
        assert "Parliament meets on Monday" not in latest(url), url


def test_the_menu_marks_the_section_being_read(client):
    """The section whose front is open is marked as the current page in the menu."""
    SectionPageFactory(title="Politics", slug="politics", show_in_menus=True)
    SectionPageFactory(title="Economy", slug="economy", show_in_menus=True)
    soup = BeautifulSoup(client.get("/economy/").content, "html.parser")
    menu = {a.get_text(): a.get("aria-current") for a in soup.select(".main-nav a")}
    assert menu == {"Politics": None, "Economy": "page", "All news": None}


def test_a_section_without_stories_says_so(client, caplog):
    """A new section's front shows its empty line, not an error, and its query is no warning."""
    SectionPageFactory(title="Culture", slug="culture")
    with caplog.at_level("WARNING", logger="broadsheet.core"):
        response = client.get("/culture/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".layout__main .empty").get_text() == "Nothing published here yet."
    # On PostgreSQL the site lookup (core/outlet.py) is built afresh too, and says so in the
    # first test that looks a site up: what matters here is the section's own listing.
    afresh = [r.getMessage() for r in caplog.records if "built afresh" in r.getMessage()]
    assert [message for message in afresh if "sites_for_host" not in message] == []
