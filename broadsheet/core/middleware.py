from django.utils import timezone

from broadsheet.core.outlet import outlet_settings


class SiteTimezoneMiddleware:
    """Show every date in the outlet's own time zone, whatever the server's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.activate(outlet_settings(request).zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
