from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """What keeps readers and the newsroom safe: response headers, the admin's own policy."""

    name = "broadsheet.security"
    label = "security"
