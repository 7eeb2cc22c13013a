import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.experts.factories import ExpertFactory
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


def test_expert_page_shows_affiliation_and_every_piece_featuring_them(client):
    """An expert page shows nationality, role and institution, and every piece featuring them."""
    expert = ExpertFactory(
        name="Tamar Oslo",
        nationality="Veskan",
        role="Political analyst",
        institution="Harbor Institute",
    )
    section = SectionPageFactory()
    for n in range(3):
        ArticlePageFactory(
            parent=section, experts=[expert], title=f"Interview {n}", kind="interview"
        )
    ArticlePageFactory(parent=section, title="Without the expert")
    soup = BeautifulSoup(client.get(expert.get_absolute_url()).content, "html.parser")
    assert "Political analyst, Harbor Institute" in soup.get_text()
    assert "Veskan" in soup.get_text()
    headlines = sorted(h.get_text(strip=True) for h in soup.select(".card__headline"))
    assert headlines == ["Interview 0", "Interview 1", "Interview 2"]


def test_expert_index_and_unknown_expert(client):
    """/experts/ lists experts with their affiliation; an unknown expert is a 404 page."""
    ExpertFactory(name="Iri Kassan", role="Economist", institution="")
    soup = BeautifulSoup(client.get(reverse("experts:index")).content, "html.parser")
    assert soup.find("a", string="Iri Kassan")
    assert "Economist" in soup.get_text()
    assert client.get("/experts/nobody/").status_code == 404
