from django.apps import AppConfig


class DistributionConfig(AppConfig):
    """Getting published stories out: feeds, sitemaps, structured data and the Telegram channel."""

    name = "broadsheet.distribution"
    label = "distribution"
