import logging

from django.apps import AppConfig
from django.db.models.signals import post_delete


class DistributionConfig(AppConfig):
    """Getting published stories out: feeds, sitemaps, structured data and the Telegram channel."""

    name = "broadsheet.distribution"
    label = "distribution"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from broadsheet.articles.models import ArticlePage
        from broadsheet.distribution.signals import on_article_changed
        from broadsheet.distribution.telegram.client import TokenScrubFilter

        for signal in (page_published, page_unpublished, post_page_move, post_delete):
            signal.connect(on_article_changed, sender=ArticlePage)
        # urllib3 logs each request's path at DEBUG, and the bot token is part of that path.
        logging.getLogger("urllib3.connectionpool").addFilter(TokenScrubFilter())
