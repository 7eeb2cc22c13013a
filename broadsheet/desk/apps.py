from django.apps import AppConfig
from django.db.models.signals import post_save


class DeskConfig(AppConfig):
    name = "broadsheet.desk"
    label = "desk"
    verbose_name = "Desk"

    def ready(self):
        from wagtail.signals import page_published

        from broadsheet.articles.models import ArticlePage
        from broadsheet.desk.models import BreakingNews
        from broadsheet.desk.signals import on_breaking_news_saved, on_page_published

        post_save.connect(on_breaking_news_saved, sender=BreakingNews)
        page_published.connect(on_page_published, sender=ArticlePage)
