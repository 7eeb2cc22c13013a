import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from broadsheet.caching.services import PurgeResult, cache_purge, page_purge

logger = logging.getLogger("broadsheet.caching")

# Ahead of slower work in the queue (ranking Read also, posting to Telegram): readers should see
# a change within seconds of it. Purges have a queue of their own, which RQ's workers look at
# first; the database queue also orders by priority (RQ has no priorities and refuses one).
PURGE_QUEUE = "purges"
PURGE_PRIORITY = 50
URGENT = {"queue_name": PURGE_QUEUE} | (
    {} if settings.TASK_QUEUE == "redis" else {"priority": PURGE_PRIORITY}
)
# Seconds before each retry of a cache that failed a purge; after the last the page waits out its
# lifetime (s-maxage) in that cache.
RETRY_DELAYS = (1, 5, 30, 120)


@task(**URGENT)
def page_purge_task(*, page_id: int, keys: list[str] | None = None) -> list[str]:
    """Purge every page showing page `page_id`; returns the keys purged."""
    result = page_purge(page_id=page_id, keys=keys or ())
    purge_retry(result, attempt=1)
    return result.keys


@task(**URGENT)
def cache_purge_task(
    *,
    keys: list[str],
    urls: list[str] | None = None,
    backends: list[str] | None = None,
    attempt: int = 1,
) -> list[str]:
    """Purge `keys` (and `urls`) from `backends`, every configured cache by default."""
    result = cache_purge(keys=keys, urls=urls or (), backends=backends)
    purge_retry(result, attempt=attempt)
    return result.keys


def purge_retry(result: PurgeResult, *, attempt: int) -> None:
    """Try the caches that failed again later, a few times."""
    if not result.failed:
        return
    if attempt > len(RETRY_DELAYS):
        logger.error("Gave up purging %s from %s", " ".join(result.keys), ", ".join(result.failed))
        return
    retry = cache_purge_task
    if retry.get_backend().supports_defer:
        delay = timedelta(seconds=RETRY_DELAYS[attempt - 1])
        retry = retry.using(run_after=timezone.now() + delay)
    retry.enqueue(keys=result.keys, urls=result.urls, backends=result.failed, attempt=attempt + 1)
