from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from PIL import Image as PillowImage
from wagtail.models import Site

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.core.models import OutletSettings
from broadsheet.distribution.social_cards import FALLBACK_LOGO
from tests.conftest import make_image

pytestmark = pytest.mark.django_db

# Every kind of reader page in the `newsroom` fixture, with the description readers and
# previews get: the deck, the section's intro, the topic's description, the author's bio…
READER_PAGES = {
    "/": "News and analysis from the region",
    "/interviews/river-treaty/": "Regional expert Lena Marsh talks to Broadsheet",
    "/politics/": "Parliament, parties and the people who run them.",
    "/topics/": "The countries, organisations, people and themes Broadsheet covers.",
    "/topics/water-security/": "Rivers, dams and who gets the water.",
    "/authors/": "The reporters, editors and contributors of Broadsheet.",
    "/authors/aytan-quell/": "Covers parliament.",
    "/experts/": "The experts Broadsheet has interviewed and quoted.",
    "/experts/nadia-orr/": "Studies regional trade.",
    "/news/": "Every story Broadsheet has published, newest first.",
    "/news/2024/06/22/": "Every story Broadsheet published on 22 June 2024.",
    "/corrections/": "Every correction and clarification Broadsheet has published.",
}


def head(client, path: str) -> dict:
    """The page's card as a reader's tools see it: meta tags by name or property."""
    response = client.get(path)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    tags: dict[str, list[str]] = {}
    for meta in soup.head.find_all("meta"):
        key = meta.get("property") or meta.get("name")
        if key:
            tags.setdefault(key, []).append(meta["content"])
    canonical = soup.head.find_all("link", rel="canonical")
    tags["canonical"] = [link["href"] for link in canonical]
    return tags


def one(tags: dict, key: str) -> str:
    assert len(tags.get(key, [])) == 1, (key, tags.get(key))
    return tags[key][0]


def fetch_image(url: str) -> tuple[int, int]:
    """The size of the image file an absolute URL names: an upload or a static file."""
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url
    if parts.path.startswith(settings.MEDIA_URL):
        path = Path(settings.MEDIA_ROOT) / parts.path.removeprefix(settings.MEDIA_URL)
    else:
        path = finders.find(parts.path.removeprefix(settings.STATIC_URL))
    with PillowImage.open(path) as picture:
        return picture.size


@pytest.mark.parametrize("path", list(READER_PAGES))
def test_every_reader_page_has_a_complete_card(client, newsroom, path):
    """Canonical link, meta description and OpenGraph/Twitter tags a link preview can use."""
    tags = head(client, path)
    url = f"http://testserver{path}"
    assert tags["canonical"] == [url]
    assert one(tags, "description") == READER_PAGES[path]
    assert one(tags, "og:description") == READER_PAGES[path]
    assert one(tags, "og:url") == url
    assert one(tags, "og:site_name") == "Broadsheet"
    assert one(tags, "og:locale") == "en"
    assert one(tags, "og:title")
    assert one(tags, "twitter:title") == one(tags, "og:title")
    assert one(tags, "og:type") == ("article" if path == "/interviews/river-treaty/" else "website")
    size = fetch_image(one(tags, "og:image"))
    assert size == (int(one(tags, "og:image:width")), int(one(tags, "og:image:height")))
    assert one(tags, "og:image:alt")
    assert one(tags, "twitter:image") == one(tags, "og:image")
    assert "robots" not in tags


def test_article_card_is_large_with_times_section_and_tags(client, newsroom):
    """A story with a picture gets the large card, its times with zone, section and topics."""
    tags = head(client, "/interviews/river-treaty/")
    assert one(tags, "og:title") == "Will the river treaty survive a dry summer?"
    assert one(tags, "twitter:card") == "summary_large_image"
    assert fetch_image(one(tags, "og:image")) == (1200, 675)
    assert one(tags, "og:image:alt") == "Reservoir at dawn"
    assert one(tags, "article:published_time") == "2024-06-22T18:24:00+04:00"
    # The correction two hours later is the "Updated" time on the page.
    assert one(tags, "article:modified_time") == "2024-06-22T20:24:00+04:00"
    assert one(tags, "article:section") == "Interviews"
    assert sorted(tags["article:tag"]) == ["Ana Ruiz", "Georgia", "Water security"]
    assert tags["article:author"] == [
        "http://testserver/authors/lale-dorn/",
        "http://testserver/authors/aytan-quell/",
    ]


def test_a_story_without_a_picture_gets_the_small_card_with_the_logo(client, newsroom):
    """No lead image: the summary card, previewed with the outlet's logo."""
    tags = head(client, "/economy/pipeline-tariffs-rise/")
    assert one(tags, "twitter:card") == "summary"
    assert one(tags, "og:image") == "http://testserver/static/img/logo.png"
    assert "article:tag" in tags


def test_other_pages_get_the_small_card(client, newsroom):
    """Lists and profiles have no picture of their own: the small card with the logo."""
    tags = head(client, "/topics/water-security/")
    assert one(tags, "twitter:card") == "summary"
    assert one(tags, "og:title") == "Water security"


def test_a_paginated_list_canonicalises_to_its_own_page(client, newsroom):
    """Page 2 of a section is its own page; page 1 and tracking parameters are not."""
    for number in range(25):
        ArticlePageFactory(parent=newsroom.sections["politics"], title=f"Extra story {number}")
    assert head(client, "/politics/?page=2")["canonical"] == ["http://testserver/politics/?page=2"]
    assert one(head(client, "/politics/?page=2"), "og:url") == "http://testserver/politics/?page=2"
    assert head(client, "/politics/?page=1&utm_source=t.me")["canonical"] == [
        "http://testserver/politics/"
    ]


def test_search_pages_ask_not_to_be_indexed(client, newsroom):
    """Search results are noindex and name no canonical address."""
    for path in ("/search/?q=river", "/search/"):
        tags = head(client, path)
        assert one(tags, "robots") == "noindex, follow"
        assert tags["canonical"] == []


@pytest.mark.parametrize("path", ["/topics/nobody/", "/news/?page=abc", "/politics/nothing/"])
def test_not_found_pages_describe_nothing(client, newsroom, path):
    """A 404 page, even at a listed address, names no canonical and carries no JSON-LD."""
    response = client.get(path)
    assert response.status_code == 404
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.head.find("meta", attrs={"name": "robots"})["content"] == "noindex, follow"
    assert not soup.head.find_all("link", rel="canonical")
    assert not soup.find_all("script", type="application/ld+json")


def test_the_shipped_logo_is_large_enough():
    """The fallback logo is a real PNG of the size the pages declare, at least 112×112."""
    path, width, height = FALLBACK_LOGO
    with PillowImage.open(finders.find(path)) as logo:
        assert logo.format == "PNG"
        assert logo.size == (width, height)
    assert min(width, height) >= 112


@pytest.fixture
def chief(client, db):
    client.force_login(get_user_model().objects.create_superuser("chief", "c@example.org", "pw"))
    return client


def settings_form(newsroom, **changes) -> dict:
    outlet = newsroom.outlet
    data = {
        "outlet_name": outlet.outlet_name,
        "tagline": outlet.tagline,
        "language": outlet.language,
        "time_zone": outlet.time_zone,
        "telegram_channel_url": outlet.telegram_channel_url,
        "youtube_channel_url": outlet.youtube_channel_url,
        "logo": "",
    }
    return data | changes


def test_the_chief_editor_sets_the_publisher_logo(chief, newsroom):
    """An uploaded logo replaces the shipped one in previews and as publisher; tiny ones fail."""
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/core/outletsettings/{site.pk}/"
    tiny = make_image("Tiny logo", size=(100, 100))
    response = chief.post(url, settings_form(newsroom, logo=tiny.pk))
    assert response.status_code == 200
    assert "at least 112×112" in response.content.decode()
    assert OutletSettings.for_site(site).logo is None

    logo = make_image("Logo", size=(400, 400), colour=(155, 28, 28))
    assert chief.post(url, settings_form(newsroom, logo=logo.pk)).status_code == 302
    chief.logout()
    tags = head(chief, "/topics/")
    assert "/media/images/logo." in one(tags, "og:image")
    assert fetch_image(one(tags, "og:image")) == (400, 400)
    html = chief.get("/interviews/river-treaty/").content.decode()
    assert one(tags, "og:image") in html  # the article's publisher logo


@pytest.mark.django_db
def test_a_foreign_host_header_gets_the_400_page_not_a_500(client, settings):
    """Links on the page are built from the Host header; one we do not serve is a plain 400."""
    settings.ALLOWED_HOSTS = ["testserver"]
    client.raise_request_exception = False
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert b"attacker.example" not in response.content
