from functools import cache

from django.db.models import Exists, QuerySet
from django.db.models.functions import Now

from broadsheet.articles.selectors import latest_articles, section_listing
from broadsheet.caching.memo import kept
from broadsheet.core.pages import any_view_restriction, unrestricted
from broadsheet.core.pagination import paginate
from broadsheet.core.prepared import prepared
from broadsheet.desk.selectors import breaking_flags_in_force
from broadsheet.sections.models import SectionPage

SECTION_PAGE_SIZE = 20


def live_sections() -> QuerySet[SectionPage]:
    """Live, public sections in the editors' tree order."""
    return live_sections_query().all()


@cache
def live_sections_query() -> QuerySet[SectionPage]:
    # Built once and copied for each use (never evaluated itself): every page reads it, and its
    # filters cost more to build than the query takes to run.
    # Filtered from the sections' own table: SQLite, which keeps no table statistics, would
    # otherwise walk the whole page tree in path order, every story, to find the few sections.
    return (
        SectionPage.objects.filter(pk__in=SectionPage.objects.values("pk"))
        .live()
        .filter(unrestricted())
        .annotate(
            any_view_restriction=any_view_restriction(),
            # Read with the menu, which every page shows: most pages then skip the banner's query.
            breaking_flagged=Exists(breaking_flags_in_force(now=Now())),
        )
        .order_by("path")
    )


@prepared
def live_section_rows() -> QuerySet[SectionPage]:
    return live_sections_query().all()


def request_sections(request) -> list[SectionPage]:
    """The live sections, read once per request (the menu and the router both need them), or
    kept from an earlier one (caching/memo.py). Shared: not to be changed."""
    if not hasattr(request, "_live_sections"):
        request._live_sections = kept(request, "sections", lambda: list(live_section_rows()))
    return request._live_sections


def breaking_flagged(request) -> bool:
    """Whether a breaking-news flag may be in force (False only when known not to be)."""
    sections = request_sections(request) if request is not None else []
    return not sections or sections[0].breaking_flagged


def navigation_sections(request=None) -> list[SectionPage]:
    """Live sections in the editors' tree order: the site's main navigation."""
    sections = request_sections(request) if request is not None else live_sections()
    return [section for section in sections if section.show_in_menus]


def section_page_context(request, *, section: SectionPage) -> dict:
    return {
        "articles": paginate(request, section_listing(section=section), per_page=SECTION_PAGE_SIZE),
        "latest_news": latest_articles(request=request),
    }
