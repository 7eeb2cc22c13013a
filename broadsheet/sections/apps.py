from django.apps import AppConfig


class SectionsConfig(AppConfig):
    name = "broadsheet.sections"
    label = "sections"
