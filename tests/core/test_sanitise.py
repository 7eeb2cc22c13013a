import pytest
from wagtail.rich_text import get_text_for_indexing

from broadsheet.core.sanitise import html_plain_text


@pytest.mark.parametrize(
    "html",
    [
        "<p>Fish &amp; chips <b>now</b><br/>later</p>",
        "<p>un<b>believ</b>able &lt;3 &#x27;quoted&#x27;</p>",
        '<p><a linktype="page" id="3">the council</a> voted</p><p>Second</p>',
        "<h2>Heading</h2><ul><li>one</li><li>two</li></ul><blockquote>said</blockquote>",
        "",
        "plain &amp; text",
    ],
)
def test_plain_text_is_the_text_wagtail_indexes(html):
    # Both indexes (admin and reader search) read this instead of Wagtail's slower extraction.
    assert html_plain_text(html) == get_text_for_indexing(html)
