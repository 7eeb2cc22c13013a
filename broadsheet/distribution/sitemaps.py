"""Sitemaps for search engines: a sitemap index, the standard sitemaps and Google News.

Each sitemap is a small subclass of Django's `Sitemap` whose `items()` selects only the columns its
URLs need (plain dicts, never page objects), so a 50,000-URL page costs the same few queries as a
short one. Every list starts from `published_articles()`: nothing a reader cannot see is listed.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from wagtail.models import Site

from broadsheet.articles.selectors import published_articles
from broadsheet.caching import keys
from broadsheet.core.outlet import outlet_settings
from broadsheet.core.pages import unrestricted
from broadsheet.desk.models import Correction
from broadsheet.desk.selectors import public_corrections
from broadsheet.sections.models import SectionPage

# Google News reads only articles from the last two days, at most 1,000 per sitemap.
# https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
NEWS_SITEMAP_WINDOW = timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000
# The protocol's ceiling for one sitemap file. https://www.sitemaps.org/protocol.html
SITEMAP_LIMIT = 50_000


def newest_story(articles: QuerySet) -> Subquery:
    """The publication time of the newest of `articles`, for use inside another query."""
    return Subquery(articles.order_by("-first_published_at").values("first_published_at")[:1])


def w3c_datetime(moment, zone=None) -> str:
    """`moment` in the W3C datetime format sitemaps use, in the outlet's zone, to the second."""
    if not moment:
        return ""
    zone = zone or timezone.get_current_timezone()
    # Digits, dashes, colons and a plus sign: nothing to escape, so the template need not.
    return mark_safe(moment.astimezone(zone).replace(microsecond=0).isoformat())


def news_language(code: str) -> str:
    """The outlet's language as Google News spells it: ISO 639 (`en`), or `zh-cn`/`zh-tw`."""
    code = code.strip().lower().replace("_", "-")
    chinese = {"zh-cn": "zh-cn", "zh-hans": "zh-cn", "zh-tw": "zh-tw", "zh-hant": "zh-tw"}
    return chinese.get(code, code.split("-")[0])


class ReaderSitemap(Sitemap):
    """A sitemap of one site's reader pages; items are dicts that carry their `lastmod`."""

    limit = SITEMAP_LIMIT

    def __init__(self, *, site: Site):
        self.site = site
        self.root = site.root_page
        self.page_tree_prefix = reverse("wagtail_serve", args=("",))

    def articles(self) -> QuerySet:
        """The site's live, public articles."""
        # A LIKE, not core.pages.below(): on SQLite a range of paths makes the path index usable,
        # and the sections' sitemap would then read each section's stories in path order.
        return published_articles().filter(path__startswith=self.root.path)

    def page_url(self, url_path: str) -> str:
        # Wagtail serves a page at its url_path below the site root's, as Page.get_url_parts does.
        return iri_to_uri(self.page_tree_prefix + url_path[len(self.root.url_path) :])

    @cached_property
    def paginator(self) -> Paginator:
        # An empty <urlset> is invalid (sitemap.xsd wants one <url>): an empty sitemap is a 404.
        return Paginator(self.items(), self.limit, allow_empty_first_page=False)

    def lastmod(self, item):
        return item["lastmod"]

    def _urls(self, page, protocol, domain) -> list[dict]:
        """Django's, for what these sitemaps show (no priority, change frequency or languages).

        Every publish empties the articles sitemap, and its 50,000-URL pages are rendered again
        while crawlers wait: the time per URL counts. The date is formatted once here, too (the
        template's date filter would double the time of a page).
        """
        prefix = f"{protocol}://{domain}"
        zone = timezone.get_current_timezone()
        urls = [
            {
                "item": item,
                "location": prefix + self.location(item),
                "lastmod": item["lastmod"],
                "lastmod_w3c": w3c_datetime(item["lastmod"], zone),
            }
            for item in self.paginator.page(page).object_list
        ]
        lastmods = [url["lastmod"] for url in urls]
        if lastmods and all(lastmods):
            # Django's view dates the response (Last-Modified) by it.
            self.latest_lastmod = max(lastmods)
        return urls

    def page_lastmods(self) -> list:
        """The newest `lastmod` of each page, for the sitemap index; none for an empty sitemap.

        One query for a sitemap that fits a page, and one more per page beyond that.
        """
        items = self.items()
        if not isinstance(items, QuerySet):
            pages = [
                items[start : start + self.limit] for start in range(0, len(items), self.limit)
            ]
            return [
                max((item["lastmod"] for item in page if item["lastmod"]), default=None)
                for page in pages
            ]
        summary = items.aggregate(count=Count("*"), latest=Max("lastmod"))
        if summary["count"] <= self.limit:
            return [summary["latest"]] if summary["count"] else []
        return [
            items[start : start + self.limit].aggregate(latest=Max("lastmod"))["latest"]
            for start in range(0, summary["count"], self.limit)
        ]


class ArticleSitemap(ReaderSitemap):
    """Every live article, oldest first, so that a published page of the sitemap stays put."""

    def items(self) -> QuerySet:
        newest_note = (
            Correction.objects.filter(page=OuterRef("pk"))
            .order_by("-noted_at")
            .values("noted_at")[:1]
        )
        return (
            self.articles()
            .order_by("first_published_at", "pk")
            # The time readers are told a story changed: its newest public note, else its
            # publication (a silent republish is not a change, as on the article page).
            .annotate(
                lastmod=Greatest(
                    "first_published_at", Coalesce(Subquery(newest_note), "first_published_at")
                )
            )
            .values("url_path", "lastmod")
        )

    def location(self, item) -> str:
        return self.page_url(item["url_path"])


class SectionSitemap(ReaderSitemap):
    """The home page, the section fronts and the site's directory pages."""

    def items(self) -> list[dict]:
        articles = self.articles()
        newest = articles.values_list("first_published_at", flat=True).first()
        pages = []
        if self.root.live and not self.root.get_view_restrictions().exists():
            pages.append({"location": self.page_url(self.root.url_path), "lastmod": newest})
        sections = (
            SectionPage.objects.live()
            .filter(unrestricted())
            .child_of(self.root)
            .order_by("path")
            .annotate(lastmod=newest_story(articles.filter(path__startswith=OuterRef("path"))))
            .values("url_path", "lastmod")
        )
        pages += [
            {"location": self.page_url(section["url_path"]), "lastmod": section["lastmod"]}
            for section in sections
        ]
        pages.append({"location": reverse("news:index"), "lastmod": newest})
        corrected = public_corrections().values_list("noted_at", flat=True).first()
        pages.append({"location": reverse("desk:corrections"), "lastmod": corrected})
        # The directories change when a name is added, which nothing records: no lastmod.
        for name in ("topics:index", "authors:index", "experts:index"):
            pages.append({"location": reverse(name), "lastmod": None})
        return pages

    def location(self, item) -> str:
        return item["location"]


class DirectorySitemap(ReaderSitemap):
    """The pages of one directory (topics, authors, experts) that have at least one story."""

    # The slug of the topic, author or expert, reached from an article.
    slug_from_article = ""
    url_name = ""

    def items(self) -> QuerySet:
        # One grouped pass over the stories: a subquery per topic costs ten times as much.
        return (
            self.articles()
            .order_by()
            .values(directory_slug=F(self.slug_from_article))
            .annotate(lastmod=Max("first_published_at"))
            .filter(directory_slug__isnull=False)
            .order_by("directory_slug")
        )

    def location(self, item) -> str:
        return reverse(self.url_name, kwargs={"slug": item["directory_slug"]})


class TopicSitemap(DirectorySitemap):
    slug_from_article = "topics__slug"
    url_name = "topics:detail"


class AuthorSitemap(DirectorySitemap):
    slug_from_article = "bylines__author__slug"
    url_name = "authors:detail"


class ExpertSitemap(DirectorySitemap):
    slug_from_article = "experts__slug"
    url_name = "experts:detail"


@dataclass(frozen=True)
class Publication:
    name: str
    language: str


class NewsSitemap(ReaderSitemap):
    """Google News: the stories of the last two days, newest first."""

    limit = NEWS_SITEMAP_LIMIT

    def __init__(self, *, site: Site, publication: Publication):
        super().__init__(site=site)
        self.publication = publication

    def items(self) -> QuerySet:
        return (
            self.articles()
            .filter(first_published_at__gte=timezone.now() - NEWS_SITEMAP_WINDOW)
            .values("url_path", "title", lastmod=F("first_published_at"))
        )

    def location(self, item) -> str:
        return self.page_url(item["url_path"])

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["publication"] = self.publication
            url["title"] = url["item"]["title"]
        return urls


STANDARD_SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "topics": TopicSitemap,
    "authors": AuthorSitemap,
    "experts": ExpertSitemap,
}


def request_site(request: HttpRequest) -> Site:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site here")
    return site


def news_sitemap_for(request: HttpRequest) -> NewsSitemap:
    outlet = outlet_settings(request)
    publication = Publication(name=outlet.outlet_name, language=news_language(outlet.language))
    return NewsSitemap(site=request_site(request), publication=publication)


@dataclass(frozen=True)
class IndexEntry:
    location: str
    lastmod_w3c: str


def sitemap_index_entries(request: HttpRequest) -> list[IndexEntry]:
    """Every page of every non-empty sitemap, news first, each dated by its newest lastmod."""
    site = request_site(request)
    listed = [(reverse("distribution:sitemap-news"), news_sitemap_for(request))]
    listed += [
        (reverse("distribution:sitemap", kwargs={"section": name}), sitemap(site=site))
        for name, sitemap in STANDARD_SITEMAPS.items()
    ]
    entries = []
    for path, sitemap in listed:
        for number, lastmod in enumerate(sitemap.page_lastmods(), start=1):
            query = f"?p={number}" if number > 1 else ""
            location = request.build_absolute_uri(path + query)
            entries.append(IndexEntry(location=location, lastmod_w3c=w3c_datetime(lastmod)))
    return entries


@sitemap_views.x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    entries = sitemap_index_entries(request)
    keys.tag(request, keys.SITEMAPS)
    return TemplateResponse(
        request, "sitemaps/index.xml", {"entries": entries}, content_type="application/xml"
    )


def standard_sitemap(request: HttpRequest, section: str) -> HttpResponse:
    if section not in STANDARD_SITEMAPS:
        raise Http404("No such sitemap")
    sitemap = STANDARD_SITEMAPS[section](site=request_site(request))
    keys.tag(request, keys.SITEMAPS)
    return sitemap_views.sitemap(
        request, {section: sitemap}, section=section, template_name="sitemaps/sitemap.xml"
    )


def news_sitemap(request: HttpRequest) -> HttpResponse:
    keys.tag(request, keys.SITEMAPS)
    return sitemap_views.sitemap(
        request,
        {"news": news_sitemap_for(request)},
        section="news",
        template_name="sitemaps/news.xml",
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    keys.tag(request)
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('wagtailadmin_home')}",
        # Search results are endless near-duplicates of the pages they list.
        f"Disallow: {reverse('discovery:search')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('distribution:sitemap-index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
