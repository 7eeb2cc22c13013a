from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Bringing an archive in: `manage.py import_articles FILE.jsonl`."""

    name = "broadsheet.imports"
    label = "imports"
