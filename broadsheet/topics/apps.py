from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "broadsheet.topics"
    label = "topics"
