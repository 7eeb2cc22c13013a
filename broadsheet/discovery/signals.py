from functools import partial

from django.db import transaction

from broadsheet.discovery.search_index import search_entry_refresh
from broadsheet.discovery.tasks import read_also_refresh_task


def on_article_published(sender, instance, **kwargs):
    transaction.on_commit(partial(read_also_refresh_task.enqueue, article_id=instance.pk))


def on_article_live_changed(sender, instance, **kwargs):
    """Published, unpublished or moved: search follows in the same transaction."""
    search_entry_refresh(article_id=instance.pk)
