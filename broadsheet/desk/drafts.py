"""Whose unpublished drafts a person finds in the admin's page listings.

Wagtail lists every page under one a person may add to, and writers may add anywhere in the
tree: without this a writer could read the titles of a colleague's unpublished scoops in the
explorer, the page search, the page chooser, the admin's page API, the site history and the page
types report. Opening them is refused by Wagtail already.
"""

from django.db.models import Q, QuerySet
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy


def pages_visible_to(pages: QuerySet, user) -> QuerySet:
    """Published pages and the person's own drafts; editors (who may change any page) see all."""
    if _changes_any_page(user):
        return pages
    return pages.filter(Q(live=True) | Q(owner=user))


def _changes_any_page(user) -> bool:
    # Not PagePermissionPolicy.user_has_permission(user, "change"): it counts "add" as "change",
    # since Wagtail lets a writer edit their own pages.
    if user.is_active and user.is_superuser:
        return True
    granted = PagePermissionPolicy().get_cached_permissions_for_user(user)
    return any(grant.permission.codename == "change_page" for grant in granted)


class DeskPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page policy, exploring only pages_visible_to(); registered for Page (apps.py)."""

    def explorable_instances(self, user):
        return pages_visible_to(super().explorable_instances(user), user)


class DeskPageSearchView(SearchView):
    permission_policy = DeskPagePermissionPolicy()


class DeskPageViewSet(PageViewSet):
    """The base Page viewset with the page search limited to what a person may see."""

    search_view_class = DeskPageSearchView


desk_page_viewset = DeskPageViewSet("desk_pages", model=Page)


class DeskPageTypesUsageReportView(PageTypesUsageReportView):
    """The page types report, whose "last edited" column names a page only if the person may
    see it: Wagtail picks the newest edit of each type from every page."""

    def decorate_paginated_queryset(self, page_types):
        page_types = super().decorate_paginated_queryset(page_types)
        shown = [item.last_edited_page.pk for item in page_types if item.last_edited_page]
        visible = set(
            pages_visible_to(Page.objects.filter(pk__in=shown), self.request.user).values_list(
                "pk", flat=True
            )
        )
        for item in page_types:
            if item.last_edited_page and item.last_edited_page.pk not in visible:
                item.last_edited_page = None
        return page_types


def _admin_view(view):
    return require_admin_access(never_cache(view))


# Ahead of the admin's own URLs in broadsheet/urls.py, at the same addresses.
page_types_usage_urls = [
    path(
        "admin/reports/page-types-usage/",
        _admin_view(DeskPageTypesUsageReportView.as_view()),
    ),
    path(
        "admin/reports/page-types-usage/results/",
        _admin_view(DeskPageTypesUsageReportView.as_view(results_only=True)),
    ),
]
