"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site, sections, topics and authors."""

import json
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from referencing import Registry, Resource
from wagtail.models import PageViewRestriction

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.authors.factories import AuthorFactory
from broadsheet.desk.models import Correction
from broadsheet.distribution.feed_selectors import FEED_LENGTH
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory
from tests.conftest import INTERVIEW_PUBLISHED_AT, make_image

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
JSON_FEED_SCHEMAS = SHARED / "reference" / "specs" / "jsonfeed"

RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/feed+json; charset=utf-8"

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"

# RSS 2.0 elements (https://www.rssboard.org/rss-specification) plus the namespaced ones we use;
# the W3C validator reports any other element as undefined.
RSS_CHANNEL_ELEMENTS = {
    "title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
    "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
    "rating", "textInput", "skipHours", "skipDays", "item", f"{ATOM}link",
}  # fmt: skip
RSS_ITEM_ELEMENTS = {
    "title", "link", "description", "author", "category", "comments", "enclosure", "guid",
    "pubDate", "source", f"{CONTENT}encoded", f"{DC}creator",
}  # fmt: skip
# RFC 4287 sections 4.1.1 and 4.1.2.
ATOM_FEED_ELEMENTS = {
    "author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights",
    "subtitle", "title", "updated", "entry",
}  # fmt: skip
ATOM_ENTRY_ELEMENTS = {
    "author", "category", "content", "contributor", "id", "link", "published", "rights",
    "source", "summary", "title", "updated",
}  # fmt: skip
ATOM_ONCE = ("id", "title", "updated")

# RFC 822 as RSS 2.0 profiles it, with the four-digit year the W3C validator asks for.
RFC822_DATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC3339_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# RFC 4151 (tag:authority,date:specific), with the lower-case host the W3C validator expects.
TAG_URI = re.compile(r"^tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,]+$")
# An absolute http(s) URI in RFC 3986's characters: anything else the validator reports.
ABSOLUTE_URI = re.compile(r"^https?://[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,#]+$")
MIME_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

pytestmark = pytest.mark.django_db


def feed_paths(room) -> dict[str, dict[str, str]]:
    """Every scope's three feeds: {scope: {format: path}}."""
    kwargs = {
        "": {},
        "section-": {"section": room.sections["politics"].slug},
        "topic-": {"slug": room.topics[0].slug},
        "author-": {"slug": room.authors[0].slug},
    }
    return {
        prefix or "site-": {
            fmt: reverse(f"distribution:{prefix}feed{suffix}", kwargs=kw)
            for fmt, suffix in (("rss", ""), ("atom", "-atom"), ("json", "-json"))
        }
        for prefix, kw in kwargs.items()
    }


def strict_xml(response):
    return etree.fromstring(
        response.content, etree.XMLParser(recover=False, resolve_entities=False)
    )


def is_absolute_url(value: str) -> bool:
    return bool(ABSOLUTE_URI.match(value or "")) and bool(urlparse(value).netloc)


def check_rss(response) -> etree._Element:
    """The RSS 2.0 specification's required elements and the W3C validator's error rules."""
    assert response["Content-Type"] == RSS_CONTENT_TYPE
    rss = strict_xml(response)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channels = rss.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    assert {child.tag for child in channel} <= RSS_CHANNEL_ELEMENTS
    for name in ("title", "link", "description"):
        assert len(channel.findall(name)) == 1 and channel.findtext(name).strip(), name
    assert is_absolute_url(channel.findtext("link"))
    assert LANGUAGE.match(channel.findtext("language"))
    assert RFC822_DATE.match(channel.findtext("lastBuildDate"))
    (self_link,) = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link.get("href") == response.wsgi_request.build_absolute_uri()
    guids = []
    for item in channel.findall("item"):
        assert {child.tag for child in item} <= RSS_ITEM_ELEMENTS
        assert item.findtext("title").strip()
        assert is_absolute_url(item.findtext("link"))
        assert RFC822_DATE.match(item.findtext("pubDate"))
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        guid = item.find("guid")
        # A guid that is not a permalink must say so; a permalink guid must be a URL.
        assert guid.get("isPermaLink") == "false" and TAG_URI.match(guid.text), guid.text
        guids.append(guid.text)
        for enclosure in item.findall("enclosure"):
            assert is_absolute_url(enclosure.get("url"))
            assert int(enclosure.get("length")) > 0
            assert MIME_TYPE.match(enclosure.get("type"))
        assert len(item.findall("enclosure")) <= 1
        assert all(category.text.strip() for category in item.findall("category"))
        # The RSS profile wants a description beside content:encoded.
        assert item.findtext("description").strip()
        assert item.findtext(f"{CONTENT}encoded").strip()
    assert len(guids) == len(set(guids))
    return channel


def check_atom(response) -> etree._Element:
    """RFC 4287's required elements and the W3C validator's error rules."""
    assert response["Content-Type"] == ATOM_CONTENT_TYPE
    feed = strict_xml(response)
    assert feed.tag == f"{ATOM}feed"
    assert {child.tag.removeprefix(ATOM) for child in feed} <= ATOM_FEED_ELEMENTS
    for name in ATOM_ONCE:
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert TAG_URI.match(feed.findtext(f"{ATOM}id"))
    assert feed.findtext(f"{ATOM}title").strip()
    assert RFC3339_DATE.match(feed.findtext(f"{ATOM}updated"))
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert is_absolute_url(links["alternate"])
    assert links["self"] == response.wsgi_request.build_absolute_uri()
    feed_has_author = any(a.findtext(f"{ATOM}name") for a in feed.findall(f"{ATOM}author"))
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        assert {child.tag.removeprefix(ATOM) for child in entry} <= ATOM_ENTRY_ELEMENTS
        for name in ATOM_ONCE:
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert TAG_URI.match(entry.findtext(f"{ATOM}id"))
        ids.append(entry.findtext(f"{ATOM}id"))
        assert entry.findtext(f"{ATOM}title").strip()
        for name in ("updated", "published"):
            assert RFC3339_DATE.match(entry.findtext(f"{ATOM}{name}")), name
        alternates = [
            link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
        ]
        assert len(alternates) == 1 and is_absolute_url(alternates[0].get("href"))
        for link in entry.findall(f"{ATOM}link[@rel='enclosure']"):
            assert is_absolute_url(link.get("href")) and int(link.get("length")) > 0
            assert MIME_TYPE.match(link.get("type"))
        authors = entry.findall(f"{ATOM}author")
        assert feed_has_author or authors
        assert all(author.findtext(f"{ATOM}name").strip() for author in authors)
        for author in authors:
            assert is_absolute_url(author.findtext(f"{ATOM}uri"))
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and content.text.strip()
        summary = entry.find(f"{ATOM}summary")
        assert summary is None or summary.get("type") == "html"
        assert all(category.get("term") for category in entry.findall(f"{ATOM}category"))
    assert len(ids) == len(set(ids))
    return feed


@cache
def json_feed_validator() -> jsonschema.Draft4Validator:
    schemas = {}
    for name in ("feed.json", "feed-1.json"):
        schema = json.loads((JSON_FEED_SCHEMAS / name).read_text())
        schemas[schema["id"]] = schema
    registry = Registry().with_resources(
        (uri, Resource.from_contents(schema)) for uri, schema in schemas.items()
    )
    return jsonschema.Draft4Validator(
        schemas["https://json.schemastore.org/feed.json"], registry=registry
    )


def check_json(response) -> dict:
    """JSON Feed 1.1's published schema, plus the RFC 3339 dates it asks for in prose."""
    assert response["Content-Type"] == JSON_CONTENT_TYPE
    document = json.loads(response.content)
    json_feed_validator().validate(document)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == response.wsgi_request.build_absolute_uri()
    for item in document["items"]:
        assert TAG_URI.match(item["id"]) and is_absolute_url(item["url"])
        for name in ("date_published", "date_modified"):
            assert RFC3339_DATE.match(item[name]), name
    return document


CHECKS = {"rss": check_rss, "atom": check_atom, "json": check_json}


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_every_feed_is_valid_in_its_format(client, newsroom, fmt):
    """Each scope's feed meets its format's specification (and, for JSON Feed, its schema)."""
    for paths in feed_paths(newsroom).values():
        response = client.get(paths[fmt])
        assert response.status_code == 200, paths[fmt]
        CHECKS[fmt](response)


def interview_items(client, room):
    """The interview as an RSS item, an Atom entry and a JSON Feed item."""
    paths = feed_paths(room)["site-"]
    guid = None
    channel = check_rss(client.get(paths["rss"]))
    (rss,) = [i for i in channel.findall("item") if i.findtext("title") == room.interview.title]
    guid = rss.findtext("guid")
    feed = check_atom(client.get(paths["atom"]))
    (atom,) = [e for e in feed.findall(f"{ATOM}entry") if e.findtext(f"{ATOM}id") == guid]
    document = check_json(client.get(paths["json"]))
    (item,) = [i for i in document["items"] if i["id"] == guid]
    return rss, atom, item


def test_an_item_carries_the_story_in_every_format(client, newsroom):
    """Headline, permalink, deck, body, bylines, topics, lead image and dates reach every format."""
    rss, atom, item = interview_items(client, newsroom)
    permalink = f"http://testserver{newsroom.interview.url}"
    headline = newsroom.interview.title
    deck = newsroom.interview.deck
    authors = ["Lale Dorn", "Aytan Quell"]
    topics = {"Water security", "Georgia", "Ana Ruiz"}
    corrected = INTERVIEW_PUBLISHED_AT + timedelta(hours=2)

    assert rss.findtext("title") == headline and rss.findtext("link") == permalink
    assert rss.findtext("description") == deck
    assert rss.findtext(f"{DC}creator") == ", ".join(authors)
    assert {c.text for c in rss.findall("category")} == topics
    # Dates are the outlet's local time (Asia/Baku) with its offset.
    assert rss.findtext("pubDate") == "Sat, 22 Jun 2024 18:24:00 +0400"
    assert parsedate_to_datetime(rss.findtext("pubDate")) == INTERVIEW_PUBLISHED_AT
    enclosure = rss.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert client.get(enclosure.get("url")).status_code == 200
    body = rss.findtext(f"{CONTENT}encoded")
    assert "Negotiators met on Monday" in body and "Talks resume in July." in body
    assert 'src="http://testserver/media/' in body and 'src="/' not in body

    assert atom.findtext(f"{ATOM}title") == headline
    assert atom.find(f"{ATOM}link[@rel='alternate']").get("href") == permalink
    assert atom.findtext(f"{ATOM}published") == "2024-06-22T18:24:00+04:00"
    assert datetime.fromisoformat(atom.findtext(f"{ATOM}updated")) == corrected
    assert [a.findtext(f"{ATOM}name") for a in atom.findall(f"{ATOM}author")] == authors
    assert {c.get("term") for c in atom.findall(f"{ATOM}category")} == topics
    assert atom.findtext(f"{ATOM}summary") == deck
    assert atom.find(f"{ATOM}link[@rel='enclosure']").get("href") == enclosure.get("url")
    assert atom.findtext(f"{ATOM}content") == body

    assert item["title"] == headline and item["url"] == permalink and item["summary"] == deck
    assert [author["name"] for author in item["authors"]] == authors
    assert item["authors"][0]["url"] == f"http://testserver/authors/{newsroom.authors[2].slug}/"
    assert set(item["tags"]) == topics
    assert item["image"] == enclosure.get("url")
    assert item["content_html"] == body
    assert datetime.fromisoformat(item["date_published"]) == INTERVIEW_PUBLISHED_AT
    assert datetime.fromisoformat(item["date_modified"]) == corrected


def test_a_storys_id_survives_a_new_slug(client, newsroom):
    """Feed readers keep a story as one item when its address changes: the id is the page's."""
    rss, _, _ = interview_items(client, newsroom)
    newsroom.interview.slug = "river-treaty-dry-summer"
    newsroom.interview.save_revision().publish()
    moved, _, _ = interview_items(client, newsroom)
    assert moved.findtext("guid") == rss.findtext("guid")
    assert moved.findtext("link").endswith("/interviews/river-treaty-dry-summer/")


def test_feeds_list_only_their_scopes_stories_newest_first(client, newsroom):
    """A section, topic or author feed holds exactly that scope's live stories, newest first."""
    paths = feed_paths(newsroom)
    politics = newsroom.sections["politics"]
    expected = {
        "site-": list(ArticlePage.objects.live()),
        "section-": list(ArticlePage.objects.live().child_of(politics)),
        "topic-": list(newsroom.topics[0].articles.all()),
        "author-": [byline.page for byline in newsroom.authors[0].bylines.all()],
    }
    for scope, articles in expected.items():
        document = check_json(client.get(paths[scope]["json"]))
        articles.sort(key=lambda a: (a.first_published_at, a.pk), reverse=True)
        assert [item["title"] for item in document["items"]] == [a.title for a in articles]


def hidden_stories(room):
    """An embargoed, an unpublished, a never-published and a restricted story in every scope."""
    politics, topic, author = room.sections["politics"], room.topics[0], room.authors[0]
    story = {"parent": politics, "topics": [topic], "authors": [author]}
    embargoed = ArticlePageFactory(title="Embargoed budget leaks early", **story)
    embargoed.embargo_until = timezone.now() + timedelta(hours=1)
    embargoed.save_revision().publish()
    ArticlePageFactory(title="Unpublished retraction story", **story).unpublish()
    politics.add_child(instance=ArticlePage(title="Draft never published", live=False))
    restricted = ArticlePageFactory(title="Subscribers-only analysis", **story)
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    return [
        "Embargoed budget leaks early",
        "Unpublished retraction story",
        "Draft never published",
        "Subscribers-only analysis",
    ]


def test_embargoed_unpublished_and_restricted_stories_never_appear(client, newsroom):
    """No feed of any scope or format shows a story readers may not see yet or at all."""
    headlines = hidden_stories(newsroom)
    for paths in feed_paths(newsroom).values():
        for path in paths.values():
            response = client.get(path)
            assert response.status_code == 200
            text = response.content.decode()
            for headline in headlines:
                assert headline not in text, (path, headline)


def test_an_unknown_or_hidden_scope_is_a_404(client, newsroom):
    """Feeds exist only for live, public sections and for topics and authors that exist."""
    hidden = SectionPageFactory(title="Members", slug="members")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    for path in (
        "/no-such-section/feed/",
        "/no-such-section/feed/atom/",
        "/no-such-section/feed.json",
        "/members/feed/",
        # A path the site claims itself is no section.
        "/news/feed/",
        "/topics/no-such-topic/feed/",
        "/topics/no-such-topic/feed.json",
        "/authors/no-such-author/feed/atom/",
        "/interviews/river-treaty/feed/",
    ):
        assert client.get(path).status_code == 404, path


def test_a_feed_holds_the_latest_fifty_stories_in_a_fixed_number_of_queries(
    client, newsroom, django_assert_max_num_queries
):
    """A feed carries the newest 50 stories, and its queries do not grow with the stories in it."""
    desk = SectionPageFactory(title="Wire", slug="wire")
    picture = make_image("Wire photo", size=(1400, 800))
    authors = [AuthorFactory(), AuthorFactory()]
    topics = [TopicFactory(), TopicFactory()]
    start = timezone.now() - timedelta(days=1)

    def file_stories(count, offset):
        for number in range(offset, offset + count):
            ArticlePageFactory(
                parent=desk,
                title=f"Wire story {number}",
                first_published_at=start + timedelta(minutes=number),
                authors=authors,
                topics=topics,
                lead_image=picture,
                body=[
                    ("paragraph", f"<p>Paragraph of story {number}.</p>"),
                    ("image", {"image": picture, "caption": "Wire", "credit": "Wire"}),
                ],
            )

    def queries_for(path):
        # The first request makes any missing rendition files; the count is for the next one.
        assert client.get(path).status_code == 200
        with django_assert_max_num_queries(14) as captured:
            response = client.get(path)
        return response, len(captured)

    file_stories(3, 0)
    few = {fmt: queries_for(f"/wire/feed{suffix}") for fmt, suffix in FORMAT_SUFFIXES}
    file_stories(FEED_LENGTH, 3)
    for fmt, suffix in FORMAT_SUFFIXES:
        response, queries = queries_for(f"/wire/feed{suffix}")
        assert queries == few[fmt][1], fmt
    document = check_json(client.get("/wire/feed.json"))
    assert len(document["items"]) == FEED_LENGTH
    assert document["items"][0]["title"] == f"Wire story {FEED_LENGTH + 2}"
    assert document["items"][-1]["title"] == "Wire story 3"
    site = check_json(client.get("/feed.json"))
    assert len(site["items"]) == FEED_LENGTH


FORMAT_SUFFIXES = (("rss", "/"), ("atom", "/atom/"), ("json", ".json"))


def test_a_feed_answers_a_conditional_get_with_304_until_a_story_changes(
    client, newsroom, django_assert_max_num_queries
):
    """Readers polling with ETag or Last-Modified get 304 until a story is published or changed."""
    path = reverse("distribution:section-feed", kwargs={"section": "politics"})
    first = client.get(path)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified

    with django_assert_max_num_queries(6):
        assert client.get(path, headers={"if-none-match": etag}).status_code == 304
    assert client.get(path, headers={"if-modified-since": modified}).status_code == 304

    def changed(action):
        nonlocal etag
        action()
        response = client.get(path, headers={"if-none-match": etag})
        assert response.status_code == 200
        assert response["ETag"] != etag
        etag = response["ETag"]
        return response

    politics = newsroom.sections["politics"]
    published = changed(lambda: ArticlePageFactory(parent=politics, title="Fresh politics story"))
    assert b"Fresh politics story" in published.content
    assert client.get(path, headers={"if-modified-since": modified}).status_code == 200

    story = newsroom.photo_story

    def edit():
        story.title = "Crowds line the whole embankment"
        story.save_revision().publish()

    assert b"Crowds line the whole embankment" in changed(edit).content

    def correct():
        story.corrections.add(Correction(kind="correction", text="The crowd was smaller."))
        story.save_revision().publish()

    changed(correct)
    removed = changed(lambda: story.unpublish())
    assert b"Crowds line the whole embankment" not in removed.content
    assert client.get(path, headers={"if-none-match": etag}).status_code == 304


def test_a_feed_changes_when_an_embargo_ends(client, newsroom):
    """The validator changes when an embargoed story becomes visible, with no write at that time."""
    politics = newsroom.sections["politics"]
    story = ArticlePageFactory(parent=politics, title="Embargo lifts on the report")
    story.embargo_until = timezone.now() + timedelta(hours=1)
    story.save_revision().publish()
    before = client.get("/politics/feed/")
    assert b"Embargo lifts on the report" not in before.content
    # Time passes: the stored embargo is now in the past, without any publish.
    ArticlePage.objects.filter(pk=story.pk).update(
        embargo_until=timezone.now() - timedelta(seconds=1),
        first_published_at=timezone.now() - timedelta(seconds=1),
    )
    after = client.get("/politics/feed/", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert b"Embargo lifts on the report" in after.content


def alternate_links(html: str) -> dict[str, tuple[str, str]]:
    head = BeautifulSoup(html, "html.parser").head
    return {
        link["href"]: (link["type"], link["title"])
        for link in head.find_all("link", rel="alternate")
        if link.get("type", "").endswith(("rss+xml", "atom+xml", "feed+json"))
    }


def test_pages_advertise_their_feeds(client, newsroom):
    """Every page names the site's feeds; section, article, topic and author pages add their own."""
    politics = newsroom.sections["politics"]
    topic, author = newsroom.topics[0], newsroom.authors[0]
    paths = feed_paths(newsroom)
    site_feeds = set(paths["site-"].values())
    section_feeds = set(paths["section-"].values())
    pages = {
        "/": site_feeds,
        "/news/": site_feeds,
        politics.url: site_feeds | section_feeds,
        newsroom.photo_story.url: site_feeds | section_feeds,
        topic.get_absolute_url(): site_feeds | set(paths["topic-"].values()),
        author.get_absolute_url(): site_feeds | set(paths["author-"].values()),
    }
    types = {"rss": "application/rss+xml", "atom": "application/atom+xml"}
    for page, expected in pages.items():
        links = alternate_links(client.get(page).content.decode())
        assert set(links) == expected, page
        for href, (content_type, title) in links.items():
            assert title
            response = client.get(href)
            assert response.status_code == 200, href
            assert response["Content-Type"].startswith(content_type)
            assert content_type in (*types.values(), "application/feed+json")
    assert alternate_links(client.get(politics.url).content.decode())["/politics/feed/"] == (
        "application/rss+xml",
        "Politics (RSS)",
    )
