from django import template
from django.utils.safestring import mark_safe

from broadsheet.core import cards
from broadsheet.sections.selectors import navigation_sections

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context):
    request = context["request"]
    links = cards.StoryLinks.for_request(request)
    sections = navigation_sections(request)
    return mark_safe(cards.main_navigation(sections, links, current_path=request.path))
