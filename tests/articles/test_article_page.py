from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.authors.factories import AuthorFactory
from broadsheet.core.outlet import outlet_settings
from broadsheet.experts.factories import ExpertFactory
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(db):
    settings = outlet_settings()
    settings.telegram_channel_url = "https://t.me/ledger_demo"
    settings.save()
    section = SectionPageFactory(title="Interviews", slug="interviews")
    topic = TopicFactory(name="Water security")
    article = ArticlePageFactory(
        parent=section,
        title="Will the river treaty survive a dry summer?",
        slug="river-treaty",
        deck="Regional expert Lena Marsh talks to the Ledger",
        kind="interview",
        authors=[AuthorFactory(name="Aytan Quell"), AuthorFactory(name="Omar Vey")],
        experts=[ExpertFactory(name="Lena Marsh")],
        topics=[topic],
        first_published_at=datetime(2024, 6, 22, 14, 24, tzinfo=ZoneInfo("UTC")),
        body=[
            ("paragraph", "<p>Officials met on Monday.</p>"),
            ("quote", {"text": "We will keep talking.", "speaker": "Ana Ruiz", "role": "Minister"}),
            ("question_answer", {"question": "Is the treaty at risk?", "answer": "<p>Yes.</p>"}),
        ],
    )
    for _ in range(7):
        ArticlePageFactory(parent=section, topics=[topic])
    return article


def test_article_page_shows_the_reference_elements_in_order(client, interview):
    """Label and date-time, headline, deck, byline, body, Telegram CTA, Read also, Latest news."""
    html = client.get("/interviews/river-treaty/").content.decode()
    html = html[html.index('id="main"') :]
    markers = [
        ">Interviews<",
        "22 June 2024 - 18:24",
        "Will the river treaty survive a dry summer?",
        "Regional expert Lena Marsh talks to the Ledger",
        "Aytan Quell",
        "Officials met on Monday.",
        "Subscribe to our Telegram channel",
        "Read also",
        "Latest news",
    ]
    positions = [html.index(marker) for marker in markers]
    assert positions == sorted(positions)


def test_article_page_byline_quote_and_interview_blocks(client, interview):
    """Bylines keep their order; quotes carry their speaker and role; Q&A reads as an interview."""
    soup = BeautifulSoup(client.get("/interviews/river-treaty/").content, "html.parser")
    assert soup.select_one(".byline").get_text(" ", strip=True) == "By Aytan Quell and Omar Vey"
    assert soup.select_one(".quote figcaption").get_text(strip=True) == "Ana Ruiz,Minister"
    assert soup.select_one(".qa__question").get_text(strip=True) == "Is the treaty at risk?"
    assert soup.select_one("time.dateline")["datetime"] == "2024-06-22T18:24:00+04:00"
    cta = soup.find("a", string="Subscribe to our Telegram channel")
    assert cta["href"] == "https://t.me/ledger_demo"


def test_read_also_shows_six_live_articles_with_label_and_time(client, interview):
    """Read also holds six other live articles, each with its label and date-time."""
    soup = BeautifulSoup(client.get("/interviews/river-treaty/").content, "html.parser")
    cards = soup.select(".read-also .card")
    assert len(cards) == 6
    for card in cards:
        assert card.select_one(".label").get_text(strip=True)
        assert card.select_one("time[datetime]")
        assert card.a["href"] != "/interviews/river-treaty/"


def test_latest_news_items_show_headline_second_line_and_time(client, interview):
    """Latest news items carry headline, second line when set, and time."""
    section = interview.get_parent()
    ArticlePageFactory(parent=section, title="Photo day at the port", second_line="PHOTO/VIDEO")
    soup = BeautifulSoup(client.get("/interviews/river-treaty/").content, "html.parser")
    first = soup.select_one(".latest__item")
    assert first.select_one(".latest__headline").get_text(strip=True) == "Photo day at the port"
    assert first.select_one(".latest__second-line").get_text(strip=True) == "PHOTO/VIDEO"
    assert first.select_one("time[datetime]")


def test_label_override_replaces_the_kind_label(client, interview):
    """An editor's label overrides the default label of the article's kind."""
    interview.label = "Regional experts"
    interview.save_revision().publish()
    soup = BeautifulSoup(client.get("/interviews/river-treaty/").content, "html.parser")
    assert soup.select_one(".article__meta .label").get_text(strip=True) == "Regional experts"


def test_unknown_article_slug_is_a_404_page(client, interview):
    """An unknown article slug gets the site's 404 page."""
    response = client.get("/interviews/no-such-story/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_unpublished_article_is_gone_for_readers(client, interview):
    """Unpublishing takes the article off the site."""
    interview.unpublish()
    assert client.get("/interviews/river-treaty/").status_code == 404


def test_body_text_blocks_render_their_markup_escaped(client, interview):
    """Each text block of the body has its own markup; what an editor typed is text, and a link to
    another story in rich text points at that story's address."""
    other = ArticlePage.objects.live().exclude(pk=interview.pk).first()
    interview.body = [
        ("heading", "Costs & <b>benefits</b>"),
        ("paragraph", f'<p>See <a linktype="page" id="{other.pk}">the earlier piece</a>.</p>'),
        ("quote", {"text": "First line\nSecond <line>", "speaker": "Ana Ruiz", "role": ""}),
        ("pull_quote", {"text": "Water is <politics>"}),
        ("question_answer", {"question": "Why <now>?", "answer": "<p><b>Because</b>.</p>"}),
    ]
    interview.save_revision().publish()
    soup = BeautifulSoup(client.get("/interviews/river-treaty/").content, "html.parser")
    body = soup.select_one(".article__body")
    assert body.select_one("h2.article__subhead").get_text() == "Costs & <b>benefits</b>"
    assert body.select_one(".prose a")["href"] == other.url
    quote = body.select_one("figure.quote")
    assert [str(part) for part in quote.blockquote.p.contents] == [
        "First line",
        "<br/>",
        "Second <line>",
    ]
    assert quote.figcaption.get_text() == "Ana Ruiz"
    assert body.select_one("aside.pull-quote").get_text() == "Water is <politics>"
    assert body.select_one(".qa__question").get_text() == "Why <now>?"
    assert body.select_one(".qa__answer b").get_text() == "Because"
    assert not body.find("politics") and not body.find("now")
