"""Every change a reader can see enqueues a purge for the worker, once the change is committed."""

from functools import partial

from django.db import transaction

from broadsheet.caching import keys
from broadsheet.caching.selectors import directory_cache_keys, page_cache_keys
from broadsheet.caching.tasks import cache_purge_task, page_purge_task


def after_commit(function, **kwargs) -> None:
    # robust: a queue that cannot take the task must not turn a committed publish into an error.
    transaction.on_commit(partial(function.enqueue, **kwargs), robust=True)


def on_page_changed(sender, instance, parent_page_before=None, **kwargs):
    """Published, unpublished or moved (then also purged from its old section's pages)."""
    moved_from = [keys.key_for(parent_page_before.specific_deferred)] if parent_page_before else []
    after_commit(page_purge_task, page_id=instance.pk, keys=moved_from)


def on_page_deleted(sender, instance, **kwargs):
    after_commit(cache_purge_task, keys=page_cache_keys(page=instance))


def on_directory_changed(sender, instance, **kwargs):
    after_commit(cache_purge_task, keys=directory_cache_keys(entry=instance))


def on_site_changed(sender, **kwargs):
    """The banner, the outlet's settings, a view restriction, a site: every reader page."""
    after_commit(cache_purge_task, keys=[keys.SITE])
