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
        # Every admin screen that asks the registry which pages a person may explore (site
        # history, the page API) leaves out colleagues' drafts; importing wagtail.permissions
        # first makes this registration the last one.
        from wagtail.models import Page
        from wagtail.permissions import register_permission_policy

        from broadsheet.desk.drafts import DeskPagePermissionPolicy

        register_permission_policy(Page, DeskPagePermissionPolicy(Page))
