from wagtail.models import Page


class HomePage(Page):
    """The front page: top stories, a block per section and the Latest news feed."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["sections.SectionPage"]
    max_count = 1
    template = "pages/home_page.html"

    class Meta:
        verbose_name = "home page"

    def get_context(self, request, *args, **kwargs):
        from broadsheet.home.selectors import home_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_context())
        return context
