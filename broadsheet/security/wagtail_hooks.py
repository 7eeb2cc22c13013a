from django.urls import path, reverse
from wagtail import hooks

from broadsheet.security import admin_views


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-step/", admin_views.two_factor_enrol, name="two_factor_enrol"),
        path("two-step/verify/", admin_views.two_factor_verify, name="two_factor_verify"),
        path("two-step/off/", admin_views.two_factor_disable, name="two_factor_disable"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("two_factor_enrol"),
        "label": "Two-step sign-in",
        "help_text": "Ask for a code from an authenticator app after the password.",
    }
