from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from wagtail.models import PageViewRestriction

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.authors.factories import AuthorFactory
from broadsheet.distribution.sitemaps import ArticleSitemap, NewsSitemap, news_language
from broadsheet.experts.factories import ExpertFactory
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db

# The schemas are reference material beside the repository, read by the tests only.
SPECS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "specs" / "sitemaps"
URLSET_SCHEMA = etree.XMLSchema(etree.parse(str(SPECS / "all-local.xsd")))
INDEX_SCHEMA = etree.XMLSchema(etree.parse(str(SPECS / "siteindex.xsd")))
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
HOST = "http://testserver"


def fetch_xml(client, url: str, schema: etree.XMLSchema) -> etree._Element:
    """GET a sitemap file by its absolute URL and check it against the protocol's schema."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == HOST
    response = client.get(parts.path, QUERY_STRING=parts.query)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    tree = etree.fromstring(response.content)
    schema.assertValid(tree)
    return tree


def index_entries(client) -> list[tuple[str, str | None]]:
    index = fetch_xml(client, "http://testserver/sitemap.xml", INDEX_SCHEMA)
    return [
        (entry.findtext("sm:loc", namespaces=NS), entry.findtext("sm:lastmod", namespaces=NS))
        for entry in index.findall("sm:sitemap", NS)
    ]


def every_sitemap(client) -> dict[str, etree._Element]:
    """Every file the index lists, each validated, by its absolute URL."""
    return {url: fetch_xml(client, url, URLSET_SCHEMA) for url, _ in index_entries(client)}


def locations(tree: etree._Element) -> list[str]:
    return tree.xpath("sm:url/sm:loc/text()", namespaces=NS)


def lastmods(tree: etree._Element) -> dict[str, str]:
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in tree.findall("sm:url", NS)
    }


def fresh_story(newsroom, *, age: timedelta, **kwargs):
    """A story published `age` ago: the fixture's own stories are from 2024."""
    return ArticlePageFactory(
        parent=newsroom.sections["politics"],
        first_published_at=timezone.now() - age,
        authors=[newsroom.authors[0]],
        **kwargs,
    )


def test_every_sitemap_file_validates_and_the_index_dates_each(client, newsroom):
    """The index and every file it lists pass the sitemaps.org and Google News schemas."""
    fresh_story(newsroom, age=timedelta(hours=1), title="Parliament sits late on the budget")
    entries = index_entries(client)
    assert [urlsplit(url).path for url, _ in entries] == [
        "/sitemap-news.xml",
        "/sitemap-articles.xml",
        "/sitemap-sections.xml",
        "/sitemap-topics.xml",
        "/sitemap-authors.xml",
        "/sitemap-experts.xml",
    ]
    assert all(lastmod for _, lastmod in entries)
    for url, lastmod in entries:
        tree = fetch_xml(client, url, URLSET_SCHEMA)
        dated = [moment for moment in lastmods(tree).values() if moment]
        if dated:
            # The entry's date is the newest of its file's, in the outlet's zone (Asia/Baku).
            assert lastmod == max(dated) and lastmod.endswith("+04:00")


def test_article_sitemap_lists_every_story_at_its_own_address(client, newsroom):
    """Article URLs are the pages' Wagtail addresses; lastmod is the newest public note."""
    tree = fetch_xml(client, f"{HOST}/sitemap-articles.xml", URLSET_SCHEMA)
    assert sorted(locations(tree)) == sorted(HOST + article.url for article in newsroom.articles)
    dates = lastmods(tree)
    assert dates[HOST + newsroom.interview.url] == "2024-06-22T20:24:00+04:00"
    assert dates[HOST + newsroom.republished.url] == "2024-06-22T13:05:00+04:00"


def test_a_non_ascii_address_is_listed_percent_encoded(client, newsroom):
    """A story with a non-ASCII slug is listed at the same encoded address Wagtail gives it."""
    story = fresh_story(newsroom, age=timedelta(hours=1), slug="qəbələ-su-anbarı")
    tree = fetch_xml(client, f"{HOST}/sitemap-articles.xml", URLSET_SCHEMA)
    assert HOST + story.url in locations(tree)
    assert "/politics/q%C9%99b%C9%99l%C9%99-su-anbar%C4%B1/" in story.url


def test_section_and_directory_sitemaps_list_the_reader_pages(client, newsroom):
    """Home, sections, directories and every topic, author and expert with a story."""
    maps = {urlsplit(url).path: tree for url, tree in every_sitemap(client).items()}
    assert locations(maps["/sitemap-sections.xml"]) == [
        f"{HOST}/",
        f"{HOST}/politics/",
        f"{HOST}/economy/",
        f"{HOST}/interviews/",
        f"{HOST}/news/",
        f"{HOST}/corrections/",
        f"{HOST}/topics/",
        f"{HOST}/authors/",
        f"{HOST}/experts/",
    ]
    for name, people in (
        ("topics", newsroom.topics),
        ("authors", newsroom.authors),
        ("experts", newsroom.experts),
    ):
        expected = sorted(HOST + person.get_absolute_url() for person in people)
        assert sorted(locations(maps[f"/sitemap-{name}.xml"])) == expected


def test_a_directory_page_without_stories_is_not_listed(client, newsroom):
    """A topic, author or expert with no public story has an empty page: it is left out."""
    idle = [TopicFactory(name="Fisheries"), AuthorFactory(name="Idle Writer"), ExpertFactory()]
    content = b"".join(
        client.get(f"/sitemap-{name}.xml").content for name in ("topics", "authors", "experts")
    )
    for thing in idle:
        assert thing.get_absolute_url().encode() not in content


def test_standard_sitemaps_split_into_pages_each_listed_with_its_lastmod(
    client, newsroom, monkeypatch
):
    """Past the per-file limit, a sitemap is split into ?p=N pages and the index lists each."""
    monkeypatch.setattr(ArticleSitemap, "limit", 3)
    entries = [
        (url, lastmod)
        for url, lastmod in index_entries(client)
        if urlsplit(url).path == "/sitemap-articles.xml"
    ]
    assert [url for url, _ in entries] == [f"{HOST}/sitemap-articles.xml"] + [
        f"{HOST}/sitemap-articles.xml?p={number}" for number in range(2, 10)
    ]
    listed = []
    for url, lastmod in entries:
        tree = fetch_xml(client, url, URLSET_SCHEMA)
        dates = lastmods(tree)
        assert 1 <= len(dates) <= 3
        assert lastmod == max(dates.values())
        listed += locations(tree)
    assert sorted(listed) == sorted(HOST + article.url for article in newsroom.articles)
    # Oldest first: a new story lands on the last page and earlier pages keep their contents.
    assert listed[0] == HOST + newsroom.articles[0].url
    assert listed[-1] == HOST + newsroom.interview.url


def test_news_sitemap_holds_the_last_two_days_with_the_outlets_publication(client, newsroom):
    """Google News gets the last two days' stories, named and dated as the outlet's settings say."""
    newsroom.outlet.outlet_name = "The Kavran Ledger"
    newsroom.outlet.language = "en-GB"
    newsroom.outlet.save()
    latest = fresh_story(newsroom, age=timedelta(minutes=5), title="Dam opens its gates & floods")
    older = fresh_story(newsroom, age=timedelta(hours=47), title="Talks resume at the border")
    fresh_story(newsroom, age=timedelta(hours=49), title="Too old for Google News")

    tree = fetch_xml(client, f"{HOST}/sitemap-news.xml", URLSET_SCHEMA)
    assert locations(tree) == [HOST + latest.url, HOST + older.url]
    first = tree.find("sm:url/news:news", NS)
    assert first.findtext("news:publication/news:name", namespaces=NS) == "The Kavran Ledger"
    assert first.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert first.findtext("news:title", namespaces=NS) == "Dam opens its gates & floods"
    published = timezone.localtime(latest.first_published_at, newsroom.outlet.zone)
    assert first.findtext("news:publication_date", namespaces=NS) == (
        published.replace(microsecond=0).isoformat()
    )
    assert published.isoformat().endswith("+04:00")


def test_news_sitemap_splits_at_its_limit_newest_first(client, newsroom, monkeypatch):
    """More stories than one news file holds go into ?p=N pages, each listed in the index."""
    monkeypatch.setattr(NewsSitemap, "limit", 3)
    stories = [
        fresh_story(newsroom, age=timedelta(hours=hours), title=f"Hourly bulletin {hours}")
        for hours in range(1, 8)
    ]
    news = [url for url, _ in index_entries(client) if "/sitemap-news.xml" in url]
    assert news == [
        f"{HOST}/sitemap-news.xml",
        f"{HOST}/sitemap-news.xml?p=2",
        f"{HOST}/sitemap-news.xml?p=3",
    ]
    listed = [loc for url in news for loc in locations(fetch_xml(client, url, URLSET_SCHEMA))]
    assert listed == [HOST + story.url for story in stories]


def test_without_recent_stories_the_news_sitemap_is_not_listed(client, newsroom):
    """An empty <urlset> is invalid, so a quiet news sitemap is a 404 and the index skips it."""
    assert "/sitemap-news.xml" not in " ".join(url for url, _ in index_entries(client))
    assert client.get("/sitemap-news.xml").status_code == 404


def test_hidden_stories_never_appear_in_any_sitemap(client, newsroom):
    """Embargoed, unpublished and restricted stories, and what only they feed, stay out."""
    hidden = []
    for name in ("embargoed", "unpublished", "restricted", "behind-a-restricted-section"):
        story = fresh_story(
            newsroom,
            age=timedelta(hours=1),
            title=f"Hidden story {name}",
            slug=f"hidden-{name}",
            topics=[TopicFactory(name=f"Topic of {name}")],
            experts=[ExpertFactory(name=f"Expert of {name}")],
        )
        hidden.append(story)
    embargoed, unpublished, restricted, under_section = hidden
    embargoed.embargo_until = timezone.now() + timedelta(hours=3)
    embargoed.save_revision().publish()
    unpublished.unpublish()
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    members = SectionPageFactory(title="Members", slug="members")
    under_section.move(members, pos="last-child")
    PageViewRestriction.objects.create(page=members, restriction_type="login")
    fresh_story(newsroom, age=timedelta(hours=2), title="A public story keeps the news file alive")

    content = b"".join(
        client.get(urlsplit(url).path, QUERY_STRING=urlsplit(url).query).content
        for url, _ in index_entries(client)
    )
    assert b"news/" in content  # the files were read
    for story in hidden:
        assert story.slug.encode() not in content
        assert story.title.encode() not in content
        for thing in (*story.topics.all(), *story.experts.all()):
            assert thing.get_absolute_url().encode() not in content
    assert b"/members/" not in content


def test_robots_txt_names_the_sitemap_index_and_keeps_crawlers_out_of_admin_and_search(client):
    """robots.txt points at the absolute sitemap index and disallows the admin and search."""
    response = client.get("/robots.txt", secure=True, HTTP_HOST="news.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert "Sitemap: https://news.example/sitemap.xml" in lines


def test_bad_page_numbers_are_not_found(client):
    """A missing or malformed ?p= is a 404, never a server error."""
    ArticlePageFactory(first_published_at=timezone.now() - timedelta(hours=1))
    for path in ("/sitemap-articles.xml", "/sitemap-news.xml"):
        assert client.get(path, {"p": "1"}).status_code == 200
        for page in ("0", "-1", "abc", "1.5", "", "2", "99999", "9" * 5000):
            assert client.get(path, {"p": page}).status_code == 404, (path, page)


def test_unknown_sitemap_is_not_found(client, newsroom):
    assert client.get("/sitemap-nonsense.xml").status_code == 404


def test_a_sitemap_page_costs_the_same_queries_whatever_its_size(
    client, newsroom, monkeypatch, django_assert_max_num_queries
):
    """A sitemap page is a constant few queries: no query per URL, however many URLs."""
    for hours in range(1, 5):
        fresh_story(newsroom, age=timedelta(hours=hours))
    url = reverse("distribution:sitemap", kwargs={"section": "articles"})
    counts = []
    for limit in (3, 50_000):
        monkeypatch.setattr(ArticleSitemap, "limit", limit)
        client.get(url)  # warm the site lookup as a running server would have
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    for path in ("/sitemap-news.xml", "/sitemap-topics.xml", "/sitemap-authors.xml"):
        with django_assert_max_num_queries(counts[1]):
            assert client.get(path).status_code == 200
    with django_assert_max_num_queries(6):
        client.get(url)


def test_news_language_follows_googles_codes():
    """Google News takes ISO 639 codes, and zh-cn or zh-tw for Chinese."""
    assert news_language("en") == "en"
    assert news_language("en-GB") == "en"
    assert news_language("az_Latn") == "az"
    assert news_language("zh-Hans") == "zh-cn"
    assert news_language("zh-TW") == "zh-tw"
