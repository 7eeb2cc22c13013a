"""The embedded page cache: what it keeps, what it serves, and how purges reach it."""

import gzip
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.frontend_cache.utils import purge_url_from_cache

from broadsheet.caching.models import PurgeRecord
from broadsheet.caching.pagecache import CachedPage, PageStore, accepts_gzip
from broadsheet.caching.services import cache_purge

pytestmark = pytest.mark.django_db


def page(body: bytes, *keys: str, ttl: float = 60) -> CachedPage:
    return CachedPage.of(HttpResponse(body), keys=keys, ttl=ttl)


def test_a_second_request_is_served_from_memory_without_a_query(
    cached_client, room, settings, django_assert_num_queries
):
    """A hit costs no database query at all, until the journal is due to be read again."""
    settings.PAGE_CACHE_POLL_INTERVAL = 60
    first = cached_client.get(room.lead.url)
    assert first.page_cache == "miss"
    with django_assert_num_queries(0):
        again = cached_client.get(room.lead.url)
    assert again.page_cache == "hit"
    assert again.content == first.content
    # The same page, with the same headers, but for its own request.
    per_request = {"X-Request-ID"}
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert {k: v for k, v in again.headers.items() if k not in per_request} == {
        k: v for k, v in first.headers.items() if k not in per_request
    }


def test_the_journal_is_read_once_an_interval_for_the_page_cache_and_the_memo(
    cached_client, room, settings
):
    """The page cache's look at the purge journal serves the reader memo too: one query."""
    settings.PAGE_CACHE_POLL_INTERVAL = 60

    def journal_reads(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert cached_client.get(url).page_cache == "miss"
        return sum("caching_purgerecord" in query["sql"] for query in captured)

    assert journal_reads(room.lead.url) == 1
    assert journal_reads(room.politics.url) == 0  # not due for a minute


def test_a_conditional_request_on_a_hit_is_a_304(cached_client, room):
    etag = cached_client.get("/")["ETag"]
    response = cached_client.get("/", headers={"if-none-match": etag})
    assert response.page_cache == "hit"
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_a_conditional_first_request_is_answered_and_the_page_kept(cached_client, client, room):
    """A browser revalidating a page this process has not cached yet still gets its 304, and
    the full page is kept for the next reader."""
    etag = client.get("/")["ETag"]
    response = cached_client.get("/", headers={"if-none-match": etag})
    assert (response.page_cache, response.status_code) == ("miss", 304)
    assert cached_client.get("/").page_cache == "hit"


def test_a_head_request_on_a_hit_has_the_headers_and_no_body(cached_client, room):
    full = cached_client.get("/")
    head = cached_client.head("/")
    assert head.page_cache == "hit"
    assert head.content == b""
    assert head["ETag"] == full["ETag"]
    assert head["Content-Length"] == str(len(full.content))


BROWSER = {"accept-encoding": "gzip, deflate, br, zstd"}


def test_browsers_get_the_kept_page_gzipped_and_other_clients_get_it_plain(cached_client, room):
    """Pages are kept gzipped: a browser gets that copy as it is, on the first request too; a
    client that does not take gzip gets the same page unzipped. Both name the header they vary
    by, so a shared cache in front keeps the two apart."""
    first = cached_client.get(room.lead.url, headers=BROWSER)
    assert (first.page_cache, first["Content-Encoding"]) == ("miss", "gzip")
    html = gzip.decompress(first.content)
    assert room.lead.title.encode() in html
    assert int(first["Content-Length"]) == len(first.content) < len(html) / 2

    again = cached_client.get(room.lead.url, headers=BROWSER)
    assert (again.page_cache, again.content) == ("hit", first.content)
    plain = cached_client.get(room.lead.url)
    assert plain.page_cache == "hit"
    assert "Content-Encoding" not in plain
    assert (plain.content, plain["Content-Length"]) == (html, str(len(html)))
    refused = cached_client.get(room.lead.url, headers={"accept-encoding": "gzip;q=0, br"})
    assert refused.content == html
    for response in (first, plain):
        assert response["Vary"] == "Accept-Encoding"
        # One weak tag for both encodings of the same page (RFC 9110, section 8.8.1).
        assert response["ETag"] == first["ETag"] and first["ETag"].startswith('W/"')


def test_a_browser_revalidating_either_encoding_gets_a_304(cached_client, room):
    etag = cached_client.get("/", headers=BROWSER)["ETag"]
    for headers in (BROWSER, {}):
        response = cached_client.get("/", headers=headers | {"if-none-match": etag})
        assert (response.status_code, response.content) == (304, b"")
        assert response["Vary"] == "Accept-Encoding"


@pytest.mark.parametrize(
    ("accept_encoding", "takes_gzip"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("br, zstd", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000, *", False),
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(accept_encoding, takes_gzip):
    assert accepts_gzip(accept_encoding) is takes_gzip


def test_query_strings_and_hosts_are_pages_of_their_own(cached_client, room):
    cached_client.get("/news/")
    assert cached_client.get("/news/?page=1").page_cache == "miss"
    assert cached_client.get("/news/", HTTP_HOST="localhost").page_cache == "miss"
    assert cached_client.get("/news/").page_cache == "hit"


def test_changing_a_served_copy_leaves_the_kept_page_alone(cached_client, room):
    cached_client.get("/")
    served = cached_client.get("/")
    served.headers["X-Mangled"] = "yes"
    served.content = b"mangled"
    again = cached_client.get("/")
    assert "X-Mangled" not in again.headers
    assert again.content != b"mangled"


def test_private_pages_are_never_kept(cached_client, room):
    """The admin, the login form's CSRF cookie, a 404: each request is rendered anew."""
    editor = get_user_model().objects.create_superuser("chief", "chief@example.com", "pw")
    for url in (reverse("wagtailadmin_login"), "/politics/no-such-story/"):
        cached_client.get(url)
        assert cached_client.get(url).page_cache == "miss", url
    cached_client.force_login(editor)
    cached_client.get(reverse("wagtailadmin_home"))
    assert cached_client.get(reverse("wagtailadmin_home")).page_cache == "miss"


def test_a_purge_drops_only_the_pages_carrying_its_keys(cached_client, room):
    topic_url, other_topic_url = room.topic.get_absolute_url(), reverse("topics:index")
    for url in (topic_url, other_topic_url, room.economy.url):
        cached_client.get(url)
    cache_purge(keys=[f"topic-{room.topic.pk}"])
    assert cached_client.get(topic_url).page_cache == "miss"
    assert cached_client.get(other_topic_url).page_cache == "hit"
    assert cached_client.get(room.economy.url).page_cache == "hit"


def test_a_purge_reaches_every_process(page_cache, room):
    """Two web processes, each with its own page cache, both drop a page the worker purged."""
    processes = [Client(), Client()]
    for process in processes:
        process.get("/")
        assert process.get("/").page_cache == "hit"
    cache_purge(keys=["latest"])
    assert [process.get("/").page_cache for process in processes] == ["miss", "miss"]


def test_wagtails_purge_by_url_drops_that_address_whatever_its_query(cached_client, room):
    for url in ("/news/", "/news/?page=1", "/"):
        cached_client.get(url)
    purge_url_from_cache("http://testserver/news/")
    assert cached_client.get("/news/").page_cache == "miss"
    assert cached_client.get("/news/?page=1").page_cache == "miss"
    assert cached_client.get("/").page_cache == "hit"


def test_a_page_rendered_while_its_purge_arrived_is_not_kept():
    """A render that read the data before a change must not be kept after its purge."""
    store = PageStore(max_bytes=10_000, poll_interval=0)
    rendered_at = store.generation
    store.purge(["article-1"])
    assert not store.put("/a", page(b"old", "article-1"), rendered_at_generation=rendered_at)
    assert store.put("/b", page(b"other", "article-2"), rendered_at_generation=rendered_at)
    assert store.get("/a") is None and store.get("/b") is not None


def test_the_store_keeps_to_its_byte_budget_dropping_the_oldest_first():
    pages = {name: page(name.encode() * 100, f"key-{name}") for name in "abcd"}
    store = PageStore(max_bytes=3 * pages["a"].size, poll_interval=0)
    for name, kept in pages.items():
        store.put(f"/{name}", kept, rendered_at_generation=0)
    assert store.get("/a") is None
    assert [store.get(f"/{name}") is not None for name in "bcd"] == [True, True, True]
    assert store.size <= store.max_bytes
    assert store.purge(["key-a"]) == 0 and store.purge(["key-b"]) == 1


def test_a_page_past_its_lifetime_is_not_served():
    store = PageStore(max_bytes=10_000, poll_interval=0)
    store.put("/a", page(b"x", "k", ttl=-1), rendered_at_generation=0)
    assert store.get("/a") is None


def test_a_journal_record_committed_late_is_still_applied(db):
    """Two workers may commit records out of order; the one committed second still counts."""
    store = PageStore(max_bytes=10_000, poll_interval=0)
    PurgeRecord.objects.create(seq=100, keys="unrelated")
    store.refresh(time.monotonic())  # the first look only notes where the journal is
    for name in ("a", "b"):
        store.put(f"/{name}", page(b"x", f"article-{name}"), rendered_at_generation=0)
    PurgeRecord.objects.create(seq=103, keys="article-a")
    store.refresh(time.monotonic())
    assert store.get("/a") is None
    PurgeRecord.objects.create(seq=101, keys="article-b")
    store.refresh(time.monotonic())
    assert store.get("/b") is None
