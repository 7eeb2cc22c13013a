from django import template

from broadsheet.desk.selectors import current_breaking_news
from broadsheet.sections.selectors import breaking_flagged

register = template.Library()


@register.inclusion_tag("components/breaking_banner.html", takes_context=True)
def breaking_banner(context):
    if not breaking_flagged(context.get("request")):
        return {"flag": None}
    return {"flag": current_breaking_news()}
