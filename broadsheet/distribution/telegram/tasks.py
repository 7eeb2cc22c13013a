from django.tasks import task

from broadsheet.distribution.telegram.services import telegram_delivery_sync


@task
def telegram_delivery_sync_task(*, article_id: int, changed: bool = True) -> str:
    """Bring the story's Telegram post in line with the story; returns the record's status."""
    return telegram_delivery_sync(article_id=article_id, changed=changed).status
