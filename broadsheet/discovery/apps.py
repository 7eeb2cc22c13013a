from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "broadsheet.discovery"
    label = "discovery"
