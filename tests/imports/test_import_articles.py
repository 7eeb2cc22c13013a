import ipaddress
import json
import socket
from io import StringIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import PageLogEntry, Revision

from broadsheet.articles.models import ArticlePage
from broadsheet.authors.models import Author
from broadsheet.discovery.selectors import search_articles
from broadsheet.imports.models import ImportedArticle
from broadsheet.imports.services import articles_import
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.models import Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections():
    return {
        "politics": SectionPageFactory(title="Politics", slug="politics"),
        "economy": SectionPageFactory(title="Economy", slug="economy"),
    }


def story(**fields):
    base = {
        "headline": "Harbour tolls to double next spring",
        "deck": "Shippers say the rise will reach shop prices",
        "body": "The port board voted on Tuesday.\n\nShipping firms objected.",
        "section": "economy",
        "kind": "news",
        "published_at": "2025-03-04T09:30:00+04:00",
        "authors": ["Ilka Brand"],
        "topics": ["Ports", "Trade"],
    }
    base.update(fields)
    return json.dumps(base)


def run_import(tmp_path, lines, name="archive.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_live_articles_with_revisions_people_topics_and_search(
    client, tmp_path, sections
):
    """Each line becomes a live article readers can find, with its history and its relations."""
    out, err = run_import(
        tmp_path,
        [
            story(id=1),
            story(
                id=2,
                headline="Coalition agrees a budget timetable",
                section="Politics",
                kind="analysis",
                authors=["Ilka Brand", "Teo Marr"],
                topics=["Budget"],
                slug="budget-timetable",
            ),
        ],
    )
    assert "Imported 2 articles (2 new, 0 updated; 0 unchanged)" in out
    assert "line 2 of 2" in err  # progress
    tolls = ArticlePage.objects.get(title="Harbour tolls to double next spring")
    assert tolls.live and tolls.get_parent().slug == "economy"
    assert tolls.deck == "Shippers say the rise will reach shop prices"
    assert [b.block_type for b in tolls.body] == ["paragraph", "paragraph"]
    assert tolls.first_published_at.isoformat() == "2025-03-04T05:30:00+00:00"
    assert [t.name for t in tolls.topics.order_by("name")] == ["Ports", "Trade"]
    assert Revision.objects.filter(object_id=str(tolls.pk)).count() == 1
    assert PageLogEntry.objects.filter(page=tolls, action="wagtail.publish").exists()

    budget = ArticlePage.objects.get(slug="budget-timetable")
    assert [b.author.name for b in budget.bylines.all()] == ["Ilka Brand", "Teo Marr"]
    assert Author.objects.filter(name="Ilka Brand").count() == 1  # created once, reused
    assert set(Topic.objects.values_list("name", flat=True)) == {"Ports", "Trade", "Budget"}

    page = client.get("/politics/budget-timetable/")
    assert page.status_code == 200
    assert b"Coalition agrees a budget timetable" in page.content
    assert [a.pk for a in search_articles(query="harbour tolls")[:20]] == [tolls.pk]


def test_bad_lines_are_reported_by_number_and_the_rest_import(tmp_path, sections):
    """A broken line names its line number and problem; every good line still goes in."""
    out, err = run_import(
        tmp_path,
        [
            story(id=1),
            "{not json",
            story(id=3, published_at="yesterday"),
            story(id=4, section="sport"),
            story(id=5, kind="gossip"),
            story(id=6, headline=""),
            json.dumps(["a", "list"]),
            story(id=8, authors="Solo Writer", headline="A good line after the bad ones"),
            story(id=9, deck="x" * 201),
            story(id=10, image_url="javascript:alert(1)"),
        ],
    )
    assert "line 2: not valid JSON" in err
    assert "line 3: published_at: 'yesterday' is not an ISO 8601 date-time" in err
    assert "line 4: section: no section 'sport'" in err
    assert "line 5: kind: 'gossip' is not one of" in err
    assert "line 6: headline: required" in err
    assert "line 7: expected a JSON object" in err
    assert "line 9: deck: 201 characters; at most 200" in err
    assert "line 10: image_url:" in err
    assert "Imported 2 articles" in out and "skipped 8 bad lines" in out
    assert ArticlePage.objects.filter(title="A good line after the bad ones").exists()


def test_rerunning_a_file_updates_articles_instead_of_duplicating(tmp_path, sections):
    """The same file twice changes nothing; an edited line becomes a new revision."""
    lines = [story(id="a-1"), story(id="a-2", headline="Second story", topics=[])]
    run_import(tmp_path, lines)
    out, _ = run_import(tmp_path, lines)
    assert "0 new, 0 updated; 2 unchanged" in out
    assert ArticlePage.objects.count() == 2

    first = ArticlePage.objects.get(title="Harbour tolls to double next spring")
    lines[0] = story(id="a-1", headline="Harbour tolls to rise by half", topics=["Ports"])
    out, _ = run_import(tmp_path, lines)
    assert "0 new, 1 updated; 1 unchanged" in out
    first.refresh_from_db()
    assert first.title == "Harbour tolls to rise by half"
    assert [t.name for t in first.topics.all()] == ["Ports"]
    assert Revision.objects.filter(object_id=str(first.pk)).count() == 2
    assert ArticlePage.objects.count() == 2
    assert ImportedArticle.objects.count() == 2


def test_people_and_topics_another_import_creates_meanwhile_are_shared(sections):
    """Two imports at once may both meet a new name: the second uses the first one's author."""
    zone = ZoneInfo("UTC")

    def lines():
        # This import has read the names it knows; another one creates Teo Marr and Budget now.
        articles_import(
            lines=[story(id="other-1", authors=["Teo Marr"], topics=["Budget"])], zone=zone
        )
        yield story(id="mine-1", headline="Coalition agrees", authors=["Teo Marr", "Ilka Brand"])
        yield story(id="mine-2", headline="Budget timetable set", topics=["Budget"])

    report = articles_import(lines=lines(), zone=zone)

    assert (report.created, report.errors) == (2, [])
    assert report.authors_created == 1  # Ilka Brand; Teo Marr came from the other import
    teo = Author.objects.get(name="Teo Marr")
    mine = ArticlePage.objects.get(title="Coalition agrees")
    assert [b.author for b in mine.bylines.all()] == [teo, Author.objects.get(name="Ilka Brand")]
    assert Topic.objects.filter(name="Budget").count() == 1
    assert ArticlePage.objects.get(title="Budget timetable set").topics.get().name == "Budget"


def test_imported_html_is_sanitised_and_split_into_blocks(client, tmp_path, sections):
    """Script, handlers and javascript: links never survive an import; structure does."""
    body = (
        "<h2>Background</h2><p>Tolls <b>rose</b> <a href='https://port.example/' "
        "onclick='steal()'>last year</a>.</p><script>alert(1)</script>"
        "<p><img src=x onerror=alert(2)>Second <a href='javascript:alert(3)'>para</a></p>"
        "<ul><li>One</li><li>Two</li></ul><blockquote>We will appeal.</blockquote>"
        "loose <i>words</i>"
    )
    run_import(tmp_path, [story(id=1, body=body, slug="tolls")])
    article = ArticlePage.objects.get(slug="tolls")
    blocks = [(b.block_type, str(b.value)) for b in article.body]
    assert [kind for kind, _ in blocks] == [
        "heading",
        "paragraph",
        "paragraph",
        "paragraph",
        "paragraph",
        "quote",
        "paragraph",
    ]
    html = client.get("/economy/tolls/").content.decode()
    assert "<script>alert" not in html and "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert '<a href="https://port.example/">last year</a>' in html


def test_an_explicit_slug_updates_the_article_already_at_that_address(tmp_path, sections):
    """A line whose slug matches an existing story updates it rather than adding a twin."""
    existing = sections["economy"].add_child(
        instance=ArticlePage(title="Old headline", slug="port-tolls")
    )
    existing.save_revision().publish()
    run_import(tmp_path, [story(slug="port-tolls", headline="New headline")])
    existing.refresh_from_db()
    assert existing.title == "New headline"
    assert ArticlePage.objects.count() == 1


def test_a_story_never_takes_the_address_of_its_sections_feed(client, tmp_path, sections):
    """A line asking for the slug `feed`, or headlined "Feed", gets `feed-2` and `feed-3`:
    /economy/feed/ stays the section's feed, and a second run changes nothing."""
    lines = [story(id=1, slug="feed"), story(id=2, headline="Feed")]
    run_import(tmp_path, lines)
    assert set(ArticlePage.objects.values_list("slug", flat=True)) == {"feed-2", "feed-3"}
    assert client.get("/economy/feed/")["Content-Type"].startswith("application/rss+xml")
    assert client.get("/economy/feed-2/").status_code == 200
    run_import(tmp_path, lines)
    assert ArticlePage.objects.count() == 2


def test_people_and_topics_with_accents_get_addresses_readers_can_open(client, tmp_path, sections):
    """Author and topic URLs take ASCII slugs: "Zoë Ferro" is /authors/zoe-ferro/."""
    run_import(tmp_path, [story(slug="tolls", authors=["Zoë Ferro"], topics=["Ködür", "远征"])])
    assert Author.objects.get().slug == "zoe-ferro"
    assert set(Topic.objects.values_list("slug", flat=True)) == {"kodur", "topic"}
    assert client.get("/economy/tolls/").status_code == 200
    assert client.get("/authors/zoe-ferro/").status_code == 200


def test_naive_times_are_read_in_the_outlet_time_zone(tmp_path, sections):
    """A time without an offset is the outlet's local time (Asia/Baku by default)."""
    run_import(tmp_path, [story(published_at="2025-03-04T09:30:00")])
    moment = ArticlePage.objects.get().first_published_at
    assert moment.isoformat() == "2025-03-04T05:30:00+00:00"


def test_a_missing_file_is_a_clear_error(tmp_path):
    """No traceback: the command says which file it could not find."""
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_articles", str(tmp_path / "nope.jsonl"))


def test_image_urls_are_fetched_checked_and_attached_after_the_import(
    tmp_path, sections, image_server, django_capture_on_commit_callbacks
):
    """A line's image becomes the lead image; an SVG or a fake image is refused and recorded."""
    with django_capture_on_commit_callbacks(execute=True):
        run_import(
            tmp_path,
            [
                story(id=1, slug="good", image_url=f"{image_server}/harbour.jpg"),
                story(id=2, slug="svg", image_url=f"{image_server}/logo.svg"),
                story(id=3, slug="fake", image_url=f"{image_server}/page.jpg"),
                story(id=4, slug="gone", image_url=f"{image_server}/missing.jpg"),
            ],
        )
    good = ArticlePage.objects.get(slug="good")
    assert good.lead_image is not None and good.lead_image.width == 1200
    assert good.live and not good.has_unpublished_changes
    records = {r.article.slug: r for r in ImportedArticle.objects.select_related("article")}
    assert records["good"].image_attached_url.endswith("/harbour.jpg")
    for slug in ("svg", "fake", "gone"):
        assert ArticlePage.objects.get(slug=slug).lead_image is None
        assert records[slug].image_error, slug
    assert "not a readable image" in records["svg"].image_error
    assert "404" in records["gone"].image_error


def test_image_urls_on_private_addresses_are_not_fetched(
    tmp_path, sections, image_server, settings, django_capture_on_commit_callbacks
):
    """By default the worker fetches only from the public internet: an import file cannot make it
    probe the machine's own services or the network behind it."""
    settings.IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES = False
    with django_capture_on_commit_callbacks(execute=True):
        run_import(
            tmp_path,
            [
                story(id=1, slug="local", image_url=f"{image_server}/harbour.jpg"),
                story(id=2, slug="lan", image_url="http://10.1.2.3/harbour.jpg"),
                story(id=3, slug="metadata", image_url="http://169.254.169.254/latest/"),
            ],
        )
    for record in ImportedArticle.objects.select_related("article"):
        assert record.article.lead_image is None
        assert "is not a public address" in record.image_error, record.article.slug


@pytest.fixture
def images_example(monkeypatch):
    """`images.example` resolves through `answer(call number)`: a name the test controls."""
    real = socket.getaddrinfo
    calls = []

    def resolve(answer):
        def getaddrinfo(host, port, *args, **kwargs):
            if host != "images.example":
                return real(host, port, *args, **kwargs)
            calls.append(host)
            return real(answer(len(calls)), port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return resolve


def test_a_name_that_turns_private_after_the_check_is_not_fetched(
    tmp_path, sections, image_server, settings, images_example, django_capture_on_commit_callbacks
):
    """DNS rebinding: a name that is public when checked and this machine when connected to is
    refused, because the worker connects only to an address it has checked."""
    settings.IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES = False
    images_example(lambda call: "93.184.215.14" if call == 1 else "127.0.0.1")
    port = urlsplit(image_server).port
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, [story(image_url=f"http://images.example:{port}/harbour.jpg")])
    record = ImportedArticle.objects.select_related("article").get()
    assert record.article.lead_image is None
    assert "images.example is not a public address" in record.image_error


def test_a_public_name_is_fetched_from_the_address_checked(
    tmp_path,
    sections,
    image_server,
    settings,
    images_example,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """With the check on, an image on a public address is fetched and attached as before."""
    settings.IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES = False
    images_example(lambda call: "127.0.0.1")
    # This machine's loopback server plays a public one: the test cannot reach the internet.
    monkeypatch.setattr(ipaddress.IPv4Address, "is_global", property(lambda address: True))
    port = urlsplit(image_server).port
    with django_capture_on_commit_callbacks(execute=True):
        run_import(tmp_path, [story(image_url=f"http://images.example:{port}/harbour.jpg")])
    record = ImportedArticle.objects.select_related("article").get()
    assert record.image_error == ""
    assert record.article.lead_image is not None and record.article.lead_image.width == 1200
