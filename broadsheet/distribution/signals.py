from functools import partial

from django.db import transaction

from broadsheet.distribution.telegram.tasks import telegram_delivery_sync_task


def on_article_changed(sender, instance, **kwargs):
    """Published, unpublished, moved or deleted: the worker brings its Telegram post in line."""
    transaction.on_commit(partial(telegram_delivery_sync_task.enqueue, article_id=instance.pk))
