"""What nearly every reader page reads, kept in the web process from one request to the next.

The request's site (with its home page and the outlet's settings), the live sections (the menu
and the router) and the Latest news: three queries on every page, and the pages made from their
rows. Kept, a story page renders in a third fewer instructions (callgrind, 2,000 stories).

A value is kept until the purge journal (models.PurgeRecord) has a record newer than the last one
seen, and never longer than a shared cache may keep a page. Every change a reader can see is
purged through the journal, after it is committed, so a value read again after a new record
carries the change. The journal is read when a value is asked for, at most every
PAGE_CACHE_POLL_INTERVAL, on the page cache's schedule (where the page cache runs, its own look
serves: see Memo.journal_read): the worker waits that long after writing a record before purging
caches in front (services.cache_purge), so no page they fetch again is made from a value the purge
changed. The page cache empties the memo when it applies a purge, so that no page it keeps is made
from one either.

Values are kept only where the journal is written (its backend in WAGTAILFRONTENDCACHE, which
tests leave out) and only for requests: the worker, which writes the journal, always reads afresh.
A value is shared by every request that reads it: callers copy before changing it.
"""

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Max

from broadsheet.caching.fragments import rendering_anew_now
from broadsheet.caching.models import PurgeRecord

logger = logging.getLogger("broadsheet.caching")

JOURNAL_BACKEND = "broadsheet.caching.backends.PageCacheBackend"
# Keys are few (a site per host name, the sections, Latest news); a flood of host names, where
# ALLOWED_HOSTS lets them in, empties the memo rather than growing it.
MAX_VALUES = 64


class Memo:
    """Values by key, each dropped when the journal moves on or its lifetime ends."""

    def __init__(self):
        self.values: dict[Hashable, tuple[float, Any]] = {}
        self.lock = threading.Lock()
        self.poll_lock = threading.Lock()
        self.next_poll = 0.0
        # The journal's last record when it was last read, and how many times values were
        # dropped: a value read across a drop is not kept.
        self.seen: int | None = None
        self.generation = 0

    def get(self, key: Hashable, read: Callable[[], Any]) -> Any:
        now = time.monotonic()
        if now >= self.next_poll:
            self._poll()
        kept = self.values.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        generation = self.generation
        value = read()
        with self.lock:
            if generation == self.generation:
                if len(self.values) >= MAX_VALUES:
                    self.values.clear()
                lifetime = settings.READER_CACHE_CONTROL["s-maxage"]
                self.values[key] = (time.monotonic() + lifetime, value)
        return value

    def clear(self) -> None:
        with self.lock:
            self.values.clear()
            self.generation += 1

    def forget(self) -> None:
        """Drop every value and the journal's position (a test's database is another)."""
        with self.poll_lock:
            self.clear()
            self.seen = None
            self.next_poll = 0.0

    def _poll(self) -> None:
        with self.poll_lock:
            if time.monotonic() < self.next_poll:
                return  # another thread looked while this one waited
            try:
                last = PurgeRecord.objects.aggregate(last=Max("seq"))["last"] or 0
            except DatabaseError:
                # The values may be stale now; the query that reads them again will say why.
                logger.warning("The reader memo could not read the purge journal", exc_info=True)
                last = None
            self._seen(last)

    def journal_read(self, last: int) -> None:
        """The journal's last record, as the page cache has just read it: the memo takes its
        look as its own rather than read the journal a second time in the same interval."""
        with self.poll_lock:
            self._seen(last)

    def _seen(self, last: int | None) -> None:
        if last is None or last != self.seen:
            self.clear()
            self.seen = last
        self.next_poll = time.monotonic() + settings.PAGE_CACHE_POLL_INTERVAL


_memo = Memo()


def memo() -> Memo:
    return _memo


def journal_written() -> bool:
    """Whether purges go through the journal here, so that the memo learns of them."""
    return any(
        backend.get("BACKEND") == JOURNAL_BACKEND
        for backend in settings.WAGTAILFRONTENDCACHE.values()
    )


def kept(request, key: Hashable, read: Callable[[], Any]) -> Any:
    """`read()`, or what it returned for an earlier request if nothing has changed since.

    Without a request (the worker, a command), without the journal, or while a page is being
    rendered anew to check a cached one (fragments.rendering_anew), `read()` is called.
    """
    if request is None or rendering_anew_now() or not journal_written():
        return read()
    return _memo.get(key, read)
