import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.authors.factories import AuthorFactory
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


def test_author_page_shows_profile_and_bylined_stories(client):
    """An author page shows their role and the stories under their byline."""
    author = AuthorFactory(name="Nadia Rell", role="Economics editor")
    section = SectionPageFactory()
    ArticlePageFactory(parent=section, authors=[author], title="Budget gap widens")
    ArticlePageFactory(parent=section, title="Someone else's story")
    soup = BeautifulSoup(client.get(author.get_absolute_url()).content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Nadia Rell"
    assert "Economics editor" in soup.get_text()
    assert [h.get_text(strip=True) for h in soup.select(".card__headline")] == ["Budget gap widens"]


def test_author_index_and_unknown_author(client):
    """/authors/ lists authors; an unknown author is a 404 page."""
    author = AuthorFactory(name="Pavel Dorn")
    soup = BeautifulSoup(client.get(reverse("authors:index")).content, "html.parser")
    assert soup.find("a", string="Pavel Dorn")["href"] == author.get_absolute_url()
    assert client.get("/authors/nobody/").status_code == 404
