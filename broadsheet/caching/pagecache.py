"""The embedded page cache: rendered reader pages kept in the web process, dropped on purge.

Purges are written by the worker to a journal (models.PurgeRecord); each process reads the journal
at most every PAGE_CACHE_POLL_INTERVAL, on a request, so serving a cached page costs a dictionary
lookup and no query, and a change reaches every process within that interval of its purge.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError
from django.db.models import Max, Q
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import SimpleCookie
from django.http.response import ResponseHeaders

from broadsheet.caching.models import PurgeRecord

logger = logging.getLogger("broadsheet.caching")

# A journal record may commit after one with a higher number (two workers inserting at once on
# PostgreSQL): a number skipped over is looked for again for this long.
GAP_WAIT = 5.0
MAX_GAPS = 256
# Purges remembered to judge a page rendered while they arrived; a page rendered across more
# purges than this is simply not kept.
RECENT_PURGES = 1024
# Headers and bookkeeping of one page, beyond its body.
PAGE_OVERHEAD = 1024
# What a 304 repeats of the page (RFC 9110, section 15.4.5), as django.utils.cache does.
NOT_MODIFIED_HEADERS = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Vary",
)


def url_key(path: str) -> str:
    """The key of every cached page at `path`, whatever its query string: for purges by URL."""
    return f"url:{path}"


@dataclass(slots=True)
class CachedPage:
    response: HttpResponse
    # The 304 for a request that sends back the page's ETag, as browsers and Varnish do.
    not_modified: HttpResponse
    etag: str | None
    keys: frozenset[str]
    expires: float
    size: int

    @classmethod
    def of(cls, response: HttpResponse, *, keys: Iterable[str], ttl: float) -> "CachedPage":
        """What to keep of a rendered response: a plain copy, without its template context."""
        kept = HttpResponse(
            response.content,
            status=response.status_code,
            reason=response.reason_phrase,
            headers=response.headers,
        )
        not_modified = HttpResponseNotModified()
        for header in NOT_MODIFIED_HEADERS:
            if header in kept.headers:
                not_modified.headers[header] = kept.headers[header]
        return cls(
            response=kept,
            not_modified=not_modified,
            etag=kept.headers.get("ETag"),
            keys=frozenset(keys),
            expires=time.monotonic() + ttl,
            size=len(kept.content) + PAGE_OVERHEAD,
        )

    def clone(self, *, not_modified: bool = False) -> HttpResponse:
        """A response of its own for one request, sharing only the immutable body."""
        kept = self.not_modified if not_modified else self.response
        # Building headers anew validates each one again (15 µs a page); a copy of the
        # validated mapping costs 1 µs.
        headers = ResponseHeaders.__new__(ResponseHeaders)
        headers._store = kept.headers._store.copy()
        clone = kept.__class__.__new__(kept.__class__)
        clone.__dict__.update(kept.__dict__)
        clone.headers = headers
        clone.cookies = SimpleCookie()
        clone._resource_closers = []
        return clone


class PageStore:
    """Pages by URL, indexed by surrogate key, kept to a byte budget, oldest evicted first."""

    def __init__(self, *, max_bytes: int, poll_interval: float):
        self.max_bytes = max_bytes
        self.poll_interval = poll_interval
        self.pages: dict[str, CachedPage] = {}
        self.by_key: dict[str, set[str]] = {}
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
            for key in page.keys:
                self.by_key.setdefault(key, set()).add(url)
            self.size += page.size
            while self.size > self.max_bytes and self.pages:
                self._drop(next(iter(self.pages)))
        return True

    def purge(self, keys: Iterable[str]) -> int:
        """Drop every page carrying any of `keys`; returns how many were dropped."""
        keys = frozenset(keys)
        dropped = 0
        with self.lock:
            self.generation += 1
            self.recent.append((self.generation, keys))
            for key in keys:
                for url in self.by_key.pop(key, ()):
                    dropped += self._drop(url)
        return dropped

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.by_key.clear()
            self.size = 0

    def _drop(self, url: str) -> int:
        page = self.pages.pop(url, None)
        if page is None:
            return 0
        self.size -= page.size
        for key in page.keys:
            urls = self.by_key.get(key)
            if urls is not None:
                urls.discard(url)
                if not urls:
                    del self.by_key[key]
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
