from broadsheet.articles.selectors import latest_articles, latest_by_section, top_stories
from broadsheet.core.pages import unrestricted
from broadsheet.sections.models import SectionPage

SECTION_BLOCK_SIZE = 4


def home_page_context() -> dict:
    sections = list(
        SectionPage.objects.live().filter(unrestricted()).filter(show_on_home=True).order_by("path")
    )
    by_section = latest_by_section(sections=sections, per_section=SECTION_BLOCK_SIZE)
    return {
        "top_stories": top_stories(),
        "section_blocks": [
            (section, by_section[section.pk]) for section in sections if by_section[section.pk]
        ],
        "latest_news": latest_articles(),
    }
