from django.urls import reverse
from wagtail.admin.panels import Panel


class TopicSuggestionsPanel(Panel):
    """Topics the saved draft names but is not tagged with, and names that could become topics."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", "Suggested topics")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "discovery/topic_suggestions_panel.html"

        def is_shown(self):
            return bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            # Imported here: the article model imports this panel.
            from broadsheet.discovery.selectors import story_topic_suggestions

            context = super().get_context_data(parent_context)
            suggestions, candidates = story_topic_suggestions(article=self.instance)
            context.update(
                suggestions=suggestions,
                candidates=candidates,
                can_promote=self.request.user.has_perm("topics.add_topic"),
                promote_url=reverse("discovery_topic_promote", args=(self.instance.pk,)),
            )
            return context
