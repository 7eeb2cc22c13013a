from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete


class CachingConfig(AppConfig):
    """Reader pages cached wherever they can be, and purged when what they show changes."""

    name = "broadsheet.caching"
    label = "caching"

    def ready(self):
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from broadsheet.articles.models import ArticlePage
        from broadsheet.authors.models import Author
        from broadsheet.caching import signals
        from broadsheet.core.models import OutletSettings
        from broadsheet.desk.models import BreakingNews
        from broadsheet.experts.models import Expert
        from broadsheet.home.models import HomePage
        from broadsheet.sections.models import SectionPage
        from broadsheet.topics.models import Topic

        for page_type in (ArticlePage, SectionPage, HomePage):
            for signal in (page_published, page_unpublished, post_page_move):
                signal.connect(signals.on_page_changed, sender=page_type)
            pre_delete.connect(signals.on_page_deleted, sender=page_type)
        for entry_type in (Topic, Author, Expert):
            post_save.connect(signals.on_directory_changed, sender=entry_type)
            post_delete.connect(signals.on_directory_changed, sender=entry_type)
        # A site's name, address or home page: the web processes keep the site (memo.py).
        for site_wide in (BreakingNews, OutletSettings, PageViewRestriction, Site):
            post_save.connect(signals.on_site_changed, sender=site_wide)
            post_delete.connect(signals.on_site_changed, sender=site_wide)
