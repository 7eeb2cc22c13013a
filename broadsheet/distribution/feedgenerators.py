"""The three feed formats, as Django feed generators fed by the same Feed classes.

Each item carries, beside Django's own keys: `content_html` (the full body), `summary_text`
(the deck as plain text), `bylines` (name and page address of every author) and `image_url`.
"""

import json

from django.utils import feedgenerator


class RssFeed(feedgenerator.Rss201rev2Feed):
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


class AtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with one `<author>` per byline and the full body as `<content type="html">`."""

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


class JsonFeed(feedgenerator.SyndicationFeed):
    """JSON Feed 1.1.

    https://www.jsonfeed.org/version/1.1/
    """

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        json.dump(self.document(), outfile, ensure_ascii=False, separators=(",", ":"))

    def document(self) -> dict:
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "authors": [{"name": feed["author_name"], "url": feed["author_link"]}],
            "items": [self.item_document(item) for item in self.items],
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


def rfc3339(moment) -> str | None:
    return feedgenerator.rfc3339_date(moment) if moment else None
