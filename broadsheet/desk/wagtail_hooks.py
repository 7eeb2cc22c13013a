from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from broadsheet.desk import admin_views
from broadsheet.desk.clock import publishing_status
from broadsheet.desk.drafts import desk_page_viewset, pages_visible_to
from broadsheet.desk.models import BreakingNews, DeskSettings
from broadsheet.desk.previews import can_share_preview


class BreakingNewsViewSet(SnippetViewSet):
    model = BreakingNews
    icon = "warning"
    menu_label = "Breaking news"
    add_to_admin_menu = True
    menu_order = 150
    list_display = ["__str__", "article", "flagged_at", "expires_at", "superseded_at"]


register_snippet(BreakingNewsViewSet)


class DeskSettingsViewSet(SnippetViewSet):
    model = DeskSettings
    icon = "time"
    menu_label = "Release cadence"
    add_to_settings_menu = True


register_snippet(DeskSettingsViewSet)


@hooks.register("register_admin_urls")
def queue_urls():
    return [
        path("desk/queue/", admin_views.queue_index, name="desk_queue"),
        path("desk/queue/add/", admin_views.queue_add, name="desk_queue_add"),
        path("desk/queue/pause/", admin_views.queue_pause, name="desk_queue_pause"),
        path(
            "desk/queue/<int:entry_id>/<slug:action>/",
            admin_views.queue_action,
            name="desk_queue_action",
        ),
        path(
            "desk/previews/<int:page_id>/",
            admin_views.preview_shares,
            name="desk_preview_shares",
        ),
        path(
            "desk/previews/revoke/<int:share_id>/",
            admin_views.preview_share_revoke_view,
            name="desk_preview_share_revoke",
        ),
    ]


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("desk.change_queueentry")


@hooks.register("register_admin_menu_item")
def queue_menu_item():
    return QueueMenuItem("Release queue", reverse("desk_queue"), icon_name="time", order=140)


@hooks.register("construct_explorer_page_queryset")
def explorer_hides_colleagues_drafts(parent_page, pages, request):
    return pages_visible_to(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def chooser_hides_colleagues_drafts(pages, request):
    return pages_visible_to(pages, request.user)


# After Wagtail's own (order 0), so this one is the base Page's viewset: the page search.
@hooks.register("register_admin_viewset", order=1)
def desk_pages():
    return desk_page_viewset


class SharePreviewButton(PageMenuItem):
    label = "Share preview link"
    icon_name = "link"
    url_name = "desk_preview_shares"
    priority = 66

    def is_shown(self, user):
        return can_share_preview(page=self.page, user=user)


@hooks.register("register_page_header_buttons")
def share_preview_header_button(page, user, view_name, next_url=None):
    yield SharePreviewButton(page=page)


@hooks.register("register_page_listing_more_buttons")
def share_preview_listing_button(page, user, next_url=None):
    yield SharePreviewButton(page=page)


class PublishingLatePanel(Component):
    """A warning at the top of the dashboard when scheduled stories are not going out."""

    name = "publishing_late"
    order = 10

    def __init__(self, status):
        self.status = status

    def render_html(self, parent_context=None):
        if self.status.worker_alive:
            problem = f"the oldest scheduled story is {self.status.lag_seconds:.0f} s overdue."
        else:
            problem = "the desk worker is not running, so nothing scheduled will go live."
        return format_html(
            '<div class="help-block help-critical" role="alert"><p><strong>Publishing is late:'
            "</strong> {} Start it with <code>python manage.py desk_worker</code>.</p></div>",
            problem,
        )


@hooks.register("construct_homepage_panels")
def warn_when_publishing_is_late(request, panels):
    status = publishing_status()
    if status.late:
        panels.insert(0, PublishingLatePanel(status))


class QueueReleaseFormatter(LogFormatter):
    label = "Release queue: released"

    def format_message(self, log_entry):
        who = "by the desk clock at its slot" if log_entry.data.get("by_clock") else "by hand"
        return f"Released from the release queue {who}"


@hooks.register("register_log_actions")
def desk_log_actions(actions):
    actions.register_action("desk.queue.add", "Release queue: added", "Added to the release queue")
    actions.register_action("desk.queue.move", "Release queue: moved", "Moved in the release queue")
    actions.register_action(
        "desk.queue.pull", "Release queue: pulled", "Taken out of the release queue"
    )
    actions.register_action("desk.queue.release")(QueueReleaseFormatter)
    actions.register_action("desk.queue.pause", "Release queue: paused", "Paused the release queue")
    actions.register_action(
        "desk.queue.resume", "Release queue: resumed", "Resumed the release queue"
    )
    actions.register_action(
        "desk.preview.share", "Preview link: shared", "Shared a preview link to the draft"
    )
    actions.register_action(
        "desk.preview.revoke", "Preview link: revoked", "Revoked a preview link to the draft"
    )
