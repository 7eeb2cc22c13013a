"""One HTML sanitiser for every way HTML gets in: imports today, editors' rich text after."""

import re
from html import unescape

import nh3

# What a paragraph of body copy may carry (the article paragraph block's features, plus the
# block-level tags an imported body is split on). Everything else is dropped, script and all.
BODY_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "ul",
    "ol",
    "li",
    "b",
    "strong",
    "i",
    "em",
    "a",
    "sup",
    "sub",
    "s",
}
LINK_SCHEMES = {"http", "https", "mailto"}


def html_sanitise(html: str) -> str:
    """Keep body-copy markup and safe links; drop scripts, handlers, styles and unknown tags."""
    return nh3.clean(
        html,
        tags=BODY_TAGS,
        attributes={"a": {"href"}},
        url_schemes=LINK_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


_block_end = re.compile(r"(</(?:p|h\d|li|blockquote)>|<br\s*/?>)", re.IGNORECASE)
_tag = re.compile(r"<[^>]*>")


def html_plain_text(html: str) -> str:
    """The text of stored rich text, entities decoded, a space after each block and line break.

    The text Wagtail indexes for rich text (`get_text_for_indexing`), an order of magnitude
    faster: a bulk import extracts it for thousands of paragraphs. It is for indexes only, never
    for output; stored rich text escapes every `<` in its text, so a tag is all `<` can open.
    """
    return unescape(_tag.sub("", _block_end.sub(r"\1 ", html or ""))).strip()
