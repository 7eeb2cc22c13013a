"""One HTML sanitiser for every way HTML gets in: imports today, editors' rich text after."""

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
