from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from broadsheet.desk.models import BreakingNews


class BreakingNewsViewSet(SnippetViewSet):
    model = BreakingNews
    icon = "warning"
    menu_label = "Breaking news"
    add_to_admin_menu = True
    menu_order = 150
    list_display = ["__str__", "article", "flagged_at", "expires_at", "superseded_at"]


register_snippet(BreakingNewsViewSet)
