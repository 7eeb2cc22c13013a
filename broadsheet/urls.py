from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from broadsheet.core import views as core_views
from broadsheet.desk import views as desk_views
from broadsheet.desk.drafts import page_types_usage_urls
from broadsheet.monitoring import views as monitoring_views

urlpatterns = [
    # Wagtail's page types report, limited to the pages a person may see (desk/drafts.py).
    *page_types_usage_urls,
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
    # A draft shared by an editor: the token is the only key (broadsheet/desk/previews.py).
    path("preview/<str:token>/", desk_views.shared_preview, name="preview_share"),
    # Sitemaps, robots.txt and every feed (including /<section>/feed/, ahead of the page tree).
    path("", include("broadsheet.distribution.urls")),
]

if settings.SERVE_MEDIA:
    # Development and the demo serve uploads themselves; production puts them behind a web server.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", core_views.media_serve))

# Sections and articles: Wagtail's page tree answers every path not claimed above.
urlpatterns.append(path("", include(wagtail_urls)))
