from functools import partial

from django.db import transaction

from broadsheet.distribution.telegram.tasks import telegram_delivery_sync_task


def on_article_changed(sender, instance, **kwargs):
    """Published, unpublished, moved or deleted: the worker brings its Telegram post in line."""
    # robust: with Redis down the publish stands, and the worker queues the sync again once
    # Redis is back (desk/redis_queue.py).
    transaction.on_commit(
        partial(telegram_delivery_sync_task.enqueue, article_id=instance.pk), robust=True
    )
