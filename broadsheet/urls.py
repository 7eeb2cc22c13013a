from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from broadsheet.core import views as core_views
from broadsheet.monitoring import views as monitoring_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", monitoring_views.readyz, name="readyz"),
    path("metrics", monitoring_views.metrics, name="metrics"),
    path("news/", include("broadsheet.articles.urls")),
    path("topics/", include("broadsheet.topics.urls")),
    path("authors/", include("broadsheet.authors.urls")),
    path("experts/", include("broadsheet.experts.urls")),
    path("search/", include("broadsheet.discovery.urls")),
    path("corrections/", include("broadsheet.desk.urls")),
    # Sitemaps, robots.txt and every feed (including /<section>/feed/, ahead of the page tree).
    path("", include("broadsheet.distribution.urls")),
]

if settings.SERVE_MEDIA:
    # Development and the demo serve uploads themselves; production puts them behind a web server.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", core_views.media_serve))

# Sections and articles: Wagtail's page tree answers every path not claimed above.
urlpatterns.append(path("", include(wagtail_urls)))
