"""The post's text: Telegram's limits, counted as Telegram counts, and HTML-mode escaping."""

from broadsheet.distribution.telegram.formatting import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    clip,
    post_html,
    visible_length,
)
from tests.fakes.telegram_bot_api import parse_html

URL = "http://localhost/politics/a-story-about-r-d-and-more/?from=telegram&x=1"


def shown(html: str) -> str:
    """What readers of the channel see: the text after Telegram parses the HTML."""
    return parse_html(html)[0]


def test_a_post_is_bold_headline_deck_and_link():
    """A post reads headline (bold), deck, then the story's address."""
    html = post_html(headline="Dam opens", deck="Water for the valley", url=URL, limit=TEXT_LIMIT)
    text, entities = parse_html(html)
    assert text == f"Dam opens\n\nWater for the valley\n\n{URL}"
    assert {"type": "bold", "offset": 0, "length": 9} in entities


def test_reserved_characters_are_escaped_and_shown_as_written():
    """`<`, `>` and `&` in a headline or deck reach readers as typed, never as markup."""
    html = post_html(
        headline="Tariffs <rise> & fall", deck="R&D < 5% of <b>GDP</b>", url=URL, limit=TEXT_LIMIT
    )
    assert "<rise>" not in html and "&amp;" in html
    assert shown(html) == f"Tariffs <rise> & fall\n\nR&D < 5% of <b>GDP</b>\n\n{URL}"


def test_a_long_deck_is_cut_at_a_word_with_an_ellipsis_and_the_link_kept():
    """Over the caption limit, the deck is cut at a word boundary; the link survives whole."""
    deck = " ".join(["floodplain"] * 200)
    html = post_html(headline="Rivers rise", deck=deck, url=URL, limit=CAPTION_LIMIT)
    text = shown(html)
    assert visible_length(text) <= CAPTION_LIMIT
    assert text.endswith(URL)
    cut_deck = text.split("\n\n")[1]
    assert cut_deck.endswith("floodplain…")  # a whole word, then the ellipsis
    assert visible_length(text) > CAPTION_LIMIT - len("floodplain ") - 1  # nothing wasted


def test_limits_count_parsed_text_not_markup():
    """`&amp;` counts one character and tags none, as Telegram counts: a deck of ampersands
    fills the caption to the limit instead of being cut five times too short."""
    deck = "& " * 600
    html = post_html(headline="A&B", deck=deck, url=URL, limit=CAPTION_LIMIT)
    assert len(html) > CAPTION_LIMIT  # the markup is longer than the limit…
    assert CAPTION_LIMIT - 3 <= visible_length(shown(html)) <= CAPTION_LIMIT  # …the text is not


def test_text_messages_take_up_to_4096_characters():
    """A text post may use all 4,096 characters, and never more."""
    deck = "word " * 2000
    html = post_html(headline="Headline", deck=deck, url=URL, limit=TEXT_LIMIT)
    assert TEXT_LIMIT - 6 <= visible_length(shown(html)) <= TEXT_LIMIT


def test_emoji_count_two_as_in_telegram():
    """Characters outside the BMP count as two UTF-16 units, as Telegram measures."""
    assert visible_length("🌊") == 2
    assert visible_length(clip("🌊" * 10, 9)) <= 9


def test_an_over_long_headline_without_room_for_a_deck_is_cut_too():
    """When even the headline does not fit, the deck goes and the headline is cut."""
    html = post_html(headline="Word " * 400, deck="A deck", url=URL, limit=CAPTION_LIMIT)
    text = shown(html)
    assert visible_length(text) <= CAPTION_LIMIT
    assert "A deck" not in text and text.endswith(URL)
    assert text.split("\n\n")[0].endswith("Word…")


def test_a_word_longer_than_the_room_is_cut_hard():
    """A single over-long word is cut mid-word rather than dropped whole."""
    assert clip("x" * 50, 10) == "x" * 9 + "…"


def test_a_correction_note_fits_beside_a_long_deck_and_keeps_the_link():
    """With a correction, the post still fits: the note is clipped, the deck gives way, the link
    stays whole."""
    deck = " ".join(["floodplain"] * 200)
    note = "Correction: " + "the gauge reading was wrong & is now fixed " * 20
    text = shown(post_html(headline="Rivers rise", deck=deck, url=URL, note=note, limit=1024))
    assert visible_length(text) <= CAPTION_LIMIT
    headline, cut_deck, shown_note, link = text.split("\n\n")
    assert shown_note.startswith("Correction: the gauge reading was wrong & is")
    assert shown_note.endswith("…") and visible_length(shown_note) <= 256
    assert link == URL and cut_deck.endswith("…")
