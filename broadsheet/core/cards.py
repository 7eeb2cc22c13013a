"""Story cards, news rows and Latest news lines, written out in Python.

Lists are most of a reader page. Through `{% include %}` and `{% pageurl %}` each card cost more
than the queries behind the whole page; written here, a list of forty costs less than one include.
The markup is the cards' only definition: change it here.
"""

from contextlib import suppress
from functools import lru_cache
from html import escape
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.images.models import Filter
from wagtail.models import Page, Site

from broadsheet.core.addresses import reverse_once

# Latest news columns kept (cards.latest_news): a few versions of one list, each 8 KB.
LATEST_NEWS_VERSIONS = 64
# What ArticlePage.get_url_parts leaves unquoted in a story's address.
PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"
CARD_IMAGE_SIZES = "(min-width: 60em) 20em, 100vw"


@lru_cache(maxsize=2048)
def dateline_html(moment, zone, css_class: str = "dateline") -> str:
    """`<time>` for `moment` in `zone`: the same few hundred times recur on every page (Latest
    news, the home page's lists); 2,048 kept take 0.6 MB of a web process's memory.

    Keyed by the instant and the zone, so nothing kept can be out of date.
    """
    local = timezone.localtime(moment, zone)
    return (
        f'<time class="{escape(css_class)}" datetime="{local.isoformat(timespec="seconds")}">'
        f"{local.day} {local:%B %Y - %H:%M}</time>"
    )


def dateline(moment) -> str:
    """`22 June 2024 - 18:24`, in the active (the outlet's) time zone, as a `<time>`."""
    if moment is None:
        return ""
    return dateline_html(moment, timezone.get_current_timezone())


def site_root_paths(request) -> list:
    """Wagtail's Site.get_site_root_paths(), kept on the request where Wagtail keeps it."""
    if request is None:
        return Site.get_site_root_paths()
    try:
        return request._wagtail_cached_site_root_paths
    except AttributeError:
        paths = request._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        return paths


class StoryLinks:
    """Addresses of pages as `{% pageurl %}` writes them, for one request.

    With one site (the usual newsroom), a story's address is the serve view's root plus its path
    below the site's home page, and a section's what Wagtail reverses for that path: both worked
    out here without asking each page. Otherwise, and for any page outside the site, each page is
    asked.
    """

    def __init__(self, request):
        from broadsheet.articles.models import ArticlePage, serve_root

        self.request = request
        self.story_type = ArticlePage
        self.root_path = None
        roots = site_root_paths(request)
        if (
            len(roots) == 1
            and not getattr(settings, "WAGTAIL_I18N_ENABLED", False)
            and getattr(settings, "WAGTAIL_APPEND_SLASH", True)
        ):
            self.root_path = roots[0].root_path
            self.prefix = serve_root(request)

    def __call__(self, page) -> str:
        root_path = self.root_path
        url_path = page.url_path
        if root_path is not None and url_path.startswith(root_path):
            kind = type(page)
            if kind is self.story_type:
                return self.prefix + quote(url_path[len(root_path) :], safe=PATH_SAFE)
            if kind.get_url_parts is Page.get_url_parts:
                # Wagtail's own address for the page, reversed once per path and process.
                with suppress(NoReverseMatch):
                    return reverse_once("wagtail_serve", url_path[len(root_path) :])
        return str(page.get_url(request=self.request))

    @classmethod
    def for_request(cls, request) -> "StoryLinks":
        """One per request, however many lists the page shows."""
        if request is None:
            return cls(None)
        links = getattr(request, "_story_links", None)
        if links is None:
            links = request._story_links = cls(request)
        return links


# Card and lead-image widths; the browser picks from srcset by the layout's `sizes`.
CARD_WIDTHS = (320, 640)
LEAD_WIDTHS = (640, 960, 1280)


@lru_cache(maxsize=256)
def image_filter(spec: str) -> Filter:
    """Wagtail's filter for a rendition spec, one per process: each new Filter parses its
    operations again (through inspect.getcallargs), for every card on a page."""
    return Filter(spec=spec)


def picture(image, *, ratio: str = "16x9", widths: str = "card", sizes: str = "100vw", eager=False):
    """One responsive <img>: Wagtail renditions in srcset, width/height set, lazy unless eager."""
    if image is None:
        return ""
    w_ratio, h_ratio = (int(part) for part in ratio.split("x"))
    chosen = LEAD_WIDTHS if widths == "lead" else CARD_WIDTHS
    specs = [f"fill-{w}x{w * h_ratio // w_ratio}" for w in chosen]
    renditions = image.get_renditions(*map(image_filter, specs))
    # Wagtail never upscales: on a small original several specs come out the same width, and
    # a srcset may name each width once.
    by_width = {}
    for spec in specs:
        by_width.setdefault(renditions[spec].width, renditions[spec])
    ordered = list(by_width.values())
    fallback = ordered[0]
    srcset = ", ".join(f"{r.url} {r.width}w" for r in ordered)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" '
        'decoding="async">',
        fallback.url,
        srcset,
        sizes,
        fallback.width,
        fallback.height,
        image.default_alt_text or "",
        "eager" if eager else "lazy",
    )


def second_line_markup(article, *, tag: str, css_class: str) -> str:
    """A story's second line in the list's own element, or nothing when it has none."""
    second_line = article.second_line
    return f'<{tag} class="{css_class}">{escape(second_line)}</{tag}>' if second_line else ""


def story_card(article, links, *, image=False, deck=False, level=2, size="", eager=False) -> str:
    url = escape(links(article))
    picture_html = ""
    if image and article.lead_image:
        picture_html = (
            f'<a class="card__image" href="{url}" tabindex="-1" aria-hidden="true">'
            f"{picture(article.lead_image, sizes=CARD_IMAGE_SIZES, eager=eager)}</a>"
        )
    second_line_html = second_line_markup(article, tag="p", css_class="card__second-line")
    deck_html = f'<p class="card__deck">{escape(article.deck)}</p>' if deck and article.deck else ""
    size_class = f" card--{escape(size)}" if size else ""
    level = level or 3
    return (
        f'<article class="card{size_class}">\n  {picture_html}\n'
        f'  <p class="card__meta"><span class="label">{escape(article.display_label)}</span> '
        f"{dateline(article.first_published_at)}</p>\n"
        f'  <h{level} class="card__headline"><a href="{url}">{escape(article.title)}</a>'
        f"</h{level}>\n  {second_line_html}\n  {deck_html}\n</article>\n"
    )


def story_cards(articles, links, **options) -> str:
    return "".join(story_card(article, links, **options) for article in articles)


def story_list(articles, links, *, level=2, empty="") -> str:
    """Cards with picture and deck, or the list's line for when it has none."""
    if not articles:
        empty = conditional_escape(empty or "Nothing published here yet.")
        return f'<p class="empty">{empty}</p>\n'
    cards = story_cards(articles, links, image=True, deck=True, level=level or 2)
    return f'<div class="article-list">\n  {cards}\n</div>\n'


def news_row(article, links) -> str:
    second_line_html = second_line_markup(article, tag="span", css_class="news-rows__second-line")
    return (
        f'<li class="news-rows__item">\n    {dateline(article.first_published_at)}\n    <div>\n'
        f'      <span class="label">{escape(article.display_label)}</span>\n'
        f'      <a class="news-rows__headline" href="{escape(links(article))}">'
        f"{escape(article.title)}</a>\n      {second_line_html}\n    </div>\n  </li>"
    )


def news_rows(articles, links, *, empty="") -> str:
    """All news and its days: a row per story, or the list's line for when it has none."""
    if not articles:
        empty = conditional_escape(empty or "Nothing was published.")
        return f'<p class="empty">{empty}</p>\n'
    rows = "".join(news_row(article, links) for article in articles)
    return f'<ol class="news-rows">\n  {rows}\n</ol>\n'


def latest_news_item(item, links) -> str:
    second_line_html = second_line_markup(item, tag="span", css_class="latest__second-line")
    return (
        f'\n      <li class="latest__item">\n        {dateline(item.first_published_at)}\n'
        f'        <a class="latest__headline" href="{escape(links(item))}">'
        f"{escape(item.title)}</a>\n"
        f"        {second_line_html}\n      </li>\n    "
    )


def latest_news(articles, links) -> str:
    """The Latest news column of the home page, sections and stories.

    The same forty lines head most pages until the next story: kept by what they show (each
    story's headline, address, time and second line, the time zone), so a change is a new key.
    """
    if links.root_path is None:
        return latest_news_column(articles, links)
    shown = tuple(
        (type(item), item.pk, item.title, item.url_path, item.first_published_at, item.second_line)
        for item in articles
    )
    all_news = reverse_once("news:index")
    key = (links.root_path, links.prefix, all_news, timezone.get_current_timezone(), shown)
    html = LATEST_NEWS_KEPT.get(key)
    if html is None:
        if len(LATEST_NEWS_KEPT) >= LATEST_NEWS_VERSIONS:
            LATEST_NEWS_KEPT.clear()
        html = LATEST_NEWS_KEPT[key] = latest_news_column(articles, links)
    return html


LATEST_NEWS_KEPT: dict = {}


def latest_news_column(articles, links) -> str:
    items = "".join(latest_news_item(item, links) for item in articles)
    all_news = escape(reverse_once("news:index"))
    return (
        '<aside class="latest" aria-labelledby="latest-news-heading">\n'
        '  <h2 id="latest-news-heading" class="block-heading">Latest news</h2>\n'
        f'  <ol class="latest__list">\n    {items}\n  </ol>\n'
        f'  <p class="latest__more"><a href="{all_news}">All news</a></p>\n</aside>\n'
    )


def main_navigation(sections, links, *, current_path: str) -> str:
    """The sections' menu under the masthead, the page's own section marked current."""
    items = []
    for section in sections:
        url = links(section)
        current = ' aria-current="page"' if current_path == url else ""
        items.append(
            f'\n      <li><a href="{escape(url)}"{current}>{escape(section.title)}</a></li>\n    '
        )
    all_news = reverse_once("news:index")
    current = ' aria-current="page"' if current_path == "/news/" else ""
    return (
        '<nav class="main-nav" aria-label="Sections">\n  <ul class="main-nav__list wrap">\n    '
        f'{"".join(items)}\n    <li><a href="{escape(all_news)}"{current}>All news</a></li>\n'
        "  </ul>\n</nav>\n"
    )
