"""WordPress exports (WXR 1.0, 1.1, 1.2): read safely and turned into import lines.

A WXR file is RSS 2.0 with WordPress's namespaces, one `<item>` per post, page, attachment or
menu item. It is read twice, streamed with lxml and cleared as it goes: `export_check` reads the
whole file and refuses it (`ExportError`) if it is malformed, hostile or not an export, so such a
file imports nothing; `export_stories` then yields each published post as the same `StoryLine`
a JSON Lines import makes, so the import service, revisions, search and re-runs are shared.
"""

import json
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from lxml import etree

from broadsheet.imports.lines import (
    DECK_MAX,
    HEADLINE_MAX,
    NAME_MAX,
    LineError,
    StoryLine,
    story_line_parse,
)

# Entities are never expanded (billion laughs), no DTD or external file is loaded (XXE), nothing
# is fetched, and libxml2 keeps its limits on text size and depth (huge_tree=False). A file with
# a DOCTYPE is refused outright: WordPress never writes one.
PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
XINCLUDE_NAMESPACES = {"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"}
WP_NAMESPACE = "http://wordpress.org/export/"  # + "1.2/", and "1.2/excerpt/" for excerpts
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
# The WordPress importer's own check of the version element.
WXR_VERSION = re.compile(r"^\d+\.\d+$")
# WordPress's default category: every uncategorised post has it, so it says nothing as a topic.
DEFAULT_CATEGORY = "uncategorized"
TOPIC_DOMAINS = {"category", "post_tag", "tag"}  # "tag" in WXR 1.0
NO_DATE = "0000-00-00 00:00:00"
_url = URLValidator(schemes=["http", "https"])


class ExportError(ValueError):
    """The file cannot be imported at all: malformed, hostile, or not a WordPress export."""


@dataclass
class Post:
    """One `<item>`, with only what an article is made of."""

    line: int
    post_id: str = ""
    post_type: str = ""
    status: str = ""
    password: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creators: list[str] = field(default_factory=list)
    content: str = ""
    excerpt: str = ""
    date_gmt: str = ""
    date: str = ""
    pub_date: str = ""
    slug: str = ""
    attachment_url: str = ""
    thumbnail_id: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # domain, nicename, name


@dataclass
class WordPressExport:
    version: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    attachments: dict[str, str] = field(default_factory=dict)  # attachment's post id → URL
    posts: int = 0  # published posts, the ones imported
    skipped: Counter = field(default_factory=Counter)  # "pages", "drafts", … → how many


def export_check(path: Path) -> WordPressExport:
    """Read the whole export once; ExportError unless it is a well-formed, harmless WXR file."""
    export = WordPressExport()
    for kind, value in _read(path):
        if kind == "version":
            export.version = value
        elif kind == "author":
            login, name = value
            export.authors[login] = name
        elif reason := _skip_reason(value):
            export.skipped[reason] += 1
            if value.post_type == "attachment" and (url := value.attachment_url or value.guid):
                export.attachments[value.post_id] = url
        else:
            export.posts += 1
    if not export.version:
        raise ExportError(
            "no <wp:wxr_version>: this is not a WordPress export (Tools → Export in WordPress)"
        )
    if not WXR_VERSION.match(export.version):
        raise ExportError(f"<wp:wxr_version> {export.version[:20]!r} is not a WXR version")
    return export


def export_stories(
    path: Path,
    export: WordPressExport,
    *,
    sections: Collection[str],
    default_section: str = "",
    zone: ZoneInfo,
) -> Iterator[tuple[int, StoryLine | LineError]]:
    """Each published post as a story, or the reason it cannot be one, with its item's line.

    `sections` holds every section slug and title, case-folded: a post goes to the first of its
    categories that names a section, else to `default_section`.
    """
    for kind, post in _read(path):
        if kind != "post" or _skip_reason(post):
            continue
        try:
            line = _story_line(post, export, sections=sections, default_section=default_section)
            # Through the JSON Lines parser, so a post is checked exactly as a line is.
            yield post.line, story_line_parse(post.line, json.dumps(line), zone=zone)
        except LineError as error:
            yield post.line, error


def _skip_reason(post: Post) -> str:
    """Why an item is not imported, or "" for a published post."""
    if post.post_type != "post":
        return {"page": "pages", "attachment": "attachments", "nav_menu_item": "menu items"}.get(
            post.post_type, f"{post.post_type or 'untyped'} items"
        )
    if post.status != "publish":
        return {"draft": "drafts", "auto-draft": "drafts", "future": "scheduled posts"}.get(
            post.status, f"{post.status or 'no-status'} posts"
        )
    if post.password:
        # WordPress shows these only to readers with the password; an article is public.
        return "password-protected posts"
    return ""


def _read(path: Path) -> Iterator[tuple[str, object]]:
    """("version", str), ("author", (login, name)) and ("post", Post), in file order."""
    checked = False
    try:
        for event, node in etree.iterparse(str(path), events=("start-ns", "end"), **PARSER_OPTIONS):
            if event == "start-ns":
                if node[1] in XINCLUDE_NAMESPACES:
                    raise ExportError("the file uses XInclude, which a WordPress export never does")
                continue
            if not checked:
                _check_prolog(node)
                checked = True
            parent = node.getparent()
            if parent is None:
                if node.tag != "rss":
                    raise ExportError(f"the file is <{node.tag}>, not a WordPress export <rss>")
                continue
            if node.tag == "item":
                yield "post", _post(node)
            elif parent.tag != "channel":
                continue
            elif _is_wp(node.tag, "wxr_version"):
                yield "version", (node.text or "").strip()
            elif _is_wp(node.tag, "author"):
                login = _child_text(node, "author_login")
                if login:
                    yield "author", (login, _child_text(node, "author_display_name") or login)
            if parent.tag == "channel":
                # Done with it: drop it and everything before it, so memory stays flat.
                node.clear()
                while node.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        where = f" at line {error.lineno}" if error.lineno else ""
        raise ExportError(f"malformed XML{where}: {_syntax_message(error)}") from None
    except OSError as error:
        raise ExportError(f"cannot read the file ({error.strerror or error})") from None


def _check_prolog(node) -> None:
    """Refuse a DOCTYPE: the only way XML declares entities or points at outside files."""
    info = node.getroottree().docinfo
    if not (info.doctype or info.internalDTD is not None or info.system_url):
        return
    entities = info.internalDTD.entities() if info.internalDTD is not None else []
    if any(entity.system_url for entity in entities):
        what = "external entities (XXE)"
    elif entities:
        what = f"entity declarations ({', '.join(entity.name for entity in entities[:5])})"
    elif info.system_url:
        what = f"an external DTD ({info.system_url[:80]})"
    else:
        what = "a document type declaration"
    raise ExportError(
        f"the file has {what} in a <!DOCTYPE>, which a WordPress export never has; "
        "refused, as such declarations can expand without end or read other files"
    )


_position = re.compile(r", line \d+, column \d+$")


def _syntax_message(error: etree.XMLSyntaxError) -> str:
    """libxml2's message without the position, which the caller gives as a line number."""
    message = _position.sub("", " ".join(str(error.msg).split()))[:200]
    if "too big" in message or "huge" in message:
        # libxml2's own limit without huge_tree, kept so a hostile file cannot exhaust memory.
        message += " (one text of over 10 MB: no real post is that long)"
    return message


def _post(item) -> Post:
    post = Post(line=item.sourceline or 0)
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == "category":
            domain = child.get("domain", "")
            if domain:  # WXR 1.0 repeats each term without a domain: the copy is skipped
                post.terms.append((domain, child.get("nicename", ""), _text(child)))
        elif tag in {"title", "link", "guid"}:
            setattr(post, tag, _text(child).strip())
        elif tag == "pubDate":
            post.pub_date = _text(child).strip()
        elif tag == DC_CREATOR:
            post.creators.append(_text(child).strip())
        elif tag == CONTENT_ENCODED:
            post.content = _text(child)
        elif tag.startswith("{" + WP_NAMESPACE) and tag.endswith("}encoded"):
            post.excerpt = _text(child)
        elif tag.startswith("{" + WP_NAMESPACE):
            _wp_field(post, child)
    item.clear()
    return post


_WP_FIELDS = {
    "post_id": "post_id",
    "post_type": "post_type",
    "status": "status",
    "post_password": "password",
    "post_date_gmt": "date_gmt",
    "post_date": "date",
    "post_name": "slug",
    "attachment_url": "attachment_url",
}


def _wp_field(post: Post, child) -> None:
    name = etree.QName(child).localname
    if name in _WP_FIELDS:
        setattr(post, _WP_FIELDS[name], _text(child).strip())
    elif name == "author":  # some exports name the author's login here instead of dc:creator
        post.creators.append(_text(child).strip())
    elif name == "postmeta" and _child_text(child, "meta_key") == "_thumbnail_id":
        post.thumbnail_id = _child_text(child, "meta_value")


def _is_wp(tag, name: str) -> bool:
    return isinstance(tag, str) and tag.startswith("{" + WP_NAMESPACE) and tag.endswith("}" + name)


def _child_text(node, name: str) -> str:
    for child in node:
        if _is_wp(child.tag, name):
            return _text(child).strip()
    return ""


def _text(node) -> str:
    return "".join(node.itertext())


def _story_line(post: Post, export: WordPressExport, *, sections, default_section) -> dict:
    """The JSON Lines object for a published post (its fields are documented in the README)."""
    line = {
        # The key of a re-run: the post's GUID is WordPress's permanent id for it.
        "id": "wordpress:" + (post.guid or post.link or f"post-{post.post_id}"),
        "headline": _cut(_plain(post.title), HEADLINE_MAX),
        "deck": _cut(_plain(post.excerpt), DECK_MAX),
        "body": autop(post.content),
        "section": _section(post, sections, default_section),
        "published_at": _published_at(post),
        "authors": _unique(export.authors.get(login, login) for login in post.creators if login),
        "topics": _unique(
            name
            for domain, nicename, name in post.terms
            if domain in TOPIC_DOMAINS and (nicename or slugify(name)) != DEFAULT_CATEGORY
        ),
        "slug": slugify(unquote(post.slug), allow_unicode=True)[:255].strip("-"),
    }
    image_url = export.attachments.get(post.thumbnail_id, "") if post.thumbnail_id else ""
    if image_url and _is_url(image_url):
        line["image_url"] = image_url
    return line


def _section(post: Post, sections: Collection[str], default: str) -> str:
    categories = [(nicename, name) for domain, nicename, name in post.terms if domain == "category"]
    for nicename, name in categories:
        for candidate in (nicename, _plain(name)):
            if candidate and candidate.casefold() in sections:
                return candidate
    if default:
        return default
    names = ", ".join(_plain(name) for _, name in categories) or "none"
    raise LineError(
        f"section: none of the post's categories ({names[:100]}) is a section; create one or "
        "pass --section SLUG"
    )


def _published_at(post: Post) -> str:
    """The post's time in UTC, from the GMT date, else the RSS date, else its local date."""
    if post.date_gmt and post.date_gmt != NO_DATE:
        try:
            return datetime.fromisoformat(post.date_gmt).replace(tzinfo=UTC).isoformat()
        except ValueError:
            pass
    if post.pub_date:
        try:
            return parsedate_to_datetime(post.pub_date).astimezone(UTC).isoformat()
        except (TypeError, ValueError):
            pass
    if post.date and post.date != NO_DATE:
        return post.date  # the site's local time: read in the outlet's time zone
    raise LineError("published_at: the post has no date (wp:post_date_gmt, pubDate, wp:post_date)")


def _unique(names) -> list[str]:
    """Names as an article takes them: decoded, trimmed, once each whatever the case."""
    found = {}
    for raw in names:
        name = _cut(_plain(raw), NAME_MAX)
        if slugify(name, allow_unicode=True):
            found.setdefault(name.casefold(), name)
    return list(found.values())


_tag = re.compile(r"<[^>]*>")


def _plain(html: str) -> str:
    """Text with tags dropped and entities decoded (WordPress stores titles and terms as HTML)."""
    return " ".join(unescape(_tag.sub(" ", html or "")).split())


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _is_url(value: str) -> bool:
    try:
        _url(value)
    except ValidationError:
        return False
    return True


# Shortcodes WordPress itself registers; the media they name is not imported, captions are kept.
_shortcode = re.compile(
    r"\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]]*\]", re.IGNORECASE
)
_comment = re.compile(r"<!--.*?-->", re.DOTALL)
_blank_line = re.compile(r"\n\s*\n")
_block_tag = re.compile(
    r"</?(?:p|h[1-6]|ul|ol|li|blockquote|div|figure|figcaption|table|pre|hr|section|dl|script|"
    r"style)\b",
    re.IGNORECASE,
)
_open_block = re.compile(r"<(blockquote|div|figure|table|pre|ul|ol)\b", re.IGNORECASE)
_close_block = re.compile(r"</(blockquote|div|figure|table|pre|ul|ol)\s*>", re.IGNORECASE)


def autop(content: str) -> str:
    """WordPress's wpautop, the part an article needs: blank-line-separated text is paragraphs.

    WordPress stores classic-editor posts without <p> tags and adds them when it shows a post;
    text between blank lines becomes a paragraph and a single line break a <br>. A stretch with
    block-level tags in it (block-editor posts, pasted HTML) is left as it is.
    """
    content = _shortcode.sub("", _comment.sub("", content.replace("\r\n", "\n")))
    chunks, pending, depth = [], [], 0
    for part in _blank_line.split(content):
        pending.append(part)
        depth += len(_open_block.findall(part)) - len(_close_block.findall(part))
        if depth <= 0:  # a blank line inside a blockquote or a list does not end it
            chunks.append("\n\n".join(pending).strip())
            pending, depth = [], 0
    if pending:
        chunks.append("\n\n".join(pending).strip())
    return "\n".join(
        chunk if _block_tag.search(chunk) else f"<p>{chunk.replace('\n', '<br>')}</p>"
        for chunk in chunks
        if chunk
    )
