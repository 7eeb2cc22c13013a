from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "broadsheet.home"
    label = "home"
