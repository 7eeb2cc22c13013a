from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """`manage.py backup` and `manage.py restore`: the database and media in one archive."""

    name = "broadsheet.backups"
    label = "backups"
