"""Frontend-cache backends that purge by surrogate key, beside Wagtail's purge-by-URL ones.

Configured in WAGTAILFRONTENDCACHE like Wagtail's own (wagtail.contrib.frontend_cache.backends);
services.cache_purge sends keys to these and URLs to the others.
"""

import logging
from collections.abc import Iterator, Sequence
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from broadsheet.caching.models import PurgeRecord
from broadsheet.caching.pagecache import url_key

logger = logging.getLogger("broadsheet.caching")


class PurgeFailed(Exception):
    """A cache did not confirm a purge; the task retries it."""


class KeyPurgingBackend(BaseBackend):
    """A frontend cache that can drop every page carrying a surrogate key."""

    # Purged before the caches in front of it, which would otherwise refill from its copies.
    inner = False

    def purge_keys(self, keys: Sequence[str]) -> None:
        raise NotImplementedError


class PageCacheBackend(KeyPurgingBackend):
    """The purge journal every web process polls: for its page cache and its memo (memo.py)."""

    inner = True

    def purge_keys(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        record = PurgeRecord.objects.create(keys=" ".join(keys))
        logger.info("Journalled %s", record.keys)
        # Kept well past the longest a page may be cached: a process that has not looked at the
        # journal for longer holds no page old enough to need a purge it missed.
        keep = timedelta(seconds=max(3600, 2 * settings.READER_CACHE_CONTROL["s-maxage"]))
        PurgeRecord.objects.filter(at__lt=record.at - keep).delete()

    def purge_batch(self, urls) -> None:
        self.purge_keys(sorted({url_key(urlsplit(url).path or "/") for url in urls}))

    def purge(self, url) -> None:
        self.purge_batch([url])


class XkeyBackend(KeyPurgingBackend):
    """Varnish with the xkey module (deploy/varnish/broadsheet.vcl), at one or more addresses.

    `PURGE /` with the header `xkey-purge: k1 k2 …` purges every object carrying one of the keys;
    a plain `PURGE /path` with the page's Host purges that URL.

        WAGTAILFRONTENDCACHE = {"varnish": {
            "BACKEND": "broadsheet.caching.backends.XkeyBackend",
            "LOCATIONS": ["http://127.0.0.1:6081"],
        }}
    """

    # Varnish refuses a request header longer than http_req_hdr_len (8 KB by default).
    # https://varnish-cache.org/docs/trunk/reference/varnishd.html#http-req-hdr-len
    MAX_HEADER = 4000
    TIMEOUT = (2.0, 10.0)  # connect, read (seconds)

    def __init__(self, params):
        super().__init__(params)
        self.locations = [location.rstrip("/") for location in params.pop("LOCATIONS")]
        self.session = requests.Session()

    def purge_keys(self, keys: Sequence[str]) -> None:
        errors = []
        for chunk in key_chunks(keys, limit=self.MAX_HEADER):
            for location in self.locations:
                errors += self._purge(f"{location}/", headers={"xkey-purge": chunk})
        if errors:
            raise PurgeFailed("; ".join(errors))

    def purge_batch(self, urls) -> None:
        errors = []
        for url in urls:
            parts = urlsplit(url)
            for location in self.locations:
                scheme, netloc = urlsplit(location)[:2]
                target = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
                errors += self._purge(target, headers={"Host": parts.netloc})
        if errors:
            raise PurgeFailed("; ".join(errors))

    def purge(self, url) -> None:
        self.purge_batch([url])

    def _purge(self, url: str, *, headers: dict[str, str]) -> list[str]:
        try:
            response = self.session.request("PURGE", url, headers=headers, timeout=self.TIMEOUT)
        except requests.RequestException as error:
            return [f"{url}: {error}"]
        if response.status_code >= 400:
            return [f"{url}: HTTP {response.status_code} {response.reason}"]
        logger.info("Purged %s %s", url, headers.get("xkey-purge", ""))
        return []


def key_chunks(keys: Sequence[str], *, limit: int) -> Iterator[str]:
    """`keys` space-separated, in header values of at most `limit` characters."""
    chunk: list[str] = []
    length = 0
    for key in keys:
        if chunk and length + 1 + len(key) > limit:
            yield " ".join(chunk)
            chunk, length = [], 0
        length += len(key) + (1 if chunk else 0)
        chunk.append(key)
    if chunk:
        yield " ".join(chunk)
