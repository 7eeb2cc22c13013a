"""The outlet's settings, looked up once per request."""

import copy
from functools import partial

from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

from broadsheet.caching.memo import kept, memo
from broadsheet.core.models import OutletSettings
from broadsheet.core.pages import any_view_restriction
from broadsheet.core.prepared import prepared


def outlet_settings(request: HttpRequest | None = None) -> OutletSettings:
    """The settings of the request's site, or of the default site; defaults before setup."""
    try:
        if request is not None:
            return request_outlet_settings(request)
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        return OutletSettings.for_site(site)
    except (OutletSettings.DoesNotExist, Site.DoesNotExist):
        return OutletSettings()


def request_outlet_settings(request: HttpRequest) -> OutletSettings:
    """The request's site, its home page and settings in one query, kept where Wagtail looks.

    Wagtail would read them in three (the site, the settings, the home page's own fields when it
    routes), on every request.
    """
    cache_name = OutletSettings.get_cache_attr_name()
    if hasattr(request, cache_name):
        return getattr(request, cache_name)
    if hasattr(request, "_wagtail_site"):
        return OutletSettings.for_request(request)
    site = site_for_request(request)
    request._wagtail_site = site
    if site is None:
        raise Site.DoesNotExist()
    try:
        # A copy: the site may be kept for other requests (site_for_request), and Wagtail's
        # settings remember the request they were read for.
        settings = copy.copy(site.outletsettings)
    except OutletSettings.DoesNotExist:
        # The site's first visit writes its settings row. The site kept for other requests was
        # read without it: dropped, or every request would look for the row again, on the
        # primary database, until the worker's purge reached the journal.
        settings = OutletSettings.for_site(site)
        memo().clear()
    settings._request = request
    setattr(request, cache_name, settings)
    return settings


def site_for_request(request: HttpRequest) -> Site | None:
    """Wagtail's Site.find_for_request, with the home page (as itself) and the settings joined,
    kept from an earlier request when nothing has changed since (caching/memo.py). Shared: not
    to be changed."""
    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except ValueError:
        port = -1  # no site's
    return kept(request, ("site", hostname, port), partial(site_for_host, hostname, port))


def site_for_host(hostname: str, port: int) -> Site | None:
    sites = list(sites_for_host(hostname, port))
    # The choice wagtail.models.sites.get_site_for_hostname makes among the same rows.
    if not sites:
        return None
    if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        site = sites[0]
    elif sites[0].match == MATCH_DEFAULT:
        site = sites[len(sites) == 2]
    else:
        return None
    home = getattr(site.root_page, "homepage", None)
    if home is not None:
        # Routing starts from the home page as itself, which would otherwise cost a query.
        home.any_view_restriction = site.any_view_restriction
        site.root_page = home
    return site


@prepared
def sites_for_host(hostname: str, port: int) -> QuerySet[Site]:
    """The sites that may serve `hostname`, best match first (Wagtail's order)."""
    return (
        Site.objects.annotate(
            match=Case(
                When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
                When(hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT),
                When(is_default_site=True, then=MATCH_DEFAULT),
                default=MATCH_HOSTNAME,
                output_field=IntegerField(),
            )
        )
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page__homepage", "outletsettings")
        .annotate(any_view_restriction=any_view_restriction())
    )
