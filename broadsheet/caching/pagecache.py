"""The embedded page cache: rendered reader pages kept in the web process, dropped on purge.

Purges are written by the worker to a journal (models.PurgeRecord); each process reads the journal
at most every PAGE_CACHE_POLL_INTERVAL, on a request, so serving a cached page costs a dictionary
lookup and no query, and a change reaches every process within that interval of its purge.
"""

import gzip
import logging
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from django.db import DatabaseError
from django.db.models import Max, Q
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import SimpleCookie
from django.http.response import ResponseHeaders
from django.utils.cache import patch_vary_headers

from broadsheet.caching.memo import memo
from broadsheet.caching.models import PurgeRecord

logger = logging.getLogger("broadsheet.caching")

# A journal record may commit after one with a higher number (two workers inserting at once on
# PostgreSQL): a number skipped over is looked for again for this long.
GAP_WAIT = 5.0
MAX_GAPS = 256
# Purges remembered to judge a page rendered while they arrived; a page rendered across more
# purges than this is simply not kept.
RECENT_PURGES = 1024
# What one page takes beyond its gzipped body, as tracemalloc counts it: its response and
# headers, and per surrogate key a slot and (shared with other pages) the key's string.
PAGE_OVERHEAD = 2048
KEY_OVERHEAD = 64
# What a 304 repeats of the page (RFC 9110, section 15.4.5), as django.utils.cache does; in
# lower case, as ResponseHeaders keys them.
NOT_MODIFIED_HEADERS = (
    "cache-control",
    "content-location",
    "date",
    "etag",
    "expires",
    "last-modified",
    "vary",
)


# Pages are kept gzipped: an article page is 31 KB as HTML and 7 KB gzipped, so the budget holds
# four times the pages, and browsers (which all take gzip) get the smaller copy as it is. Level 6
# is zlib's default: 9 saves about 1 % more for twice the time on each page kept.
GZIP_LEVEL = 6


# Browsers send a handful of distinct values: each is read once (5 µs) per process.
@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header (RFC 9110, section 12.5.3) takes gzip: named, or
    covered by `*`, with a weight above 0."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        coding, _, parameters = item.partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        weights[coding.strip()] = weight
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def weak(etag: str) -> str:
    """The weak form of an entity tag: both encodings of a page are the same page, byte for
    byte different (RFC 9110, section 8.8.1), as Django's GZipMiddleware also marks them."""
    return etag if etag.startswith("W/") else f"W/{etag}"


def url_key(path: str) -> str:
    """The key of every cached page at `path`, whatever its query string: for purges by URL."""
    return f"url:{path}"


@dataclass(slots=True)
class CachedPage:
    # The page gzipped, with the headers of that encoding; all else is derived per request.
    response: HttpResponse
    etag: str | None
    # A tuple: a frozenset of a page's hundred keys takes 4 KB, more than the page gzipped.
    keys: tuple[str, ...]
    expires: float
    size: int

    @classmethod
    def of(cls, response: HttpResponse, *, keys: Iterable[str], ttl: float) -> "CachedPage":
        """What to keep of a rendered response: a gzipped copy, without its template context."""
        zipped = HttpResponse(
            gzip.compress(response.content, compresslevel=GZIP_LEVEL, mtime=0),
            status=response.status_code,
            reason=response.reason_phrase,
            headers=response.headers,
        )
        patch_vary_headers(zipped, ("Accept-Encoding",))
        if etag := zipped.headers.get("ETag"):
            zipped.headers["ETag"] = weak(etag)
        zipped.headers["Content-Encoding"] = "gzip"
        zipped.headers["Content-Length"] = str(len(zipped.content))
        # The same story's key is on many pages: one string for all of them. Through a list: a
        # tuple built from a map() (which has no length) keeps the room it grew into, 8 KB for a
        # page's sixty keys, more than the page gzipped.
        keys = tuple([sys.intern(key) for key in keys])
        return cls(
            response=zipped,
            etag=zipped.headers.get("ETag"),
            keys=keys,
            expires=time.monotonic() + ttl,
            size=len(zipped.content) + PAGE_OVERHEAD + KEY_OVERHEAD * len(keys),
        )

    def clone(self, *, zipped: bool = True) -> HttpResponse:
        """A response of its own for one request, sharing only the immutable body; gzipped, or
        unzipped for a client that does not take gzip."""
        clone = _copy(self.response, self.response.headers._store.copy())
        if not zipped:
            clone.content = gzip.decompress(self.response.content)
            del clone.headers._store["content-encoding"]
            clone.headers._store["content-length"] = ("Content-Length", str(len(clone.content)))
        return clone

    def not_modified(self) -> HttpResponse:
        """The 304 for a request that sends back the page's ETag, as browsers and Varnish do."""
        kept = self.response.headers._store
        return _copy(
            _not_modified(), {name: kept[name] for name in NOT_MODIFIED_HEADERS if name in kept}
        )


@cache
def _not_modified() -> HttpResponseNotModified:
    return HttpResponseNotModified()


def _copy(response: HttpResponse, headers: dict) -> HttpResponse:
    """A copy of `response` with `headers` (already validated: building headers anew validates
    each one again, 15 µs a page, where copying the mapping costs 1 µs)."""
    clone = response.__class__.__new__(response.__class__)
    clone.__dict__.update(response.__dict__)
    clone.headers = ResponseHeaders.__new__(ResponseHeaders)
    clone.headers._store = headers
    clone.cookies = SimpleCookie()
    clone._resource_closers = []
    return clone


class PageStore:
    """Pages by URL, kept to a byte budget, oldest evicted first.

    A purge looks through every page's keys rather than an index from key to pages: an index
    held a set for each of the tens of thousands of keys (a day's archive page alone shows a
    hundred stories), more memory than the gzipped pages themselves, while a purge that compares
    its few keys with the keys of a few thousand pages takes about a millisecond.
    """

    def __init__(self, *, max_bytes: int, poll_interval: float):
        self.max_bytes = max_bytes
        self.poll_interval = poll_interval
        self.pages: dict[str, CachedPage] = {}
        self.size = 0
        self.lock = threading.Lock()
        self.poll_lock = threading.Lock()
        self.next_poll = 0.0
        # The highest journal record applied, and numbers below it not seen yet (with deadlines).
        self.cursor: int | None = None
        self.gaps: dict[int, float] = {}
        # Counts purges applied; a page rendered while it moved is checked against `recent`.
        self.generation = 0
        self.recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=RECENT_PURGES)

    def get(self, url: str) -> CachedPage | None:
        page = self.pages.get(url)
        if page is not None and page.expires < time.monotonic():
            return None
        return page

    def put(self, url: str, page: CachedPage, *, rendered_at_generation: int) -> bool:
        """Keep `page` unless a purge of one of its keys arrived while it was being rendered."""
        with self.lock:
            if self.generation != rendered_at_generation:
                if self.generation - rendered_at_generation >= RECENT_PURGES:
                    return False
                for generation, keys in self.recent:
                    if generation > rendered_at_generation and not keys.isdisjoint(page.keys):
                        return False
            self._drop(url)
            self.pages[url] = page
            self.size += page.size
            while self.size > self.max_bytes and self.pages:
                self._drop(next(iter(self.pages)))
        return True

    def purge(self, keys: Iterable[str]) -> int:
        """Drop every page carrying any of `keys`; returns how many were dropped."""
        keys = frozenset(keys)
        dropped = 0
        # Before any page made after this purge is kept: none may be made from what it changed.
        memo().clear()
        with self.lock:
            self.generation += 1
            self.recent.append((self.generation, keys))
            for url in [url for url, page in self.pages.items() if not keys.isdisjoint(page.keys)]:
                dropped += self._drop(url)
        return dropped

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0

    def _drop(self, url: str) -> int:
        page = self.pages.pop(url, None)
        if page is None:
            return 0
        self.size -= page.size
        return 1

    def refresh(self, now: float) -> None:
        """Apply the journal's new purges, if the last look is older than the poll interval."""
        if now < self.next_poll:
            return
        with self.poll_lock:
            if time.monotonic() < self.next_poll:
                return  # another thread looked while this one waited
            try:
                self._poll()
            except DatabaseError:
                # Serve what is kept rather than fail; the next request tries again.
                logger.warning("Page cache could not read the purge journal", exc_info=True)
            else:
                memo().journal_read(self.cursor)
            self.next_poll = time.monotonic() + self.poll_interval

    def _poll(self) -> None:
        if self.cursor is None:
            # Nothing is cached before the first look, so earlier purges do not matter.
            self.cursor = PurgeRecord.objects.aggregate(last=Max("seq"))["last"] or 0
            return
        wanted = Q(seq__gt=self.cursor)
        if self.gaps:
            wanted |= Q(seq__in=list(self.gaps))
        records = PurgeRecord.objects.filter(wanted).order_by("seq").values_list("seq", "keys")
        now = time.monotonic()
        for seq, keys in records:
            self.gaps.pop(seq, None)
            if seq > self.cursor:
                for skipped in range(max(self.cursor + 1, seq - MAX_GAPS), seq):
                    self.gaps[skipped] = now + GAP_WAIT
                self.cursor = seq
            self.purge(keys.split())
        self.gaps = {seq: until for seq, until in self.gaps.items() if until > now}
