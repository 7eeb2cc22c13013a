from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.authors.factories import AuthorFactory
from broadsheet.discovery.models import SearchEntry
from broadsheet.discovery.search_engines import Archive, PostgresSearch, SearchFilters
from broadsheet.discovery.search_query import reader_query
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


def paragraph(text: str) -> list:
    return [("paragraph", f"<p>{text}</p>")]


def headlines(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(h.get_text().split()) for h in soup.select(".search-hit .card__headline")]


@pytest.fixture
def stories(db):
    section = SectionPageFactory()
    ArticlePageFactory(
        parent=section,
        title="Pipeline talks resume in the capital",
        deck="Gas transit on the table",
    )
    ArticlePageFactory(parent=section, title="Harvest season starts early")
    draft = ArticlePageFactory(parent=section, title="Pipeline secret draft")
    draft.unpublish()


def test_search_finds_live_stories_by_their_words(client, stories):
    """Search finds live stories by headline words and never shows drafts."""
    response = client.get("/search/", {"q": "pipeline"})
    assert headlines(response) == ["Pipeline talks resume in the capital"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert "1 result" in soup.select_one(".search-count").get_text()


def test_search_without_a_query_shows_the_form(client, stories):
    """/search/ with no query shows the search form and its filters."""
    response = client.get("/search/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("input[name=q]") is not None
    assert {"section", "kind", "author"} <= {s["name"] for s in soup.select("select")}


def test_search_filters_are_read_without_server_side_cursors(client, stories):
    """The section and author lists come from plain queries. Django reads a choice field's list
    through a server-side cursor on PostgreSQL: three round trips on every search, and a cursor
    that a transaction-pooling PgBouncer cannot hold."""
    AuthorFactory(name="Mira Holt").bylines.create(page=ArticlePageFactory(title="Dock strike"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/search/")
    soup = BeautifulSoup(response.content, "html.parser")
    sections = [o.get_text() for o in soup.select("select[name=section] option")]
    authors = [o.get_text() for o in soup.select("select[name=author] option")]
    assert sections[0] == "All sections" and len(sections) >= 2
    assert authors[0] == "Any author" and "Mira Holt" in authors
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].startswith("DECLARE")]


@pytest.mark.parametrize("query", ["", "   ", "x" * 10_000])
def test_empty_or_huge_search_is_a_400_with_the_form(client, stories, query):
    """An empty or 10,000-character search gets a 400 page that explains, never a 500."""
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one('[role="alert"]').get_text(strip=True)
    assert soup.select_one("input[name=q]") is not None


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        'pipeline "talks',
        "pipeline OR 1=1 --",
        "a AND (b",
        "((((pipeline",
        "*",
        "pipe*",
        "-",
        "-pipeline",
        "NEAR(x y)",
        "pipeline NEAR/2 talks",
        "'; DROP TABLE x; --",
        "\x00",
        "🛢️🔥 pipeline",
        "خط الأنابيب",
        "צינור",
        "p\u200bipeline",
        "e\u0301\u0301\u0301",
        "𝔭𝔦𝔭𝔢𝔩𝔦𝔫𝔢",
        "%",
        "\\",
        "^pipeline",
        "pipeline:talks",
        "{headline}: pipeline",
    ],
)
def test_search_syntax_in_the_query_is_just_text(client, stories, query):
    """Full-text or SQL syntax, emoji and right-to-left text never break search."""
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert b'role="alert"' in response.content


def test_syntax_around_words_still_finds_them(client, stories):
    """Readers who type operators or stray quotes still get the stories with their words."""
    for query in ('"pipeline', "pipeline AND talks", "(pipeline", "pipeline OR capital"):
        assert headlines(client.get("/search/", {"q": query})) == [
            "Pipeline talks resume in the capital"
        ], query


def test_search_results_paginate(client, db):
    """Twenty results a page; ?page=N reaches the rest; a page past the end is a 404."""
    section = SectionPageFactory()
    for number in range(23):
        ArticlePageFactory(parent=section, title=f"Ferry timetable change {number}")
    first = client.get("/search/", {"q": "ferry"})
    second = client.get("/search/", {"q": "ferry", "page": "2"})
    assert len(headlines(first)) == 20
    assert len(headlines(second)) == 3
    assert not set(headlines(first)) & set(headlines(second))
    soup = BeautifulSoup(first.content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"] == "/search/?q=ferry&page=2"
    assert "23 results" in soup.select_one(".search-count").get_text()
    assert client.get("/search/", {"q": "ferry", "page": "9"}).status_code == 404
    assert client.get("/search/", {"q": "ferry", "page": "abc"}).status_code == 404


def test_headline_matches_rank_above_body_matches(client, db):
    """A story with the word in its headline comes before one that only mentions it."""
    section = SectionPageFactory()
    day = timezone.now() - timedelta(days=3)
    ArticlePageFactory(
        parent=section,
        title="Budget debate in parliament",
        kind="analysis",
        body=paragraph("Lawmakers argued about the lighthouse budget. The lighthouse again."),
        first_published_at=day + timedelta(hours=1),
    )
    ArticlePageFactory(
        parent=section,
        title="Lighthouse keepers return",
        kind="analysis",
        body=paragraph("A short note."),
        first_published_at=day,
    )
    assert headlines(client.get("/search/", {"q": "lighthouse"})) == [
        "Lighthouse keepers return",
        "Budget debate in parliament",
    ]


def test_quoted_phrases_are_honoured(client, stories):
    """Words in quotes must appear together, in that order."""
    assert headlines(client.get("/search/", {"q": '"talks resume"'})) == [
        "Pipeline talks resume in the capital"
    ]
    assert headlines(client.get("/search/", {"q": '"resume talks"'})) == []


def test_excluded_words_and_prefixes(client, db):
    """-word leaves stories with the word out; word* finds words that start with it."""
    section = SectionPageFactory()
    ArticlePageFactory(parent=section, title="Railway strike ends")
    ArticlePageFactory(parent=section, title="Railway timetable for winter")
    ArticlePageFactory(parent=section, title="Rail freight grows")
    assert headlines(client.get("/search/", {"q": "railway -strike"})) == [
        "Railway timetable for winter"
    ]
    assert sorted(headlines(client.get("/search/", {"q": "railw*"}))) == [
        "Railway strike ends",
        "Railway timetable for winter",
    ]


def test_inflections_match(client, stories):
    """A search for one form of a word finds the others (talk, talks, talking)."""
    assert headlines(client.get("/search/", {"q": "talk"})) == [
        "Pipeline talks resume in the capital"
    ]


def test_fresh_news_is_boosted_over_older_news_on_the_same_words(client, db):
    """Of two equally relevant news items, today's comes before last month's."""
    section = SectionPageFactory()
    now = timezone.now()
    ArticlePageFactory(
        parent=section,
        title="Drought hits the wheat harvest",
        first_published_at=now - timedelta(days=30),
    )
    ArticlePageFactory(
        parent=section, title="Drought hits the wheat harvest again", first_published_at=now
    )
    ArticlePageFactory(
        parent=section,
        title="Drought hits the wheat harvest, the analysis",
        kind="analysis",
        first_published_at=now - timedelta(days=10),
    )
    found = headlines(client.get("/search/", {"q": "drought wheat"}))
    assert found[0] == "Drought hits the wheat harvest again"
    assert found.index("Drought hits the wheat harvest again") < found.index(
        "Drought hits the wheat harvest"
    )


def test_results_highlight_the_words_matched_and_escape_the_rest(client, db):
    """Matched words are marked in the headline and the snippet; text from the story is escaped."""
    ArticlePageFactory(
        title="Harbour cranes stand idle",
        body=paragraph(
            "Dockers say the &lt;script&gt;alert(1)&lt;/script&gt; notice on the gate "
            "kept the harbour cranes still all week."
        ),
    )
    soup = BeautifulSoup(client.get("/search/", {"q": "cranes"}).content, "html.parser")
    hit = soup.select_one(".search-hit")
    assert [m.get_text() for m in hit.select(".card__headline mark")] == ["cranes"]
    snippet = hit.select_one(".search-hit__snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["cranes"]
    # Shown as text (PostgreSQL's snippets leave tag-like text out), never as markup.
    assert "alert(1)" in snippet.get_text()
    assert snippet.select("script") == []


def test_filters_narrow_results(client, db):
    """Section, kind, author and a date range each narrow the results."""
    politics, economy = SectionPageFactory(title="Politics"), SectionPageFactory(title="Economy")
    writer = AuthorFactory(name="Leyla Aliyeva")
    now = timezone.now()
    ArticlePageFactory(
        parent=politics,
        title="Tariff vote in parliament",
        first_published_at=now - timedelta(days=40),
    )
    ArticlePageFactory(
        parent=economy,
        title="Tariff cut helps exporters",
        kind="analysis",
        authors=[writer],
        first_published_at=now - timedelta(days=2),
    )
    assert headlines(client.get("/search/", {"q": "tariff", "section": politics.slug})) == [
        "Tariff vote in parliament"
    ]
    assert headlines(client.get("/search/", {"q": "tariff", "kind": "analysis"})) == [
        "Tariff cut helps exporters"
    ]
    assert headlines(client.get("/search/", {"q": "tariff", "author": writer.slug})) == [
        "Tariff cut helps exporters"
    ]
    since = (now - timedelta(days=7)).date().isoformat()
    assert headlines(client.get("/search/", {"q": "tariff", "date_from": since})) == [
        "Tariff cut helps exporters"
    ]
    until = (now - timedelta(days=30)).date().isoformat()
    assert headlines(client.get("/search/", {"q": "tariff", "date_to": until})) == [
        "Tariff vote in parliament"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"section": "no-such-section"},
        {"kind": "gossip"},
        {"author": "nobody"},
        {"date_from": "2024-02-31"},
        {"date_to": "yesterday"},
        {"date_from": "2024-06-02", "date_to": "2024-06-01"},
    ],
)
def test_bad_filters_are_a_400_that_explains(client, stories, params):
    response = client.get("/search/", {"q": "pipeline", **params})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one('[role="alert"]').get_text(strip=True)


def test_unpublished_embargoed_and_restricted_stories_never_match(client, db):
    """Only what readers may see is found: not drafts, not embargoed, not behind a password."""
    section = SectionPageFactory()
    gone = ArticlePageFactory(parent=section, title="Glacier retreat measured")
    embargoed = ArticlePageFactory.build(
        title="Glacier report under embargo", embargo_until=timezone.now() + timedelta(hours=2)
    )
    section.add_child(instance=embargoed)
    embargoed.save_revision().publish()
    private = SectionPageFactory(title="Members")
    ArticlePageFactory(parent=private, title="Glacier members briefing")
    PageViewRestriction.objects.create(
        page=private,
        restriction_type=PageViewRestriction.PASSWORD,
        password="members",  # noqa: S106
    )
    visible = ArticlePageFactory(parent=section, title="Glacier lake grows")

    assert headlines(client.get("/search/", {"q": "glacier"})) == [
        "Glacier lake grows",
        "Glacier retreat measured",
    ]
    gone.unpublish()
    assert headlines(client.get("/search/", {"q": "glacier"})) == ["Glacier lake grows"]
    assert not SearchEntry.objects.filter(page_id=gone.pk).exists()
    visible.delete()
    assert headlines(client.get("/search/", {"q": "glacier"})) == []


def test_a_republished_edit_is_what_search_finds(client, stories):
    """Search follows the live version: words removed by an edit stop matching."""
    article = SearchEntry.objects.get(headline__startswith="Pipeline").page
    article.title = "Gas transit talks resume in the capital"
    article.save_revision().publish()
    assert headlines(client.get("/search/", {"q": "pipeline"})) == []
    assert headlines(client.get("/search/", {"q": "transit talks"})) == [
        "Gas transit talks resume in the capital"
    ]


def test_search_index_rebuild_restores_a_lost_index(client, stories):
    """`manage.py search_index_rebuild` rebuilds search from the live stories and says so."""
    SearchEntry.objects.all().delete()
    assert headlines(client.get("/search/", {"q": "pipeline"})) == []
    from io import StringIO

    out = StringIO()
    call_command("search_index_rebuild", stdout=out, stderr=StringIO())
    assert "Indexed 2 live stories" in out.getvalue()
    assert headlines(client.get("/search/", {"q": "pipeline"})) == [
        "Pipeline talks resume in the capital"
    ]


def test_broad_queries_rank_the_newest_matches_and_say_so(client, db, monkeypatch):
    """Past the ranking pool, the newest matches and the newest headline matches are ranked,
    headline matches first, and the page says there are more."""
    monkeypatch.setattr("broadsheet.discovery.search_engines.POOL_SIZE", 3)
    section = SectionPageFactory()
    now = timezone.now()
    ArticlePageFactory(
        parent=section,
        title="Saffron prices explained",
        first_published_at=now - timedelta(days=90),
    )
    for number in range(5):
        ArticlePageFactory(
            parent=section,
            title=f"Market report {number}",
            body=paragraph("Traders watched saffron and tea."),
            first_published_at=now - timedelta(days=5 - number),
        )
    response = client.get("/search/", {"q": "saffron"})
    found = headlines(response)
    assert found[0] == "Saffron prices explained"
    assert found[1:] == ["Market report 4", "Market report 3", "Market report 2"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".search-count").get_text().startswith("More than 4 results")


def test_filter_words_of_the_index_are_not_reader_words(client, stories):
    """The index's words for sections, kinds and authors never match what a reader types."""
    assert headlines(client.get("/search/", {"q": "xkindnews"})) == []


@pytest.mark.parametrize(
    ("matches", "searched"),
    [
        (0, None),  # nothing to find: the index says so at once
        (800, None),  # fewer than a window's worth: every match is read
        (5_000, None),  # a window's key range would cost more than reading them all
        (10_000, 75_000),  # 1 % of the archive: the newest 75,000 ids hold about 750
        (34_000, 22_058),
        (400_000, 1_875),
    ],
)
def test_postgresql_searches_the_newest_entries_first_only_where_that_is_cheaper(matches, searched):
    archive = Archive(entries=1_000_000, oldest_id=1, newest_id=1_000_001)
    assert PostgresSearch()._window(archive, matches) == searched


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search steps")
@pytest.mark.parametrize("query", ["saffron", "saffron -tea", '"saffron prices"', "saff*"])
def test_every_way_postgresql_finds_the_pool_finds_the_same_stories(db, monkeypatch, query):
    """Walking the newest entries, or the index in widening windows of the newest: the
    stories ranked are the same, in the same order, however the archive's size picks them."""
    monkeypatch.setattr("broadsheet.discovery.search_engines.POOL_SIZE", 3)
    section = SectionPageFactory()
    now = timezone.now()
    for number in range(12):
        in_headline = number % 4 == 0
        ArticlePageFactory(
            parent=section,
            title=f"Saffron prices, part {number}" if in_headline else f"Market report {number}",
            body=paragraph("Traders watched saffron prices" + (" and tea." if number % 3 else ".")),
            first_published_at=now - timedelta(hours=30 - number),
        )
        ArticlePageFactory(parent=section, title=f"Weather {number}", body=paragraph("Rain."))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE discovery_searchentry")  # the statistics the walk is chosen by

    def pool(*, common: float, window: int | None) -> tuple[list[int], bool]:
        monkeypatch.setattr(PostgresSearch, "COMMON", common)
        monkeypatch.setattr(PostgresSearch, "_window", lambda *args, **kwargs: window)
        found = PostgresSearch().pool(reader_query(query), SearchFilters())
        return found.ids, found.capped

    everything = pool(common=2.0, window=None)
    assert everything[0]
    assert pool(common=0.0, window=None) == everything
    assert pool(common=2.0, window=2) == everything  # too few there: everywhere after all
    assert pool(common=2.0, window=12) == everything
    assert pool(common=0.0, window=12) == everything
    # The planner settings the steps change are put back for the rest of the transaction.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')"
        )
        assert cursor.fetchone() == ("on", "on")
