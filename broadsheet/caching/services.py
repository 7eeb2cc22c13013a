"""Purging: through every frontend cache configured in WAGTAILFRONTENDCACHE, by key where it can."""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from wagtail.contrib.frontend_cache.tasks import purge_urls_from_cache_task
from wagtail.contrib.frontend_cache.utils import get_backends
from wagtail.models import Page

from broadsheet.caching.backends import KeyPurgingBackend
from broadsheet.caching.selectors import page_cache_keys, page_cache_urls
from broadsheet.core.replicas import replica_wait
from broadsheet.monitoring.metrics import PURGE_FAILURES

logger = logging.getLogger("broadsheet.caching")


@dataclass
class PurgeResult:
    keys: list[str]
    urls: list[str] = field(default_factory=list)
    # Names (in WAGTAILFRONTENDCACHE) of the caches that did not confirm the purge.
    failed: list[str] = field(default_factory=list)


def cache_purge(
    *, keys: Iterable[str], urls: Iterable[str] = (), backends: Iterable[str] | None = None
) -> PurgeResult:
    """Purge `keys` from the caches that purge by key and `urls` from the others.

    A cache that fails is logged and named in the result; the rest are still purged.
    """
    result = PurgeResult(keys=list(dict.fromkeys(keys)), urls=sorted(set(urls)))
    # A cache refetching a purged page must read the change, not the replica's older copy.
    if not replica_wait():
        logger.warning("The read replica is still behind; purging anyway")
    configured = get_backends(backends=list(backends) if backends is not None else None)
    # Inner caches first: an outer one purged earlier could refill from an inner stale copy.
    ordered = sorted(configured.items(), key=lambda item: not getattr(item[1], "inner", False))
    waited = False
    for name, backend in ordered:
        if not getattr(backend, "inner", False) and not waited and len(ordered) > 1:
            # Until every web process has read the journal, a page cache may still hold the
            # stale page an outer cache would fetch.
            time.sleep(settings.PAGE_CACHE_POLL_INTERVAL)
            waited = True
        try:
            if isinstance(backend, KeyPurgingBackend):
                backend.purge_keys(result.keys)
            elif result.urls:
                purge_urls_from_cache_task.call(result.urls, None, [name])
        except Exception as error:  # any cache failure is retried, never raised to the publisher
            logger.warning("Purge from %s failed: %s", name, error)
            PURGE_FAILURES.labels(name).inc()
            result.failed.append(name)
    return result


def url_purge_wanted() -> bool:
    """Whether any configured cache purges by URL only, so URLs are worth working out."""
    return any(not isinstance(backend, KeyPurgingBackend) for backend in get_backends().values())


def page_purge(*, page_id: int, keys: Iterable[str] = (), urls: Iterable[str] = ()) -> PurgeResult:
    """Purge every page showing page `page_id` as it is now (live or not), and `keys`/`urls`.

    A page deleted since has nothing left to read: only the given keys and URLs are purged.
    """
    keys, urls = list(keys), list(urls)
    page = Page.objects.filter(pk=page_id).first()
    if page is not None:
        keys += page_cache_keys(page=page)
        if url_purge_wanted():
            urls += page_cache_urls(page=page)
    return cache_purge(keys=keys, urls=urls)
