from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from broadsheet.core.pages import QuickReadBack, RestrictionsReadAhead


class HomePage(QuickReadBack, RestrictionsReadAhead, Page):
    """The front page: top stories, a block per section and the Latest news feed."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["sections.SectionPage"]
    max_count = 1
    template = "pages/home_page.html"

    class Meta:
        verbose_name = "home page"

    def route(self, request, path_components):
        # Wagtail walks down the tree a level at a time, two queries a level. A section's address
        # is its slug and a story's its section's and its own, so the section comes from the
        # list the menu reads anyway and the story from one query.
        from broadsheet.articles.selectors import story_at
        from broadsheet.sections.selectors import request_sections

        if not 1 <= len(path_components) <= 2:
            return super().route(request, path_components)
        section = next(
            (
                section
                for section in request_sections(request)
                if section.slug == path_components[0] and section.path[: -self.steplen] == self.path
            ),
            None,
        )
        if section is None:
            return super().route(request, path_components)
        if len(path_components) == 1:
            return RouteResult(section)
        story = story_at(section=section, slug=path_components[1])
        if story is None or not story.live:
            raise Http404
        # treebeard's own cache of the parent: the story page shows its section.
        story._cached_parent_obj = section
        return RouteResult(story)

    def get_context(self, request, *args, **kwargs):
        from broadsheet.caching import keys
        from broadsheet.home.selectors import home_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_context(request))
        keys.tag(
            request,
            self,
            context["top_stories"],
            context["section_blocks"],
            keys.latest(context["latest_news"]),
        )
        return context
