from broadsheet.articles.selectors import latest_articles, section_articles
from broadsheet.core.pages import unrestricted
from broadsheet.core.pagination import paginate
from broadsheet.sections.models import SectionPage

SECTION_PAGE_SIZE = 20


def navigation_sections() -> list[SectionPage]:
    """Live sections in the editors' tree order: the site's main navigation."""
    return list(SectionPage.objects.live().filter(unrestricted()).in_menu().order_by("path"))


def section_page_context(request, *, section: SectionPage) -> dict:
    return {
        "articles": paginate(
            request, section_articles(section=section), per_page=SECTION_PAGE_SIZE
        ),
        "latest_news": latest_articles(),
    }
