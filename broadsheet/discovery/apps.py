from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "broadsheet.discovery"
    label = "discovery"

    def ready(self):
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from broadsheet.articles.models import ArticlePage
        from broadsheet.discovery.signals import on_article_live_changed, on_article_published

        page_published.connect(on_article_published, sender=ArticlePage)
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(on_article_live_changed, sender=ArticlePage)
