"""Every payload of the corpus in every parameter and every variable path segment of every reader
URL: a 4xx for what makes no sense, never a 5xx."""

import time
from urllib.parse import quote

import pytest

from tests.hostile.conftest import MONITORING, ROUTES, UNREAD, reader_urls, urlconf_routes
from tests.hostile.payloads import (
    ARCHIVE_DAYS,
    PAGE_NUMBERS,
    PATHS,
    SCRIPTS,
    UNICODE,
    query_payloads,
)

pytestmark = pytest.mark.django_db

# A search that finds stories, so the filters and the page number are read too.
FINDS_STORIES = "river"
# Feeds, sitemaps and robots.txt are text a browser does not run as a page.
NOT_HTML = ("distribution:", "metrics", "healthz", "readyz")


def server_errors(client, url, requests, *, expected_5xx=None):
    """Send each (path, query) and name every answer of 500 or more."""
    errors = []
    # Counted, not raised: one run names every failing request.
    client.raise_request_exception = False
    for path, query in requests:
        response = client.get(path, query)
        if response.status_code >= 500 and response.status_code != expected_5xx:
            errors.append((response.status_code, path, query))
        elif url and url.route.startswith(NOT_HTML):
            kind = response.get("Content-Type", "")
            if kind.startswith("text/html") and response.status_code == 200:
                errors.append(("served as HTML", path, query))
    return errors


def monitoring_status(client, url) -> int | None:
    """healthz and readyz answer 503 without a worker: the payload must not change that."""
    if url.route in MONITORING:
        return client.get(url.path).status_code
    return None


def test_every_reader_route_of_the_urlconf_is_attacked(newsroom):
    """A reader URL added to the URLconf joins the corpus run (or this fails until it does)."""
    assert set(urlconf_routes()) == set(ROUTES)
    routes = {url.route for url in reader_urls(newsroom)}
    assert set(ROUTES) <= routes
    assert {"page:HomePage", "page:SectionPage", "page:ArticlePage"} <= routes


def test_every_query_payload_in_every_parameter_of_every_reader_url(client, newsroom, capsys):
    """Scripts, SQL and full-text syntax, odd numbers, dates and Unicode, in every parameter each
    reader view reads, and in parameters it never reads (pagination links carry those along)."""
    payloads = list(query_payloads().values())
    started, triples, requests = time.monotonic(), 0, 0
    errors = []
    for url in reader_urls(newsroom):
        expected = monitoring_status(client, url)
        # Parameters a view never reads cannot interact: every payload goes in one request.
        batch = [(url.path, {f"{UNREAD}{n}": payload for n, payload in enumerate(payloads)})]
        triples += len(payloads)
        for parameter in url.parameters:
            # Search reads its filters and page only beside a query.
            beside = {"q": FINDS_STORIES} if parameter != "q" and "q" in url.parameters else {}
            batch += [(url.path, beside | {parameter: payload}) for payload in payloads]
            triples += len(payloads)
        errors += server_errors(client, url, batch, expected_5xx=expected)
        requests += len(batch)
    with capsys.disabled():
        print(
            f"\nhostile corpus: {len(payloads)} query payloads, {triples} (URL, parameter, "
            f"payload) triples in {requests} requests, {time.monotonic() - started:.1f} s, "
            f"{len(errors)} 5xx"
        )
    assert errors == []


def test_path_payloads_in_every_variable_segment(client, newsroom, capsys):
    """Traversal, odd and invalid encodings, Unicode and script in every variable part of every
    reader URL (slugs, sitemap names, archive days, the page tree)."""
    segments = [*PATHS, *(quote(text, safe="") for text in UNICODE)]
    segments += [quote(s(9500 + n), safe="") for n, s in enumerate(SCRIPTS)]
    batch = []
    for url in reader_urls(newsroom):
        for prefix, suffix in url.holes:
            batch += [(f"{prefix}{segment}{suffix}", {}) for segment in segments]
    errors = server_errors(client, None, batch)
    with capsys.disabled():
        print(f"\nhostile corpus: {len(segments)} path payloads, {len(batch)} path requests")
    assert errors == []


def test_archive_days_that_do_not_exist_are_not_found(client, newsroom):
    """A day that is not in the calendar, or at its very ends, is a 404 (or an empty day)."""
    for day in ARCHIVE_DAYS:
        for query in ({}, {"page": "2"}, {"page": PAGE_NUMBERS[3]}):
            status = client.get(f"/news/{day}/", query).status_code
            assert status in (200, 404), (day, query, status)
