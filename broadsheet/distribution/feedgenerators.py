"""The three feed formats, as Django feed generators fed by the same Feed classes.

Each item carries, beside Django's own keys: `content_html` (the full body), `summary_text`
(the deck as plain text), `bylines` (name and page address of every author) and `image_url`.

An item is written once and kept (broadsheet/caching/fragments.py) under the `fragment_key`
feeds.py gives it; an item feeds.py found kept arrives as `{"kept": text, ...}` and is written
as it was.
"""

import io
import json

from django.utils import feedgenerator
from django.utils.xmlutils import SimplerXMLGenerator

from broadsheet.caching.fragments import fragments


class KeptItems:
    """Each item's text, written anew only when no earlier render of it was kept."""

    def item_text(self, item: dict) -> str:
        if "kept" in item:
            return item["kept"]
        text = self.write_item(item)
        key = item.get("fragment_key")
        if key is not None:
            # The dates come along: the feed's own date is its newest item's.
            kept = {"kept": text, "pubdate": item["pubdate"], "updateddate": item["updateddate"]}
            fragments().put(key, kept, size=len(text))
        return text

    def write_item(self, item: dict) -> str:
        raise NotImplementedError


class KeptXmlItems(KeptItems):
    element = "item"

    def write_items(self, handler):
        for item in self.items:
            # Written as is: the text is XML already.
            handler.ignorableWhitespace(self.item_text(item))

    def write_item(self, item: dict) -> str:
        text = io.StringIO()
        handler = SimplerXMLGenerator(text, "utf-8", short_empty_elements=True)
        handler.startElement(self.element, self.item_attributes(item))
        self.add_item_elements(handler, item)
        handler.endElement(self.element)
        return text.getvalue()


class RssFeed(KeptXmlItems, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full body in `content:encoded`.

    https://web.resource.org/rss/1.0/modules/content/
    """

    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/"
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomFeed(KeptXmlItems, feedgenerator.Atom1Feed):
    """Atom 1.0 with one `<author>` per byline and the full body as `<content type="html">`."""

    element = "entry"

    def add_item_elements(self, handler, item):
        # Django writes a single author from `author_name`; Atom allows one element per person.
        # https://www.rfc-editor.org/rfc/rfc4287#section-4.2.1
        super().add_item_elements(handler, item | {"author_name": None})
        for byline in item.get("bylines", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", byline["name"])
            handler.addQuickElement("uri", byline["url"])
            handler.endElement("author")
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(KeptItems, feedgenerator.SyndicationFeed):
    """JSON Feed 1.1.

    https://www.jsonfeed.org/version/1.1/
    """

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        # The items go in as the texts kept of them, where the document says they are.
        items = "[" + ",".join(self.item_text(item) for item in self.items) + "]"
        document = dumps(self.document(items=ITEMS_HERE))
        outfile.write(document.replace(dumps(ITEMS_HERE), items, 1))

    def write_item(self, item: dict) -> str:
        return dumps(self.item_document(item))

    def document(self, *, items=None) -> dict:
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"], "url": feed["author_link"]}],
            "items": [self.item_document(item) for item in self.items] if items is None else items,
        }
        return {key: value for key, value in document.items() if value is not None}

    def item_document(self, item: dict) -> dict:
        document = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            # The schema wants content_html or content_text on every item.
            "content_html": item.get("content_html") or "",
            "summary": item.get("summary_text") or None,
            "image": item.get("image_url"),
            "date_published": rfc3339(item["pubdate"]),
            "date_modified": rfc3339(item["updateddate"]),
            "authors": list(item.get("bylines", ())) or None,
            "tags": list(item["categories"]) or None,
        }
        return {key: value for key, value in document.items() if value is not None}


# Stands in for the items while the rest of the document is written.
ITEMS_HERE = "\x00items\x00"


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def rfc3339(moment) -> str | None:
    return feedgenerator.rfc3339_date(moment) if moment else None
