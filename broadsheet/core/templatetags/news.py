"""Template helpers every reader page uses: datelines, story lists and pagination links."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from broadsheet.core import cards
from broadsheet.core.addresses import reverse_once

register = template.Library()


@register.simple_tag
def dateline(moment: datetime | None, css_class: str = "dateline"):
    """`<time>` reading `22 June 2024 - 18:24`, in the active (the outlet's) time zone."""
    if moment is None:
        return ""
    # The date parts are digits and month names: only the class needs escaping (cards.py).
    return mark_safe(cards.dateline_html(moment, timezone.get_current_timezone(), css_class))


@register.simple_tag(takes_context=True)
def page_query(context, number: int) -> str:
    """The current query string with ?page set to `number` (omitted for page 1)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = number
    encoded = query.urlencode()
    path = context["request"].path
    return f"{path}?{encoded}" if encoded else path


# One responsive <img> for every picture on the site (cards.py).
picture = register.simple_tag(cards.picture, name="picture")


def request_links(context) -> cards.StoryLinks:
    return cards.StoryLinks.for_request(context.get("request"))


@register.simple_tag(takes_context=True)
def page_url(context, page) -> str:
    """`{% pageurl page %}`, without asking the page where it is when the address is known."""
    return request_links(context)(page)


@register.simple_tag(takes_context=True)
def story_card(context, article, *, image=False, deck=False, level=2, size="", eager=False):
    """One story's card: a picture and deck if asked, its label, dateline and headline."""
    links = request_links(context)
    options = {"image": image, "deck": deck, "level": level, "size": size, "eager": eager}
    return mark_safe(cards.story_card(article, links, **options))


@register.simple_tag(takes_context=True)
def story_cards(context, articles, *, image=False, deck=False, level=2):
    links = request_links(context)
    return mark_safe(cards.story_cards(articles, links, image=image, deck=deck, level=level))


@register.simple_tag(takes_context=True)
def story_list(context, articles, *, level=2, empty=""):
    """A listing's cards with pictures and decks, or `empty` when it has none."""
    return mark_safe(cards.story_list(articles, request_links(context), level=level, empty=empty))


@register.simple_tag(takes_context=True)
def news_rows(context, articles, *, empty=""):
    return mark_safe(cards.news_rows(articles, request_links(context), empty=empty))


@register.simple_tag(takes_context=True)
def latest_news(context, articles):
    links = request_links(context)
    return mark_safe(cards.latest_news(articles, links))


@register.simple_tag(name="link")
def link(name: str) -> str:
    """`{% url name %}` for an address without arguments, reversed once per process."""
    return reverse_once(name)
