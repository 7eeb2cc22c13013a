import pytest
from bs4 import BeautifulSoup

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(db):
    section = SectionPageFactory()
    ArticlePageFactory(
        parent=section,
        title="Pipeline talks resume in the capital",
        deck="Gas transit on the table",
    )
    ArticlePageFactory(parent=section, title="Harvest season starts early")
    draft = ArticlePageFactory(parent=section, title="Pipeline secret draft")
    draft.unpublish()


def test_search_finds_live_stories_by_their_words(client, stories):
    """Search finds live stories by headline words and never shows drafts."""
    soup = BeautifulSoup(client.get("/search/", {"q": "pipeline"}).content, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select(".card__headline")] == [
        "Pipeline talks resume in the capital"
    ]
    assert "1 result" in soup.select_one(".search-count").get_text()


def test_search_without_a_query_shows_the_form(client, stories):
    """/search/ with no query shows the search form."""
    response = client.get("/search/")
    assert response.status_code == 200
    assert b'name="q"' in response.content


@pytest.mark.parametrize("query", ["", "   ", "x" * 10_000])
def test_empty_or_huge_search_is_a_400_with_the_form(client, stories, query):
    """An empty or 10,000-character search gets a 400 page that explains, never a 500."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    assert b'role="alert"' in response.content


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "pipeline OR 1=1 --",
        "a AND (b",
        "*",
        "NEAR(x y)",
        "'; DROP TABLE x; --",
        "\x00",
    ],
)
def test_search_syntax_in_the_query_is_just_text(client, stories, query):
    """Full-text or SQL syntax in a query never breaks search."""
    assert client.get("/search/", {"q": query}).status_code in (200, 400)


def test_search_results_paginate(client, stories):
    """Search results are paginated with ?page=N; a page past the end is a 404."""
    assert client.get("/search/", {"q": "pipeline", "page": "1"}).status_code == 200
    assert client.get("/search/", {"q": "pipeline", "page": "9"}).status_code == 404
