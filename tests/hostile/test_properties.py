"""Generated input (Hypothesis) for URL parameters, search queries and the JSON Lines importer:
whatever arrives, a 4xx or a reported bad line, never a 5xx or a crash.

Runs are repeatable (derandomized, no example database) and bounded; a failure prints the
smallest input that shows it.
"""

import json
import re
from datetime import datetime
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from broadsheet.articles.models import ArticleKind, ArticlePage
from tests.hostile.conftest import SEARCH_PARAMETERS, UNREAD, reader_urls
from tests.hostile.payloads import FILTER_DATES, PAGE_NUMBERS, QUERY_SYNTAX, SCRIPTS, UNICODE

pytestmark = pytest.mark.django_db

# The fixtures (a newsroom, a client) are built once per test and only read by the examples,
# except the importer's, which adds stories the next example may meet again: so would a rerun.
BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a URL can carry (no lone surrogates: they have no UTF-8), mixed with the corpus so
# the generator starts from known trouble and shrinks towards it.
any_text = st.text(st.characters(codec="utf-8"), max_size=300)
corpus_text = st.sampled_from(
    [*QUERY_SYNTAX, *PAGE_NUMBERS, *FILTER_DATES, *UNICODE, *(s(1) for s in SCRIPTS)]
)
parameter_value = st.one_of(any_text, corpus_text, st.integers().map(str))


def answered(response) -> int:
    assert response.status_code < 500, response.status_code
    return response.status_code


@BOUNDED
@given(data=st.data())
def test_any_parameters_on_any_reader_url(client, newsroom, data):
    """Any parameters, read or not, repeated or not, on any reader URL: never a 5xx."""
    urls = data.draw(st.just(reader_urls(newsroom)))
    url = data.draw(st.sampled_from([u for u in urls if u.route not in {"healthz", "readyz"}]))
    names = st.sampled_from([*url.parameters, UNREAD, "p", "page"]) | any_text
    query = data.draw(st.lists(st.tuples(names, parameter_value), max_size=4))
    answered(client.get(url.path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query)))


@BOUNDED
@given(
    q=st.one_of(any_text, corpus_text, st.text(max_size=220)),
    filters=st.dictionaries(
        st.sampled_from([p for p in SEARCH_PARAMETERS if p != "q"]),
        st.one_of(
            parameter_value,
            st.dates().map(str),
            st.sampled_from(["politics", "economy", *ArticleKind.values]),
        ),
        max_size=4,
    ),
)
def test_any_search(client, newsroom, q, filters):
    """Any query with any filters is results, a 400 that says what is wrong, or a 404 page."""
    response = client.get("/search/", {"q": q, **filters})
    assert answered(response) in (200, 400, 404)
    if response.status_code == 200:
        # What was asked is what the page says was searched for (as words).
        assert response.context["query"] == " ".join(q.split())


# Any JSON value, for any field.
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=6,
)
html_text = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<b>",
            "<h2>",
            "</h2>",
            "<blockquote>",
            "<ul><li>",
            "<li>",
            "<script>",
            "<a href='javascript:alert(1)'>",
            "<img src=x onerror=alert(1)>",
            "<!--",
            "<![CDATA[",
            "&amp;",
            "&#0;",
            "\x00",
            "\n\n",
            "word ",
        ]
    )
    | any_text,
    max_size=12,
).map("".join)
moment = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.none()
).map(datetime.isoformat) | st.datetimes(timezones=st.timezones()).map(datetime.isoformat)
optional_fields = {
    "deck": any_text | corpus_text,
    "body": html_text | any_text | json_value,
    "kind": st.sampled_from(ArticleKind.values) | any_text,
    "authors": st.lists(any_text | corpus_text, max_size=3) | json_value,
    "topics": st.lists(any_text | corpus_text, max_size=3) | json_value,
    "slug": any_text | st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True),
    "id": json_value,
    "source": any_text,
    "source_url": any_text | st.just("javascript:alert(1)"),
    "image_url": any_text,
}
names = st.text(st.characters(categories=["L", "N", "M", "Zs"]), min_size=1, max_size=40)
# Stories that can go in, carrying hostile text wherever it is allowed...
plausible_story = st.fixed_dictionaries(
    {
        "headline": any_text.filter(str.strip) | corpus_text,
        "section": st.sampled_from(["economy", "Politics", "interviews"]),
        "published_at": moment,
    },
    optional={
        "deck": st.text(st.characters(codec="utf-8"), max_size=200),
        "body": html_text | any_text | corpus_text,
        "kind": st.sampled_from(ArticleKind.values),
        "authors": st.lists(names | corpus_text, max_size=2),
        "topics": st.lists(names | corpus_text, max_size=2),
        "slug": st.from_regex(r"[a-z0-9]{1,20}(-[a-z0-9]{1,20})?", fullmatch=True),
        "id": st.integers() | any_text.filter(bool),
        "source": st.text(st.characters(codec="utf-8"), max_size=120),
    },
)
# ...and anything else.
any_story = st.fixed_dictionaries(
    {
        "headline": any_text | json_value,
        "section": st.sampled_from(["economy", "nowhere"]) | json_value,
        "published_at": moment | any_text | json_value,
    },
    optional=optional_fields,
)
import_line = st.one_of(
    plausible_story.map(json.dumps),
    plausible_story.map(lambda d: json.dumps(d, ensure_ascii=False)),
    any_story.map(json.dumps),
    any_story.map(lambda d: json.dumps(d)[:-1]),
    st.dictionaries(any_text, json_value, max_size=3).map(json.dumps),
    any_text,
)


@BOUNDED
@given(lines=st.lists(import_line, min_size=1, max_size=4))
def test_any_json_lines_import(client, newsroom, tmp_path, lines):
    """Any file is imported line by line: bad lines reported and skipped, good ones live and
    readable, and the command itself never fails."""
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(line.replace("\n", " ") for line in lines) + "\n", "utf-8")
    # Each example starts from the same newsroom, so a failure replays (and shrinks) alone.
    with transaction.atomic():
        before = set(ArticlePage.objects.values_list("pk", flat=True))
        out, err = StringIO(), StringIO()
        call_command("import_articles", str(path), stdout=out, stderr=err)
        summary = re.search(r"\((\d+) new", out.getvalue())
        assert summary, out.getvalue() + err.getvalue()
        new = ArticlePage.objects.exclude(pk__in=before)
        assert new.count() == int(summary[1])
        event("some stories imported" if new.exists() else "no story imported")
        for reason in re.findall(r"line \d+: (\w+)", err.getvalue()):
            event(f"bad line: {reason}")
        for story in new.live():
            answered(client.get(story.url))
        transaction.set_rollback(True)


def test_a_nul_character_is_a_bad_line_not_a_failed_import(newsroom, tmp_path):
    """PostgreSQL stores no NUL: a line carrying one is reported, the rest import."""
    path = tmp_path / "archive.jsonl"
    good = {"headline": "Harbour tolls rise", "section": "economy", "published_at": "2025-03-04"}
    lines = [
        {**good, "headline": "Harbour\x00tolls"},
        {**good, "deck": "a\x00b", "id": 2},
        {**good, "authors": ["Ilka\x00Brand"], "id": 3},
        {**good, "body": "<p>\x00</p>", "id": 4},
        {**good, "id": 5},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    err = StringIO()
    call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().count("NUL character") == 4
    assert ArticlePage.objects.filter(title="Harbour tolls rise").count() == 1


def test_a_line_taking_over_an_imported_story_by_its_address_updates_it(newsroom, tmp_path):
    """A later file's line with another id but the same section and slug updates the story
    (the README's "an existing story at that address is updated"), not a failed import."""
    base = {"section": "economy", "published_at": "2025-03-04T10:00:00", "slug": "tolls"}
    for number, line in enumerate(
        ({**base, "id": 1, "headline": "A"}, {**base, "id": 2, "headline": "B"})
    ):
        path = tmp_path / f"archive-{number}.jsonl"
        path.write_text(json.dumps(line) + "\n", "utf-8")
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
    story = ArticlePage.objects.get(slug="tolls")
    assert story.title == "B"


def test_a_line_moving_its_story_to_a_taken_address_is_a_bad_line(newsroom, tmp_path):
    """A re-imported line whose slug another story holds is reported; the rest import."""
    base = {"section": "economy", "published_at": "2025-03-04T10:00:00"}
    files = (
        [{**base, "id": 1, "headline": "A"}, {**base, "id": 2, "headline": "B", "slug": "taken"}],
        [
            {**base, "id": 1, "headline": "A again", "slug": "taken"},
            {**base, "id": 3, "headline": "C"},
        ],
    )
    for number, lines in enumerate(files):
        path = tmp_path / f"archive-{number}.jsonl"
        path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
        err = StringIO()
        call_command("import_articles", str(path), stdout=StringIO(), stderr=err)
    assert "line 1: slug:" in err.getvalue()
    assert ArticlePage.objects.get(slug="taken").title == "B"
    assert ArticlePage.objects.filter(title__in=["A", "C"]).count() == 2
