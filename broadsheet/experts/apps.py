from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "broadsheet.experts"
    label = "experts"
