"""`manage.py import_wordpress`: WordPress exports in, hostile XML refused."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from broadsheet.articles.models import ArticlePage
from broadsheet.authors.models import Author
from broadsheet.discovery.selectors import search_articles
from broadsheet.imports.models import ImportedArticle
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.models import Topic

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared/reference/specs/wxr-samples"
HOSTILE_CORPUS = Path(__file__).resolve().parents[1] / "hostile/corpus/xml"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the WordPress importer's sample exports are not at {SAMPLES}"
)


@pytest.fixture
def sections():
    return {
        "alpha": SectionPageFactory(title="Alpha", slug="alpha"),
        "news": SectionPageFactory(title="News", slug="news-desk"),
    }


def run_import(path, *args):
    out, err = StringIO(), StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *args) -> str:
    """The command's one-line error; the file must have imported nothing."""
    with pytest.raises(CommandError) as raised:
        run_import(path, *args)
    assert ArticlePage.objects.count() == 0
    assert ImportedArticle.objects.count() == 0
    message = str(raised.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def wxr(tmp_path, items: str, *, head: str = "", channel: str = "", name="export.xml") -> Path:
    """A WXR 1.2 file around `items`, as WordPress writes it."""
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f"{head}"
        '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:wp="http://wordpress.org/export/1.2/">\n'
        "<channel><title>The Old Site</title><wp:wxr_version>1.2</wp:wxr_version>\n"
        "<wp:author><wp:author_login><![CDATA[ilka]]></wp:author_login>"
        "<wp:author_display_name><![CDATA[Ilka Brand]]></wp:author_display_name></wp:author>\n"
        f"{channel}{items}</channel></rss>\n",
        encoding="utf-8",
    )
    return path


def item(post_id=1, *, title="Harbour tolls to double", content="Text.", extra="", **wp):
    fields = {
        "post_type": "post",
        "status": "publish",
        "post_date_gmt": "2025-03-04 05:30:00",
        "post_name": f"post-{post_id}",
        **wp,
    }
    wp_xml = "".join(f"<wp:{k}><![CDATA[{v}]]></wp:{k}>" for k, v in fields.items())
    return (
        f"<item><title><![CDATA[{title}]]></title>"
        f"<link>https://old.example/?p={post_id}</link>"
        f'<guid isPermaLink="false">https://old.example/?p={post_id}</guid>'
        "<dc:creator><![CDATA[ilka]]></dc:creator>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id>{wp_xml}{extra}</item>\n"
    )


def dated_sample(tmp_path, name: str) -> Path:
    """A sample whose one post has no date (so would be skipped), given one."""
    path = tmp_path / name
    path.write_text(
        (SAMPLES / name)
        .read_text()
        .replace(
            "<wp:post_id>1</wp:post_id>",
            "<wp:post_id>1</wp:post_id><wp:post_date_gmt>2024-06-05 16:04:48</wp:post_date_gmt>",
        )
    )
    return path


def body_text(article: ArticlePage) -> str:
    return " ".join(str(block.value) for block in article.body)


@needs_samples
def test_a_wxr_1_1_post_becomes_a_live_article_readers_see(client, sections):
    """Headline, section, byline by display name, topics, date and body reach the reader page."""
    out, err = run_import(SAMPLES / "valid-wxr-1.1.xml")
    assert "WXR 1.1): 1 published posts to import; not importing 1 page" in err
    assert "Imported 1 articles (1 new, 0 updated; 0 unchanged) from 1 published posts" in out
    article = ArticlePage.objects.get()
    assert article.title == "Hello world!" and article.live
    assert article.get_parent().specific.title == "Alpha"
    assert article.first_published_at.isoformat() == "2010-10-16T20:53:18+00:00"
    assert [b.author.name for b in article.bylines.all()] == ["John Doe"]
    # Categories and tags are topics; other taxonomies (post_tax) are not.
    assert sorted(t.name for t in article.topics.all()) == ["Clippable", "alpha"]

    page = client.get("/alpha/hello-world/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Hello world!" in html and "John Doe" in html
    assert "<p>Welcome to WordPress. This is your first post." in html
    # 20:53 UTC is 01:53 the next day in Baku (summer time, UTC+5, in 2010).
    assert 'datetime="2010-10-17T01:53:18+05:00">17 October 2010 - 01:53</time>' in html
    assert [a.pk for a in search_articles(query="welcome wordpress")[:5]] == [article.pk]


@needs_samples
def test_rerunning_an_export_updates_its_articles_instead_of_duplicating(tmp_path, sections):
    """The same export twice changes nothing; an edited post becomes a new revision."""
    run_import(SAMPLES / "valid-wxr-1.1.xml")
    out, _ = run_import(SAMPLES / "valid-wxr-1.1.xml")
    assert "(0 new, 0 updated; 1 unchanged)" in out
    assert ArticlePage.objects.count() == 1

    edited = tmp_path / "edited.xml"
    edited.write_text(
        (SAMPLES / "valid-wxr-1.1.xml")
        .read_text()
        .replace("<title>Hello world!</title>", "<title>Hello again</title>")
    )
    out, _ = run_import(edited)
    assert "(0 new, 1 updated; 0 unchanged)" in out
    article = ArticlePage.objects.get()
    assert article.title == "Hello again"
    assert Revision.objects.filter(object_id=str(article.pk)).count() == 2


@needs_samples
def test_posts_without_a_section_are_reported_or_go_to_the_default_section(sections):
    """No category names a section: each post is reported; --section gives them a home."""
    out, err = run_import(SAMPLES / "valid-wxr-1.0.xml")
    assert "none of the post's categories (Uncategorized) is a section" in err
    first_item = (SAMPLES / "valid-wxr-1.0.xml").read_text().splitlines().index("\t\t<item>") + 1
    assert f"post at line {first_item}: section:" in err  # named by the line of its <item>
    assert ArticlePage.objects.filter(title="Hello world!").count() == 0
    assert ArticlePage.objects.filter(title="Alpha post").exists()  # category alpha

    out, err = run_import(SAMPLES / "valid-wxr-1.0.xml", "--section", "News")
    assert "(2 new, 0 updated; 1 unchanged)" in out
    child = ArticlePage.objects.get(title="Child post")
    assert child.get_parent().slug == "news-desk"
    # WXR 1.0 tags (domain "tag"), each listed twice in the file, count once.
    assert sorted(t.name for t in child.topics.all()) == ["chicken", "child", "face"]
    # WordPress's default category is not a topic.
    assert not Topic.objects.filter(name="Uncategorized").exists()


def test_a_missing_default_section_is_a_clear_error(tmp_path, sections):
    with pytest.raises(CommandError, match="--section: no section 'sport'"):
        run_import(wxr(tmp_path, item()), "--section", "sport")


@needs_samples
def test_only_published_posts_are_imported_and_the_rest_counted(client, sections):
    """Pages, drafts and private posts stay behind; the command says how many of each."""
    out, err = run_import(SAMPLES / "small-export.xml", "--section", "alpha")
    assert "not importing 5 pages, 1 private post" in err
    titles = set(ArticlePage.objects.values_list("title", flat=True))
    assert titles == {
        "Hello world!",
        "Foo-child",
        "Top-level Foo",
        "Non-standard post format",
        "Many Categories",
    }
    assert "Private Post" not in titles and not ArticlePage.objects.filter(title="Sample Page")
    many = ArticlePage.objects.get(title="Many Categories")
    assert many.get_parent().slug == "alpha"  # its first category that is a section
    eternity = many.topics.get(name="远征手记")
    assert eternity.slug == "topic"  # addresses are ASCII; the name is kept as written
    assert client.get(many.url).status_code == 200
    # Logins without a display name in the export are the byline as they are.
    assert set(Author.objects.values_list("name", flat=True)) == {"author", "admin", "editor"}


@needs_samples
def test_hostile_unicode_survives_the_round_trip(client, sections):
    """Bidi overrides, zalgo, emoji and would-be surrogates import and render, never crash."""
    out, err = run_import(SAMPLES / "wxr-utf-8-challenges.xml", "--section", "alpha")
    assert "1 new" in out, err
    article = ArticlePage.objects.get()
    assert article.title.startswith('"The Road \u202enot\u202c Taken"'.replace("not", "Not"))
    assert article.slug == "hello-world-utf8-test"
    assert article.deck  # the excerpt
    assert "\ud800" not in body_text(article)
    page = client.get(article.url)
    assert page.status_code == 200
    assert "السلام عليكم" in page.content.decode()
    # A topic named without a single ASCII letter still gets an address readers can open.
    topic = article.topics.get()
    assert topic.name.endswith("🎭") and topic.slug == "uncategorized"
    assert client.get(topic.get_absolute_url()).status_code == 200


@needs_samples
def test_cdata_edge_cases_keep_their_text(tmp_path, sections):
    """A body ending in "]] >" and WXR with several CDATA sections import as written."""
    run_import(dated_sample(tmp_path, "cdata-edge.xml"), "--section", "alpha")
    assert "ends with sequence ]] &gt;" in body_text(ArticlePage.objects.get(title="Edge"))


@needs_samples
def test_authors_named_only_by_login_in_the_item(tmp_path, sections):
    """<wp:author> in an item (no dc:creator), with stray line breaks, is still the byline."""
    run_import(dated_sample(tmp_path, "authors-multiline.xml"), "--section", "alpha")
    article = ArticlePage.objects.get(title="Sample")
    assert [b.author.name for b in article.bylines.all()] == ["alice"]


@needs_samples
def test_an_export_with_only_terms_imports_nothing_and_says_so(sections):
    out, err = run_import(SAMPLES / "term-formats.xml")
    assert "0 published posts to import" in err
    assert "Imported 0 articles" in out
    assert ArticlePage.objects.count() == 0


@needs_samples
def test_a_post_without_a_date_is_reported_and_skipped(sections):
    """missing-tags.xml: no date, author or category; the post is named by its line."""
    out, err = run_import(SAMPLES / "missing-tags.xml", "--section", "alpha")
    assert "post at line 9: published_at: the post has no date" in err
    assert "1 posts not imported" in out
    assert ArticlePage.objects.count() == 0


@needs_samples
@pytest.mark.parametrize(
    ("sample", "line", "reason"),
    [
        ("malformed-simple.xml", 14, "Premature end of data"),
        ("malformed.xml", 90, "Opening and ending tag mismatch"),
        ("crazy-cdata.xml", 18, "Sequence ']]>' not allowed in content"),
    ],
)
def test_malformed_xml_is_one_clear_error_and_imports_nothing(sample, line, reason, sections):
    message = refused(SAMPLES / sample, "--section", "alpha")
    assert f"{sample}: malformed XML at line {line}: {reason}" in message
    assert message.endswith("Nothing was imported.")


def test_good_posts_before_a_broken_tag_are_not_imported_either(tmp_path, sections):
    """All or nothing per file: the file is checked to its end before anything is written."""
    path = wxr(tmp_path, item(1) + item(2) + "<item><title>Cut off</title>")
    assert "malformed XML at line" in refused(path, "--section", "alpha")


@needs_samples
@pytest.mark.parametrize(
    ("sample", "reason"),
    [
        ("missing-version-tag.xml", "no <wp:wxr_version>: this is not a WordPress export"),
        ("invalid-version-tag.xml", "<wp:wxr_version> 'abc' is not a WXR version"),
    ],
)
def test_a_file_that_is_not_a_wordpress_export_is_refused(sample, reason, sections):
    assert reason in refused(SAMPLES / sample)


def test_a_missing_file_or_not_an_rss_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "nope.xml")
    other = tmp_path / "feed.xml"
    other.write_text("<feed><entry/></feed>")
    assert "the file is <feed>, not a WordPress export <rss>" in refused(other)
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    assert "empty.xml: malformed XML: no element found. Nothing" in refused(empty)
    latin = wxr(tmp_path, item(title="Caf\xe9"), name="latin.xml")
    latin.write_bytes(latin.read_text().encode("latin-1"))  # declared UTF-8, is not
    assert "malformed XML at line 5: Invalid bytes in character encoding" in refused(latin)


def test_classic_editor_text_becomes_paragraphs_and_html_is_sanitised(client, tmp_path, sections):
    """WordPress's autop: blank lines split paragraphs, a line break is a <br>; scripts go."""
    content = (
        "The port board voted on Tuesday.\nShipping firms objected.\n\n"
        '[caption id="attachment_7" width="300"]<img src="x.jpg" onerror="alert(1)"> '
        "The harbour at dawn[/caption]\n\n"
        "<blockquote>We will appeal.\n\nEvery ruling.</blockquote>\n\n"
        "<script>alert(2)</script><h2>Background</h2>\n"
        '<!-- wp:paragraph --><p>Block <a href="javascript:alert(3)">editor</a> text.</p>'
    )
    path = wxr(tmp_path, item(content=content, post_name="tolls"))
    run_import(path, "--section", "alpha")
    article = ArticlePage.objects.get(slug="tolls")
    assert [(b.block_type, str(b.value)) for b in article.body][:2] == [
        ("paragraph", "<p>The port board voted on Tuesday.<br>Shipping firms objected.</p>"),
        ("paragraph", "<p>The harbour at dawn</p>"),
    ]
    assert [b.block_type for b in article.body][2:] == ["quote", "heading", "paragraph"]
    html = client.get("/alpha/tolls/").content.decode()
    assert "alert(" not in html and "onerror" not in html and "[caption" not in html
    assert "We will appeal. Every ruling." in html


def test_excerpt_is_the_deck_and_wordpress_entities_are_decoded(client, tmp_path, sections):
    excerpt = "<em>Shippers</em> say the rise will reach shop prices &amp; rents. " * 5
    path = wxr(
        tmp_path,
        item(
            title="Tolls &amp; taxes: the &#8220;harbour&#8221; vote",
            extra=f"<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>"
            '<category domain="post_tag" nicename="ports"><![CDATA[Ports &amp; Harbours]]>'
            "</category>",
            post_name="%d0%bf%d0%be%d1%80%d1%82",
        ),
    )
    run_import(path, "--section", "alpha")
    article = ArticlePage.objects.get()
    assert article.title == "Tolls & taxes: the \u201charbour\u201d vote"
    assert article.deck.startswith("Shippers say the rise will reach shop prices & rents.")
    assert len(article.deck) <= 200 and article.deck.endswith("…")
    assert [t.name for t in article.topics.all()] == ["Ports & Harbours"]
    assert article.slug == "порт"  # WordPress stores non-ASCII slugs percent-encoded
    assert client.get("/alpha/порт/").status_code == 200


def test_unpublished_protected_and_non_post_items_are_skipped(tmp_path, sections):
    items = (
        item(1, title="Published")
        + item(2, title="Draft", status="draft")
        + item(3, title="Scheduled", status="future")
        + item(4, title="Members only", post_password="members")  # noqa: S106
        + item(5, title="Trashed", status="trash")
        + item(6, title="Menu", post_type="nav_menu_item")
    )
    out, err = run_import(wxr(tmp_path, items), "--section", "alpha")
    assert "1 published posts to import" in err
    for skipped in ("1 draft", "1 scheduled post", "1 password-protected post", "1 trash post"):
        assert skipped in err
    assert "1 menu item" in err
    assert list(ArticlePage.objects.values_list("title", flat=True)) == ["Published"]


def test_the_featured_image_is_fetched_checked_and_attached(
    tmp_path, sections, image_server, django_capture_on_commit_callbacks
):
    """_thumbnail_id names an attachment; its URL goes through the import's image check."""
    thumbnail = (
        "<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>"
        "<wp:meta_value><![CDATA[{id}]]></wp:meta_value></wp:postmeta>"
    )
    items = (
        item(1, title="With a photo", extra=thumbnail.format(id=10))
        + item(2, title="With an SVG", extra=thumbnail.format(id=11))
        + item(10, title="harbour", post_type="attachment", status="inherit").replace(
            "</item>", f"<wp:attachment_url>{image_server}/harbour.jpg</wp:attachment_url></item>"
        )
        + item(11, title="logo", post_type="attachment", status="inherit").replace(
            "</item>", f"<wp:attachment_url>{image_server}/logo.svg</wp:attachment_url></item>"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        out, err = run_import(wxr(tmp_path, items), "--section", "alpha")
    assert "2 attachments" in err
    photo = ArticlePage.objects.get(title="With a photo")
    assert photo.lead_image is not None and photo.lead_image.width == 1200
    svg = ArticlePage.objects.get(title="With an SVG")
    assert svg.lead_image is None
    assert "not a readable image" in svg.import_record.image_error


# Hostile XML. Each file is an otherwise valid export with a published post in a section that
# exists, so only the refusal stands between it and an article.


@pytest.fixture
def listener():
    """A real HTTP server on loopback that records every request made to it."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "LEAKED-OVER-HTTP">')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


@pytest.mark.parametrize("path", sorted(HOSTILE_CORPUS.glob("*.xml")), ids=lambda path: path.name)
def test_the_hostile_xml_corpus_is_refused(path, sections):
    """Billion laughs, quadratic blowup, XXE, external DTDs and XInclude import nothing."""
    message = refused(path, "--section", "news")
    assert "Nothing was imported." in message
    assert "DOCTYPE" in message or "XInclude" in message


def test_the_hostile_corpus_covers_every_kind(sections):
    names = {path.name for path in HOSTILE_CORPUS.glob("*.xml")}
    assert {
        "billion-laughs.xml",
        "quadratic-blowup.xml",
        "xxe-local-file.xml",
        "xxe-network.xml",
        "parameter-entity.xml",
        "external-dtd.xml",
        "xinclude.xml",
    } <= names


def test_billion_laughs_is_refused_for_its_entities(sections):
    message = refused(HOSTILE_CORPUS / "billion-laughs.xml", "--section", "news")
    assert "entity declarations (lol, lol1, lol2" in message


def test_an_external_entity_never_reads_a_local_secret(tmp_path, sections):
    """XXE and XInclude pointing at a local file: refused, and the secret is nowhere in the DB."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a9c")
    xxe = wxr(
        tmp_path,
        item(content="&xxe;").replace("<![CDATA[&xxe;]]>", "&xxe;"),
        head=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>\n',
        name="xxe.xml",
    )
    assert "external entities (XXE)" in refused(xxe, "--section", "news")
    xinclude = wxr(
        tmp_path,
        item(content="x").replace(
            "<![CDATA[x]]>",
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude"'
            f' href="{secret}" parse="text"/>',
        ),
        name="xinclude.xml",
    )
    assert "XInclude" in refused(xinclude, "--section", "news")

    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert "TOP-SECRET-7f3a9c" not in dump.getvalue()


def test_external_dtds_and_entities_are_never_fetched(tmp_path, sections, listener):
    """An export that names a URL in its DOCTYPE is refused without a single request."""
    url, requests = listener
    heads = {
        "dtd": f'<!DOCTYPE rss SYSTEM "{url}/wxr.dtd">\n',
        "entity": f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{url}/secret">]>\n',
        "parameter": f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{url}/evil.dtd"> %remote;]>\n',
    }
    messages = {
        name: refused(wxr(tmp_path, item(), head=head, name=f"{name}.xml"), "--section", "news")
        for name, head in heads.items()
    }
    assert f"an external DTD ({url}/wxr.dtd)" in messages["dtd"]
    assert "external entities (XXE)" in messages["entity"]
    assert "external entities (XXE)" in messages["parameter"]
    assert requests == []


def test_a_post_of_over_10_mb_is_refused_not_loaded(tmp_path, sections):
    """libxml2's size limit stays on (huge_tree=False): one giant text refuses the file."""
    path = wxr(tmp_path, item(1) + item(2, content="x" * 11_000_000))
    message = refused(path, "--section", "alpha")
    assert "CData section too big found (one text of over 10 MB" in message


def test_a_large_export_streams_in_chunks(tmp_path, sections):
    """An export bigger than one import chunk goes in whole, chunk by chunk, with progress."""
    path = wxr(tmp_path, "".join(item(n, title=f"Story {n}") for n in range(1, 1102)))
    out, err = run_import(path, "--section", "alpha")
    assert "1,000 of 1,101 posts" in err
    assert "(1,101 new, 0 updated; 0 unchanged)" in out
    assert ArticlePage.objects.count() == 1101
