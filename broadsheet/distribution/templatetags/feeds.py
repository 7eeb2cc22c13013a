"""`{% feed_links %}`: the `<link rel="alternate">` tags by which readers find a page's feeds."""

from django import template
from django.utils.html import format_html_join

from broadsheet.articles.models import ArticlePage
from broadsheet.authors.models import Author
from broadsheet.core.addresses import reverse_once
from broadsheet.sections.models import SectionPage
from broadsheet.topics.models import Topic

register = template.Library()

FEED_TYPES = (
    ("", "application/rss+xml", "RSS"),
    ("-atom", "application/atom+xml", "Atom"),
    ("-json", "application/feed+json", "JSON Feed"),
)


def page_feeds(context) -> list[tuple[str, str, tuple[str, ...]]]:
    """(title, URL name, URL arguments) of every feed the page's subject has, the site's first."""
    outlet_name = getattr(context.get("outlet"), "outlet_name", "")
    feeds = [(outlet_name, "feed", ())]
    page = context.get("page")
    section = page if isinstance(page, SectionPage) else None
    if isinstance(page, ArticlePage) and isinstance(context.get("section"), SectionPage):
        section = context["section"]
    if section is not None:
        feeds.append((section.title, "section-feed", (section.slug,)))
    if isinstance(topic := context.get("topic"), Topic):
        feeds.append((topic.name, "topic-feed", (topic.slug,)))
    if isinstance(author := context.get("author"), Author):
        feeds.append((author.name, "author-feed", (author.slug,)))
    return feeds


@register.simple_tag(takes_context=True)
def feed_links(context) -> str:
    links = [
        (
            content_type,
            f"{title} ({label})" if title else label,
            reverse_once(f"distribution:{name}{suffix}", *args),
        )
        for title, name, args in page_feeds(context)
        for suffix, content_type, label in FEED_TYPES
    ]
    return format_html_join("\n  ", '<link rel="alternate" type="{}" title="{}" href="{}">', links)
