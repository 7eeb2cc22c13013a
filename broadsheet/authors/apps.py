from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "broadsheet.authors"
    label = "authors"
