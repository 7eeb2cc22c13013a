from django import template

from broadsheet.desk.selectors import current_breaking_news

register = template.Library()


@register.inclusion_tag("components/breaking_banner.html")
def breaking_banner():
    return {"flag": current_breaking_news()}
