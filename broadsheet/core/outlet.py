"""The outlet's settings, looked up once per request."""

from django.http import HttpRequest
from wagtail.models import Site

from broadsheet.core.models import OutletSettings


def outlet_settings(request: HttpRequest | None = None) -> OutletSettings:
    """The settings of the request's site, or of the default site; defaults before setup."""
    try:
        if request is not None:
            return OutletSettings.for_request(request)
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        return OutletSettings.for_site(site)
    except OutletSettings.DoesNotExist:
        return OutletSettings()
