"""A story as a Telegram post: bold headline, deck and link, in the Bot API's HTML mode.

Telegram limits a caption to 1,024 and a message to 4,096 characters *after entity parsing*:
tags do not count and `&amp;` counts as one. It measures in UTF-16 code units (the unit of its
entity offsets), so an emoji counts two; counting the same way never overshoots.
https://core.telegram.org/bots/api#sendmessage, #sendphoto, #formatting-options
"""

from html import escape

CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
ELLIPSIS = "…"
# Lines between the headline, the deck and the link.
SEPARATOR = "\n\n"


def visible_length(text: str) -> int:
    """Telegram's length of plain (already parsed) text, in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` units at a word boundary, ending in an ellipsis if cut."""
    text = " ".join(text.split())
    if visible_length(text) <= limit:
        return text
    if limit < 1:
        return ""
    room, kept = limit - visible_length(ELLIPSIS), []
    for character in text:
        room -= visible_length(character)
        if room < 0:
            break
        kept.append(character)
    cut = "".join(kept)
    if len(cut) < len(text) and not text[len(cut)].isspace() and " " in cut:
        cut = cut[: cut.rindex(" ")]  # the next word did not fit whole: leave it out
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


# A correction note is a line, not an essay: the story itself carries the full text.
NOTE_LIMIT = 280


def post_html(*, headline: str, deck: str, url: str, limit: int, note: str = "") -> str:
    """The post's HTML, at most `limit` visible characters; the link is always there whole.

    `note` is the story's latest public correction ("Correction: …"), shown above the link so
    that the channel's readers learn of it too. The deck gives way first, then the headline.
    """
    headline, deck = " ".join(headline.split()), " ".join(deck.split())
    note = clip(note, min(NOTE_LIMIT, limit // 4)) if note else ""
    fixed = visible_length("".join(SEPARATOR + part for part in (note, url) if part))
    if visible_length(url) > limit:
        raise ValueError(f"The story's address alone is longer than {limit} characters.")
    if deck:
        room_for_deck = limit - fixed - visible_length(headline + SEPARATOR)
        # A deck cut to a word or two says nothing: drop it rather than leave a stub.
        deck = clip(deck, room_for_deck) if room_for_deck >= 20 else ""
    if not deck:
        headline = clip(headline, limit - fixed)
    parts = [f"<b>{escape(headline, quote=False)}</b>" if headline else ""]
    parts += [escape(deck, quote=False), escape(note, quote=False), escape(url, quote=False)]
    return SEPARATOR.join(part for part in parts if part)
