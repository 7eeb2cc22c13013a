"""Caching headers: public and purgeable for reader pages, private for everything personal."""

from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.caching.conftest import reader_surfaces

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str | None]:
    found = {}
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        found[name] = value or None
    return found


def surrogate_keys(response) -> list[str]:
    return response["xkey"].split()


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")


def test_every_reader_page_is_public_with_validators_and_keys(client, room):
    """Each reader page type carries the declared Cache-Control, an ETag, a Last-Modified and
    surrogate keys, and sets no cookie."""
    expected = {name: str(seconds) for name, seconds in settings.READER_CACHE_CONTROL.items()} | {
        "public": None
    }
    for name, url in reader_surfaces(room).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert directives(response) == expected, name
        assert response["ETag"], name
        assert parsedate_to_datetime(response["Last-Modified"]), name
        assert "site" in surrogate_keys(response), name
        assert not response.cookies, name
        assert "Set-Cookie" not in response.headers, name


def test_pages_carry_the_keys_of_what_they_show(client, room):
    """An article page names its story, section, topics, authors, experts and Read also stories,
    and Latest news by one key; lists name every story they show."""
    lead = room.lead
    article = surrogate_keys(client.get(lead.url))
    assert article[:2] == ["site", f"article-{lead.pk}"]
    for key in (
        f"section-{room.politics.pk}",
        f"topic-{room.topic.pk}",
        f"author-{room.author.pk}",
        f"expert-{room.expert.pk}",
        "latest",
        *(f"article-{story.pk}" for story in room.articles[:-1]),  # Read also
    ):
        assert key in article

    home = surrogate_keys(client.get("/"))
    assert {"home", "latest", f"section-{room.politics.pk}", f"section-{room.economy.pk}"} <= set(
        home
    )
    assert {f"article-{story.pk}" for story in room.articles} <= set(home)

    section = surrogate_keys(client.get(room.politics.url))
    assert {f"section-{room.politics.pk}", "latest", f"article-{lead.pk}"} <= set(section)
    assert f"article-{room.articles[0].pk}" not in section  # an Economy story

    topic = surrogate_keys(client.get(room.topic.get_absolute_url()))
    assert {f"topic-{room.topic.pk}", *(f"article-{s.pk}" for s in room.articles)} <= set(topic)
    assert "latest" not in topic

    assert {"news", f"article-{lead.pk}"} <= set(surrogate_keys(client.get("/news/")))
    feed = surrogate_keys(client.get(reverse("distribution:section-feed", args=("politics",))))
    assert feed == ["site", "feeds", f"section-{room.politics.pk}"]
    assert surrogate_keys(client.get(reverse("distribution:feed"))) == ["site", "feeds", "news"]
    assert surrogate_keys(client.get(reverse("distribution:sitemap-index"))) == [
        "site",
        "sitemaps",
    ]


def test_the_surrogate_key_header_is_compact(client, room):
    """One line of short keys: the Latest news block costs one key, not one per story."""
    header = client.get(room.lead.url)["xkey"]
    assert len(header.split()) == len(set(header.split()))
    assert len(header) < 300


def test_a_conditional_get_with_the_etag_is_a_304(client, room):
    """A reader's browser (or Varnish) revalidating an unchanged page gets 304 and no body."""
    for url in ("/", room.lead.url, "/news/", reverse("distribution:feed")):
        first = client.get(url)
        again = client.get(url, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Cache-Control"] == first["Cache-Control"]


def test_a_changed_page_answers_a_stale_etag_in_full(client, room):
    """After a change the old validator no longer matches: the reader gets the new page."""
    stale = client.get(room.lead.url)["ETag"]
    room.lead.title = "River treaty signed"
    room.lead.save_revision().publish()
    response = client.get(room.lead.url, headers={"if-none-match": stale})
    assert response.status_code == 200
    assert b"River treaty signed" in response.content


def test_last_modified_is_the_newest_change_the_page_shows(client, room):
    """An article page is dated by the newest edit among what it shows: the story, its section,
    its Read also and Latest news."""
    response = client.get(room.articles[0].url)
    room.economy.refresh_from_db()
    newest = max(
        room.economy.last_published_at, *(story.last_published_at for story in room.articles)
    )
    assert parsedate_to_datetime(response["Last-Modified"]) == newest.replace(microsecond=0)
    response = client.get(
        room.articles[0].url, headers={"if-modified-since": response["Last-Modified"]}
    )
    assert response.status_code == 304


def test_search_results_are_cached_briefly(client, room):
    """Search results follow no purge of their own: a short lifetime in shared caches."""
    response = client.get(reverse("discovery:search"), {"q": "treaty"})
    assert response.status_code == 200
    assert directives(response) == {
        name: str(seconds) for name, seconds in settings.SEARCH_CACHE_CONTROL.items()
    } | {"public": None}
    assert "news" in surrogate_keys(response)
    refused = client.get(reverse("discovery:search"), {"q": ""})
    assert refused.status_code == 400
    assert directives(refused) == {"private": None, "no-store": None}


def test_the_admin_is_private_and_never_stored(client, editor):
    client.force_login(editor)
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_explore_root")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == {"private": None, "no-store": None}, url
        assert "xkey" not in response.headers


def test_a_preview_is_private(client, editor, room):
    """The editor's preview of a draft is never kept by any cache."""
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(room.lead.pk,))
    form = client.get(reverse("wagtailadmin_pages:edit", args=(room.lead.pk,)))
    assert form.status_code == 200
    response = client.get(url)
    assert "public" not in response.get("Cache-Control", "")
    assert "no-store" in response["Cache-Control"]


def test_an_editor_reading_the_site_gets_the_public_page_without_cookies(client, editor, room):
    """A signed-in editor's session is not read by reader pages: the same public page."""
    client.force_login(editor)
    response = client.get(room.lead.url)
    assert directives(response)["public"] is None
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_a_post_is_private(client, room):
    response = client.post(reverse("wagtailadmin_login"), {"username": "x", "password": "y"})
    assert directives(response) == {"private": None, "no-store": None}


def test_a_page_with_a_csrf_form_is_private_and_keyless(client):
    """The login form sets the CSRF cookie: private, and never given surrogate keys."""
    response = client.get(reverse("wagtailadmin_login"))
    assert response.cookies
    assert directives(response) == {"private": None, "no-store": None}
    assert "xkey" not in response.headers


def test_error_pages_are_not_cached(client, room):
    """A 404 (an unknown story, an embargoed one, a page number too far) is never kept."""
    for url in ("/politics/no-such-story/", "/news/?page=999", "/news/2024/02/30/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert directives(response) == {"private": None, "no-store": None}, url
        assert "xkey" not in response.headers


def test_other_cache_tag_headers_as_configured(client, settings, room):
    """Fastly's Surrogate-Key is space-separated; Cloudflare's Cache-Tag comma-separated."""
    settings.CACHE_TAG_HEADERS = ["Surrogate-Key", "Cache-Tag"]
    response = client.get(room.politics.url)
    assert "xkey" not in response.headers
    assert response["Cache-Tag"] == response["Surrogate-Key"].replace(" ", ",")
    assert f"section-{room.politics.pk}" in response["Surrogate-Key"].split()
