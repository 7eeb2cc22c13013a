"""One line of an import file: parsed, checked and turned into what an article is made of.

The format (JSON Lines, one story per line) is documented in the README under "Importing an
archive". Every problem with a line is a `LineError` naming the field, so the command can report
"line 17: published_at: …" and go on with the rest of the file.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import escape
from django.utils.text import slugify
from lxml import html as lxml_html

from broadsheet.articles.models import ArticleKind, ArticlePage
from broadsheet.articles.selectors import FIRST_DAY, LAST_DAY
from broadsheet.core.sanitise import html_sanitise

HEADLINE_MAX = ArticlePage._meta.get_field("title").max_length
DECK_MAX = ArticlePage._meta.get_field("deck").max_length
SOURCE_NAME_MAX = ArticlePage._meta.get_field("source_name").max_length
NAME_MAX = 120  # Author.name and Topic.name
# A story larger than this is almost certainly a broken export, not an article.
LINE_MAX_CHARS = 2_000_000
KINDS = {kind.value for kind in ArticleKind}
FIELDS = {
    "id",
    "headline",
    "deck",
    "body",
    "section",
    "kind",
    "published_at",
    "authors",
    "topics",
    "slug",
    "source",
    "source_url",
    "image_url",
}
_looks_like_html = re.compile(r"<[a-zA-Z!/]")
_url = URLValidator(schemes=["http", "https"])


class LineError(ValueError):
    pass


@dataclass
class StoryLine:
    number: int
    key: str
    fingerprint: str
    headline: str
    deck: str
    body: list[tuple[str, str]]
    section: str
    kind: str
    published_at: datetime
    authors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    slug: str = ""
    source_name: str = ""
    source_url: str = ""
    image_url: str = ""


def story_line_parse(number: int, raw: str, *, zone: ZoneInfo) -> StoryLine:
    """Parse line `number`; naive times are read in the outlet's time zone (`zone`)."""
    if len(raw) > LINE_MAX_CHARS:
        raise LineError(f"the line is {len(raw):,} characters; at most {LINE_MAX_CHARS:,}")
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise LineError(f"not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise LineError("expected a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        known = ", ".join(sorted(FIELDS))
        raise LineError(f"unknown field(s) {', '.join(unknown)}; known: {known}")

    headline = _text(data, "headline", required=True, max_length=HEADLINE_MAX)
    slug = _text(data, "slug", max_length=255)
    if slug and slug != slugify(slug, allow_unicode=True):
        raise LineError(f"slug: {slug!r} is not a slug (lower case letters, digits, hyphens)")
    kind = _text(data, "kind") or ArticleKind.NEWS
    if kind not in KINDS:
        raise LineError(f"kind: {kind!r} is not one of {', '.join(sorted(KINDS))}")
    source_name, source_url = _source(data)
    image_url = _text(data, "image_url")
    if image_url:
        _check_url("image_url", image_url)
    story = StoryLine(
        number=number,
        key=_key(data, headline=headline, slug=slug),
        fingerprint=hashlib.sha256(raw.strip().encode()).hexdigest(),
        headline=headline,
        deck=_text(data, "deck", max_length=DECK_MAX),
        body=body_blocks(_text(data, "body")),
        section=_text(data, "section", required=True),
        kind=kind,
        published_at=_moment(data, zone=zone),
        authors=_names(data, "authors"),
        topics=_names(data, "topics"),
        slug=slug,
        source_name=source_name,
        source_url=source_url,
        image_url=image_url,
    )
    return story


def body_blocks(body: str) -> list[tuple[str, str]]:
    """Article body blocks from plain text (blank-line paragraphs) or HTML (sanitised first)."""
    if not body.strip():
        return []
    if not _looks_like_html.search(body):
        return [
            ("paragraph", f"<p>{escape(' '.join(part.split()))}</p>")
            for part in re.split(r"\n\s*\n", body)
            if part.strip()
        ]
    blocks: list[tuple[str, str]] = []
    loose: list[str] = []

    def flush():
        text = "".join(loose).strip()
        loose.clear()
        if text:
            blocks.append(("paragraph", f"<p>{text}</p>"))

    # lxml parses the sanitised fragment in C: BeautifulSoup's pure-Python parser cost more than
    # the rest of reading a line put together.
    for node in lxml_html.fragments_fromstring(html_sanitise(body)):
        if isinstance(node, str):  # text before the first tag
            loose.append(escape(node))
            continue
        name = node.tag
        if name in {"b", "strong", "i", "em", "a", "sup", "sub", "s", "br"}:
            # Inline content between block tags forms a paragraph of its own.
            loose.append(_outer_html(node))
            continue
        flush()
        if name in {"h2", "h3", "h4"}:
            heading = " ".join(node.text_content().split())[:160]
            if heading:
                blocks.append(("heading", heading))
        elif name in {"ul", "ol"}:
            for item in node.iter("li"):
                blocks.append(("paragraph", f"<p>{_inner_html(item)}</p>"))
        elif name == "blockquote":
            text = " ".join(node.text_content().split())
            if text:
                blocks.append(("quote", {"text": text, "speaker": "", "role": ""}))
        else:  # p, li outside a list
            if node.text_content().strip():
                blocks.append(("paragraph", f"<p>{_inner_html(node).strip()}</p>"))
        if node.tail:
            loose.append(escape(node.tail))
    flush()
    return blocks


def _outer_html(node) -> str:
    """The element with its contents and the text after it, as HTML."""
    return lxml_html.tostring(node, encoding="unicode", with_tail=True)


def _inner_html(node) -> str:
    return escape(node.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode", with_tail=True) for child in node
    )


def _text(data: dict, name: str, *, required=False, max_length: int | None = None) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise LineError(f"{name}: required")
        return ""
    if not isinstance(value, str):
        raise LineError(f"{name}: expected a string, got {type(value).__name__}")
    value = value.strip() if name != "body" else value
    _check_no_nul(name, value)
    if required and not value:
        raise LineError(f"{name}: required")
    if max_length and len(value) > max_length:
        raise LineError(f"{name}: {len(value)} characters; at most {max_length}")
    return value


def _check_no_nul(name: str, value: str) -> None:
    # PostgreSQL stores no NUL character, in text or in JSON (the revision): refused here, the
    # line is reported instead of failing the whole chunk.
    if "\x00" in value:
        raise LineError(f"{name}: contains a NUL character (\\u0000)")


def _names(data: dict, name: str) -> list[str]:
    value = data.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LineError(f"{name}: expected a list of names")
    names = list(dict.fromkeys(" ".join(item.split()) for item in value if item.strip()))
    for item in names:
        _check_no_nul(name, item)
        if len(item) > NAME_MAX:
            raise LineError(f"{name}: {item[:40]!r}… is longer than {NAME_MAX} characters")
        if not slugify(item, allow_unicode=True):
            raise LineError(f"{name}: {item!r} has no letters or digits")
    return names


def _moment(data: dict, *, zone: ZoneInfo) -> datetime:
    value = _text(data, "published_at", required=True)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise LineError(
            f"published_at: {value[:40]!r} is not an ISO 8601 date-time "
            "(e.g. 2025-06-22T18:24:00+04:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if not FIRST_DAY <= moment.date() <= LAST_DAY:
        raise LineError(f"published_at: {value[:40]!r} is not between {FIRST_DAY} and {LAST_DAY}")
    return moment


def _source(data: dict) -> tuple[str, str]:
    """`source` is a partner's name, or its URL; `source_url` may give the URL separately."""
    name, url = _text(data, "source", max_length=500), _text(data, "source_url", max_length=500)
    if name.startswith(("http://", "https://")) and not url:
        name, url = "", name
    if url:
        _check_url("source_url", url)
    if len(name) > SOURCE_NAME_MAX:
        raise LineError(f"source: {len(name)} characters; at most {SOURCE_NAME_MAX}")
    return name, url


def _check_url(name: str, value: str) -> None:
    try:
        _url(value)
    except ValidationError:
        raise LineError(f"{name}: {value[:60]!r} is not an http(s) URL") from None


def _key(data: dict, *, headline: str, slug: str) -> str:
    """Who this story is across runs: its `id`, else its slug, else its headline and time."""
    raw_id = data.get("id")
    if raw_id is not None:
        if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or raw_id == "":
            raise LineError("id: expected a string or a number")
        identity = f"id:{raw_id}"
    elif slug:
        identity = f"slug:{data.get('section', '')}/{slug}"
    else:
        identity = f"story:{data.get('published_at', '')}/{headline}"
    return hashlib.sha256(identity.encode()).hexdigest()
