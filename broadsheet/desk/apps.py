from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "broadsheet.desk"
    label = "desk"
    verbose_name = "Desk"
