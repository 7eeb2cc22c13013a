"""What each reader page says about itself: title, description, canonical address, trail, image.

`page_card()` reads the context a reader page is rendered with (the Wagtail page, or the object a
view looked up) and returns one `PageCard`, from which the template tags in
`templatetags/sharing.py` write the meta description, OpenGraph and Twitter tags, the canonical
link and the JSON-LD.
"""

from dataclasses import dataclass, field

from django.core.exceptions import DisallowedHost
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import to_locale

from broadsheet.articles.models import ArticlePage
from broadsheet.articles.selectors import lead_image_renditions_read
from broadsheet.core.cards import image_filter
from broadsheet.distribution import structured_data as sd
from broadsheet.home.models import HomePage
from broadsheet.sections.models import SectionPage

# The shipped mark (broadsheet/static/img/logo.png), used until the chief editor uploads a logo.
# Google wants a logo of at least 112×112 pixels.
# https://developers.google.com/search/docs/appearance/structured-data/organization
FALLBACK_LOGO = ("img/logo.png", 512, 512)
LOGO_SPEC = "max-1200x1200"
# Long enough for a search result snippet and a link preview; bios can run to paragraphs.
DESCRIPTION_LIMIT = 200


@dataclass
class PageCard:
    title: str
    description: str
    url: str = ""
    # Search pages are infinite and thin: they ask not to be indexed and name no canonical, since
    # Google reads noindex beside rel=canonical as conflicting signals.
    noindex: bool = False
    og_type: str = "website"
    site_name: str = ""
    locale: str = ""
    image: sd.ImageFacts | None = None
    logo: sd.ImageFacts | None = None
    article_meta: list[tuple[str, str]] = field(default_factory=list)
    json_ld: dict | None = None

    @property
    def large_image(self) -> bool:
        return self.image is not None

    @property
    def preview_image(self) -> sd.ImageFacts | None:
        return self.image or self.logo


def page_card(context) -> PageCard:
    """The card for the page `context` renders; a bare one for pages it does not know."""
    request = context.get("request")
    outlet = context.get("outlet")
    if request is None or outlet is None:
        return PageCard(title="", description="", noindex=True)
    try:
        request.get_host()
    except DisallowedHost:
        # The 400 page for a request whose Host is not ours: no address to build links from.
        return PageCard(title=outlet.outlet_name, description="", noindex=True)
    absolute = request.build_absolute_uri
    home_url = absolute("/")
    logo = publisher_logo(outlet, absolute)
    base = {
        "site_name": outlet.outlet_name,
        "locale": to_locale(outlet.language or "en"),
        "logo": logo,
    }
    page = context.get("page")
    view = request.resolver_match.view_name if request.resolver_match else ""
    if "exception" in context:
        # Django's error pages (a 404 from any view, even one listed below) describe nothing.
        view, page = "", None

    if isinstance(page, ArticlePage):
        return article_card(context, article=page, outlet=outlet, absolute=absolute, base=base)
    if isinstance(page, HomePage):
        # Every trail starts here, so the home page has none of its own: one step says nothing.
        same_as = [outlet.telegram_channel_url, outlet.youtube_channel_url]
        publisher = sd.organization(
            name=outlet.outlet_name, home_url=home_url, logo=logo, same_as=same_as
        )
        site = sd.website(
            name=outlet.outlet_name,
            home_url=home_url,
            search_url=absolute(reverse("discovery:search")),
            language=outlet.language,
        )
        return PageCard(
            title=outlet.outlet_name,
            description=outlet.tagline or outlet.outlet_name,
            url=home_url,
            json_ld=sd.graph(site, publisher),
            **base,
        )

    name = outlet.outlet_name
    trail = [("Home", "/")]
    if isinstance(page, SectionPage):
        title = page.title
        description = page.intro or f"The latest {page.title} stories from {name}."
    elif view in LISTINGS:
        title, description = LISTINGS[view]
        description = description.format(outlet=name)
    elif view in DETAILS:
        index_view, describe = DETAILS[view]
        trail.append((LISTINGS[index_view][0], reverse(index_view)))
        title, description = describe(context, name)
    else:
        return PageCard(title=name, description=outlet.tagline or name, noindex=True, **base)
    trail.append((title, request.path))
    crumbs = [(step, absolute(path)) for step, path in trail]
    return PageCard(
        title=title,
        description=sd.clip(description, DESCRIPTION_LIMIT),
        url=listing_url(request, absolute),
        noindex=view == "discovery:search",
        json_ld=sd.graph(sd.breadcrumb_list(crumbs)),
        **base,
    )


def listing_url(request, absolute) -> str:
    """The page's own address: ?page=N kept (each page of a list is its own), all else dropped."""
    number = request.GET.get("page", "1")
    number = int(number) if number.isascii() and number.isdigit() else 1
    return absolute(request.path + (f"?page={number}" if number > 1 else ""))


def describe_topic(context, outlet_name: str) -> tuple[str, str]:
    topic = context["topic"]
    return topic.name, topic.description or f"Stories about {topic.name} from {outlet_name}."


def describe_author(context, outlet_name: str) -> tuple[str, str]:
    author = context["author"]
    summary = ", ".join(part for part in (author.name, author.role) if part)
    return author.name, author.bio or f"{summary}: stories on {outlet_name}."


def describe_expert(context, outlet_name: str) -> tuple[str, str]:
    expert = context["expert"]
    summary = ", ".join(part for part in (expert.name, expert.affiliation) if part)
    return expert.name, expert.bio or f"{summary}, in {outlet_name}."


def describe_day(context, outlet_name: str) -> tuple[str, str]:
    day = date_format(context["day"], "j F Y")
    return f"News of {day}", f"Every story {outlet_name} published on {day}."


# The reader pages Django views render (the rest are Wagtail pages): a list page's title and
# description, and for a page about one thing, its list page and how to describe the thing.
LISTINGS = {
    "topics:index": ("Topics", "The countries, organisations, people and themes {outlet} covers."),
    "authors:index": ("Authors", "The reporters, editors and contributors of {outlet}."),
    "experts:index": ("Experts", "The experts {outlet} has interviewed and quoted."),
    "news:index": ("All news", "Every story {outlet} has published, newest first."),
    "discovery:search": ("Search", "Search every story {outlet} has published."),
    "desk:corrections": (
        "Corrections",
        "Every correction and clarification {outlet} has published.",
    ),
}
DETAILS = {
    "topics:detail": ("topics:index", describe_topic),
    "authors:detail": ("authors:index", describe_author),
    "experts:detail": ("experts:index", describe_expert),
    "news:day": ("news:index", describe_day),
}


def article_card(context, *, article, outlet, absolute, base) -> PageCard:
    request = context["request"]
    zone = outlet.zone
    url = absolute(article.get_url(request))
    section = context["section"]
    authors = context["authors"]
    images = lead_images(article, absolute)
    # A story without a lead image has no `image` in its markup: Google asks that the image
    # represent the story, which the outlet's logo does not. Link previews still show the logo.
    publisher = sd.organization(name=outlet.outlet_name, home_url=absolute("/"), logo=base["logo"])
    node = sd.news_article(
        article=article,
        url=url,
        section_name=section.title,
        authors=[(author.name, absolute(author.get_absolute_url())) for author in authors],
        topics=[topic.name for topic in context["topics"]],
        notes=context["corrections"],
        updated_at=context["updated_at"],
        images=images,
        publisher=publisher,
        zone=zone,
        language=outlet.language,
    )
    trail = [
        ("Home", absolute("/")),
        (section.title, absolute(section.get_url(request))),
        (sd.clip(article.title, sd.HEADLINE_LIMIT), url),
    ]
    meta = [
        ("article:published_time", node["datePublished"]),
        ("article:modified_time", node["dateModified"]),
        ("article:section", section.title),
    ]
    meta += [("article:author", absolute(author.get_absolute_url())) for author in authors]
    meta += [("article:tag", topic.name) for topic in context["topics"]]
    return PageCard(
        title=article.title,
        description=sd.clip(article.deck or article.title, DESCRIPTION_LIMIT),
        url=url,
        og_type="article",
        image=images[0] if images else None,
        article_meta=meta,
        json_ld=sd.graph(node, sd.breadcrumb_list(trail)),
        **base,
    )


def lead_images(article, absolute) -> list[sd.ImageFacts]:
    """The 16:9, 4:3 and 1:1 renditions of the lead image that are large enough.

    The story page has read them already, with those its own <picture> shows.
    """
    if not article.lead_image_id:
        return []
    lead_image_renditions_read(article)
    image = article.lead_image
    alt = image.default_alt_text or ""
    renditions = image.get_renditions(*map(image_filter, sd.ARTICLE_IMAGE_SPECS)).values()
    return sd.large_enough(
        sd.ImageFacts(url=absolute(r.url), width=r.width, height=r.height, alt=alt)
        for r in renditions
    )


def publisher_logo(outlet, absolute) -> sd.ImageFacts:
    if outlet.logo_id:
        rendition = outlet.logo.get_rendition(LOGO_SPEC)
        return sd.ImageFacts(
            url=absolute(rendition.url),
            width=rendition.width,
            height=rendition.height,
            alt=outlet.outlet_name,
        )
    path, width, height = FALLBACK_LOGO
    return sd.ImageFacts(
        url=absolute(static(path)), width=width, height=height, alt=outlet.outlet_name
    )
