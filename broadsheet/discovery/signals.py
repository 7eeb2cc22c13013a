from functools import partial

from django.db import transaction

from broadsheet.discovery.tasks import read_also_refresh_task


def on_article_published(sender, instance, **kwargs):
    transaction.on_commit(partial(read_also_refresh_task.enqueue, article_id=instance.pk))
