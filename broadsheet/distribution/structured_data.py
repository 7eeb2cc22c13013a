"""schema.org JSON-LD for reader pages: plain dicts built from what the page already holds.

Every builder here is a pure function of its arguments (absolute URLs are passed in), so the
shapes are easy to test; `social_cards.page_card()` gathers the arguments from a page's context.
Google's guide for news articles: https://developers.google.com/search/docs/appearance/structured-data/article
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from django.utils import timezone

from broadsheet.articles.models import ArticleKind
from broadsheet.desk.models import PUBLIC_RECORD_KINDS

SCHEMA_CONTEXT = "https://schema.org"

# The most specific NewsArticle subtype schema.org has for each kind of story
# (https://schema.org/NewsArticle lists them). Interviews and features are the newsroom's own
# first-hand reporting (questions put to a source on the record; a reporter's long-form piece),
# which is what ReportageNewsArticle means. News items and republished partner pieces stay plain
# NewsArticle: a short item may be a rewrite of a wire or an official statement, and we cannot
# vouch for a partner's reporting conventions.
SCHEMA_TYPES = {
    ArticleKind.NEWS: "NewsArticle",
    ArticleKind.INTERVIEW: "ReportageNewsArticle",
    ArticleKind.OPINION: "OpinionNewsArticle",
    ArticleKind.ANALYSIS: "AnalysisNewsArticle",
    ArticleKind.REVIEW: "ReviewNewsArticle",
    ArticleKind.FEATURE: "ReportageNewsArticle",
    ArticleKind.REPUBLISHED: "NewsArticle",
}

# Google advises headlines of at most 110 characters in Article markup.
HEADLINE_LIMIT = 110

# Google wants article images in 16:9, 4:3 and 1:1, each of at least 50,000 pixels
# (width × height), 1200 px wide for the best results. Wagtail never upscales: a small original
# gives smaller renditions, and those below the minimum are left out.
ARTICLE_IMAGE_SPECS = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
MIN_IMAGE_PIXELS = 50_000


@dataclass(frozen=True)
class ImageFacts:
    """An image as link previews and structured data need it: absolute URL and size."""

    url: str
    width: int
    height: int
    alt: str = ""

    @property
    def pixels(self) -> int:
        return self.width * self.height


def clip(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def schema_type(kind: str) -> str:
    return SCHEMA_TYPES.get(kind, "NewsArticle")


def iso(moment: datetime, zone: tzinfo) -> str:
    """ISO 8601 with the outlet's UTC offset, as the page's own <time> elements give it."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


def large_enough(images: Iterable[ImageFacts]) -> list[ImageFacts]:
    return [image for image in images if image.pixels >= MIN_IMAGE_PIXELS]


def organization(
    *, name: str, home_url: str, logo: ImageFacts, same_as: Iterable[str] = ()
) -> dict:
    """The outlet as a NewsMediaOrganization (an Organization): on the home page, as publisher."""
    node = {
        "@type": "NewsMediaOrganization",
        "@id": f"{home_url}#organization",
        "name": name,
        "url": home_url,
        "logo": image_object(logo),
    }
    links = [url for url in same_as if url]
    if links:
        node["sameAs"] = links
    return node


def image_object(image: ImageFacts) -> dict:
    return {
        "@type": "ImageObject",
        "url": image.url,
        "width": image.width,
        "height": image.height,
    }


def website(*, name: str, home_url: str, search_url: str, language: str) -> dict:
    """The site and its search box: `search_url` is the search page's absolute address.

    `query-input` is schema.org's annotation for an action's input (https://schema.org/docs/actions.html):
    the `query` property of SearchAction, filled from the URL template's placeholder.
    """
    return {
        "@type": "WebSite",
        "@id": f"{home_url}#website",
        "url": home_url,
        "name": name,
        "inLanguage": language,
        "publisher": {"@id": f"{home_url}#organization"},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search_url}?q={{search_term_string}}",
            },
            "query-input": {
                "@type": "PropertyValueSpecification",
                "valueRequired": True,
                "valueName": "search_term_string",
            },
        },
    }


def breadcrumb_list(trail: list[tuple[str, str]]) -> dict:
    """Home > … > this page, each step a name and an absolute URL."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(
    *,
    article,
    url: str,
    section_name: str,
    authors: list[tuple[str, str]],
    topics: list[str],
    notes: list,
    updated_at: datetime | None,
    images: list[ImageFacts],
    publisher: dict,
    zone: tzinfo,
    language: str,
) -> dict:
    """The story as its kind's NewsArticle type, with every property Google recommends.

    `authors` are (name, absolute author-page URL); `notes` are the story's public notes, of
    which corrections and clarifications become CorrectionComments (updates only move
    dateModified, as they move the "Updated" time on the page).
    """
    # A draft seen in a preview has no publication time yet: it is dated as if it went out now.
    published = article.first_published_at or timezone.now()
    node = {
        "@type": schema_type(article.kind),
        "@id": f"{url}#article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": clip(article.title, HEADLINE_LIMIT),
        "datePublished": iso(published, zone),
        "dateModified": iso(updated_at or published, zone),
        "inLanguage": language,
        "articleSection": section_name,
        "publisher": publisher,
    }
    if article.deck:
        node["description"] = article.deck
    if images:
        node["image"] = [image.url for image in images]
    if authors:
        node["author"] = [{"@type": "Person", "name": name, "url": page} for name, page in authors]
    else:
        # Google accepts the organisation as author when a story carries no byline.
        node["author"] = {
            "@type": publisher["@type"],
            "@id": publisher["@id"],
            "name": publisher["name"],
            "url": publisher["url"],
        }
    if topics:
        node["keywords"] = topics
    corrections = [
        {"@type": "CorrectionComment", "text": note.text, "datePublished": iso(note.noted_at, zone)}
        for note in notes
        if note.kind in PUBLIC_RECORD_KINDS
    ]
    if corrections:
        node["correction"] = corrections
    if article.source_url:
        node["isBasedOn"] = article.source_url
    return node


def graph(*nodes: dict) -> dict:
    return {"@context": SCHEMA_CONTEXT, "@graph": list(nodes)}
