from django.urls import path
from wagtail import hooks

from broadsheet.discovery import admin_views


@hooks.register("register_admin_urls")
def topic_suggestion_urls():
    return [
        path(
            "discovery/topics/promote/<int:page_id>/",
            admin_views.topic_promote_view,
            name="discovery_topic_promote",
        )
    ]
