from broadsheet.desk.queue import queue_entry_forget_published
from broadsheet.desk.services import breaking_news_supersede


def on_breaking_news_saved(sender, instance, created, **kwargs):
    if created:
        breaking_news_supersede(flag=instance)


def on_page_published(sender, instance, **kwargs):
    queue_entry_forget_published(article_id=instance.pk)
