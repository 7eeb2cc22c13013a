from django import template

from broadsheet.sections.selectors import navigation_sections

register = template.Library()


@register.inclusion_tag("components/main_navigation.html", takes_context=True)
def main_navigation(context):
    request = context["request"]
    return {"request": request, "sections": navigation_sections(request)}
