from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "broadsheet.discovery"
    label = "discovery"

    def ready(self):
        from wagtail.signals import page_published

        from broadsheet.articles.models import ArticlePage
        from broadsheet.discovery.signals import on_article_published

        page_published.connect(on_article_published, sender=ArticlePage)
