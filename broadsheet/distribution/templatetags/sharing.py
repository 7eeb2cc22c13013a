"""The head of every reader page: meta description, canonical link, social cards and JSON-LD."""

import json
from html import escape

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from broadsheet.distribution.social_cards import PageCard, page_card

register = template.Library()

# Inside <script> the HTML parser ends the element at the first "</script"; with <, > and &
# written as JSON escapes no string in the data can end it or open a comment.
# https://html.spec.whatwg.org/multipage/scripting.html#restrictions-for-contents-of-script-elements
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def card_for(context) -> PageCard:
    """The page's card, built once per render however many tags ask for it."""
    cache = context.render_context
    if "sharing_card" not in cache:
        cache["sharing_card"] = page_card(context)
    return cache["sharing_card"]


def json_ld_script(data: dict) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    # JSON-LD is a data block, not script, so Content-Security-Policy needs no nonce for it.
    return mark_safe(
        f'<script type="application/ld+json">{text.translate(SCRIPT_ESCAPES)}</script>'
    )


@register.simple_tag(takes_context=True)
def meta_description(context) -> str:
    return card_for(context).description


@register.simple_tag(takes_context=True)
def structured_data(context) -> str:
    card = card_for(context)
    return json_ld_script(card.json_ld) if card.json_ld else ""


@register.simple_tag(takes_context=True)
def social_meta(context) -> str:
    """Canonical link (or noindex), OpenGraph and Twitter card tags.

    Written with the standard library's escape, as cards are (core/cards.py): Django's
    format_html checks every argument for lazy text, and this head has some twenty tags.
    """
    card = card_for(context)
    if card.noindex:
        lines = ['<meta name="robots" content="noindex, follow">']
    else:
        lines = [f'<link rel="canonical" href="{escape(card.url)}">']
    properties = [
        ("og:type", card.og_type),
        ("og:title", card.title),
        ("og:description", card.description),
        ("og:url", card.url),
        ("og:site_name", card.site_name),
        ("og:locale", card.locale),
    ]
    image = card.preview_image
    if image:
        properties += [
            ("og:image", image.url),
            ("og:image:width", str(image.width)),
            ("og:image:height", str(image.height)),
            ("og:image:alt", image.alt),
        ]
    properties += card.article_meta
    lines.append(meta_tags("property", [(p, c) for p, c in properties if c]))
    # The large card only when the story has a picture of its own; the logo fits the small one.
    # https://developer.x.com/en/docs/x-for-websites/cards/overview/markup
    names = [
        ("twitter:card", "summary_large_image" if card.large_image else "summary"),
        ("twitter:title", card.title),
        ("twitter:description", card.description),
    ]
    if image:
        names += [("twitter:image", image.url), ("twitter:image:alt", image.alt)]
    lines.append(meta_tags("name", names))
    return mark_safe("\n  ".join(lines))


def meta_tags(attribute: str, pairs) -> str:
    return "\n  ".join(
        f'<meta {attribute}="{escape(str(key))}" content="{escape(str(value))}">'
        for key, value in pairs
    )
