from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from broadsheet.core.pages import QuickReadBack, RestrictionsReadAhead

# Paths the site serves itself; a section with one of these slugs would shadow or be shadowed.
RESERVED_SLUGS = frozenset(
    {
        "news",
        "topics",
        "authors",
        "experts",
        "search",
        "feed",
        "feeds",
        "corrections",
        "api",
        "admin",
        "cms",
        "django-admin",
        "documents",
        "static",
        "media",
        "healthz",
        "readyz",
        "metrics",
        "robots.txt",
        "sitemap",
        "sitemaps",
        "feed.json",
    }
)


def is_reserved_slug(slug: str) -> bool:
    return slug in RESERVED_SLUGS or slug.startswith("sitemap")


class SectionPage(QuickReadBack, RestrictionsReadAhead, Page):
    """A desk's front: Politics, Economy, Interviews… Its articles live beneath it."""

    intro = models.CharField(max_length=300, blank=True)
    show_on_home = models.BooleanField(
        default=True, help_text="Give the section a block on the home page."
    )
    telegram = models.BooleanField(
        "post to Telegram",
        default=True,
        help_text="Post the section's stories to the outlet's Telegram channel when they go live "
        "(a story can override this). Stories already posted keep their post.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("show_on_home"),
        FieldPanel("telegram"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["articles.ArticlePage"]
    template = "pages/section_page.html"

    class Meta:
        verbose_name = "section"

    def clean(self):
        super().clean()
        if is_reserved_slug(self.slug):
            raise ValidationError({"slug": f"“{self.slug}” is a path the site uses itself."})

    def get_context(self, request, *args, **kwargs):
        from broadsheet.caching import keys
        from broadsheet.sections.selectors import section_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(section_page_context(request, section=self))
        keys.tag(request, self, context["articles"], keys.latest(context["latest_news"]))
        return context
