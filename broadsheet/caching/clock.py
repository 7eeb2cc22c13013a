"""Purges for what changes by the clock alone, with no signal: run by the desk worker each tick."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from broadsheet.caching import keys
from broadsheet.caching.selectors import banners_expired_between, released_between
from broadsheet.caching.tasks import cache_purge_task, page_purge_task

# A page rendered just before a story's time may still be on its way into a cache when the
# time comes; purging this much later catches it.
SETTLE = timedelta(seconds=0.25)


class ReleaseWatch:
    """Purges when an embargo ends, a story dated ahead comes due, or the banner expires."""

    def __init__(self, *, since: datetime):
        self.since = since

    @classmethod
    def starting(cls, now: datetime | None = None) -> "ReleaseWatch":
        # A worker starting up also covers what came due while none ran, back as far as a
        # cache may still hold a page from before it.
        lifetime = timedelta(seconds=settings.READER_CACHE_CONTROL["s-maxage"])
        return cls(since=(now or timezone.now()) - lifetime)

    def tick(self, now: datetime | None = None) -> list[int]:
        """Enqueue purges for what came due since the last tick; returns the stories released."""
        until = (now or timezone.now()) - SETTLE
        if until <= self.since:
            return []
        released = released_between(since=self.since, until=until)
        for article_id in released:
            page_purge_task.enqueue(page_id=article_id)
        if banners_expired_between(since=self.since, until=until):
            cache_purge_task.enqueue(keys=[keys.SITE])
        self.since = until
        return released
