from django.contrib.auth import get_user_model
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.views.generic import InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from broadsheet.distribution import admin_views
from broadsheet.distribution.models import TelegramDelivery


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Delivery records are written by the worker alone: people may look, never edit."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(["view"])


register_permission_policy(TelegramDelivery, ReadOnlyPolicy(TelegramDelivery))


class TelegramDeliveryInspectView(InspectView):
    @property
    def header_more_buttons(self):
        buttons = []
        if story_url := admin_views.story_edit_url(self.object):
            buttons.append(HeaderButton("Edit story", url=story_url, icon_name="edit"))
        if self.object.status in admin_views.RETRYABLE:
            retry_url = reverse("telegramdelivery:retry", args=[self.object.pk])
            buttons.append(HeaderButton("Post again", url=retry_url, icon_name="repeat"))
        return buttons


class TelegramDeliveryViewSet(ModelViewSet):
    model = TelegramDelivery
    icon = "mail"
    menu_label = "Telegram"
    add_to_admin_menu = True
    menu_order = 160
    inspect_view_enabled = True
    inspect_view_class = TelegramDeliveryInspectView
    inspect_view_fields = [
        "headline",
        "article_id",
        "status",
        "note",
        "chat_id",
        "message_id",
        "kind",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "last_error",
        "sent_text",
        "updated_at",
    ]
    copy_view_enabled = False
    # No one edits a record (see ReadOnlyPolicy), but the viewset insists on a form.
    exclude_form_fields: list[str] = []
    list_display = [
        "headline",
        "status",
        "kind",
        "message_id",
        "attempts",
        "last_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["headline"]
    list_per_page = 50

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("retry/<int:pk>/", admin_views.telegram_delivery_retry_view, name="retry"),
        ]


@hooks.register("register_admin_viewset")
def telegram_delivery_viewset():
    return TelegramDeliveryViewSet("telegramdelivery")
