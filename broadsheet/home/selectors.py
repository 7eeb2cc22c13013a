from broadsheet.articles.selectors import front_page
from broadsheet.sections.selectors import request_sections

SECTION_BLOCK_SIZE = 4


def home_page_context(request) -> dict:
    sections = [section for section in request_sections(request) if section.show_on_home]
    front = front_page(sections=sections, per_section=SECTION_BLOCK_SIZE)
    return {
        "top_stories": front.top_stories,
        "section_blocks": [
            (section, front.by_section[section.pk])
            for section in sections
            if front.by_section[section.pk]
        ],
        "latest_news": front.latest,
    }
