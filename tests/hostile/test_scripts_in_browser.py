"""No payload runs in a reader's (or an editor's) browser: stored through the admin's forms or
reflected from the address, checked in Chromium by what the payload would do.

Every page is loaded twice: once as readers get it, under the Content-Security-Policy, and once
with the policy bypassed (`bypass_csp=True`). The reader policy is `script-src 'none'`, so under
it no payload could run even if the escaping failed; the second pass is what shows that the
sanitiser and the templates' escaping hold on their own. Violations the policy reports are
recorded and printed: they are the policy doing its job, not a failure.
"""

import json
import time
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.utils import timezone

from broadsheet.articles.models import ArticlePage
from tests.conftest import outlet_today, sign_in_verified
from tests.hostile.browser import PROVOKE, ScriptWatch
from tests.hostile.conftest import SEARCH_PARAMETERS, UNREAD
from tests.hostile.desk_forms import (
    Filler,
    breaking_news_flag,
    newsroom_fill,
    outlet_settings_post,
)
from tests.hostile.payloads import FALLBACK, SCRIPTS, script_payloads

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTINGS = (
    "/",
    "/interviews/",
    "/news/",
    "/corrections/",
    "/topics/",
    "/authors/",
    "/experts/",
)


# Not pages: what feed readers and crawlers get, which escaping alone must keep well-formed.
DOCUMENTS = (
    "/feed/",
    "/feed/atom/",
    "/feed.json",
    "/interviews/feed/",
    "/sitemap.xml",
    "/sitemap-articles.xml",
    "/sitemap-news.xml",
    "/sitemap-topics.xml",
    "/sitemap-authors.xml",
    "/sitemap-experts.xml",
)


def well_formed(client, path):
    """The document answers and parses: the payloads in it stayed text."""
    response = client.get(path)
    assert response.status_code == 200, path
    if path.endswith(".json"):
        json.loads(response.content)
    else:
        ElementTree.fromstring(response.content)


@pytest.fixture
def watches(browser, live_server):
    made = [ScriptWatch(browser, live_server.url, bypass_csp=bypass) for bypass in (False, True)]
    yield made
    for watch in made:
        watch.close()


def check(watches, path, *, bypassed_only=False):
    for watch in watches[1:] if bypassed_only else watches:
        status = watch.check(path)
        assert status < 500, (path, status, watch.bypass_csp)


def report(watches, what: str, started: float, capsys):
    with capsys.disabled():
        for watch in watches:
            mode = "CSP bypassed" if watch.bypass_csp else "CSP enforced"
            print(
                f"\nhostile corpus, {what}, {mode}: {watch.pages_checked} pages, "
                f"{len(watch.ran)} executions, {len(watch.violations)} CSP violations"
            )
            for path, violation in sorted(set(watch.violations))[:10]:
                print(f"  violation on {path}: {violation[:120]}")
        print(f"hostile corpus, {what}: {time.monotonic() - started:.1f} s")


def test_no_payload_stored_through_the_desk_runs(
    client, newsroom, desk_people, watches, live_server, capsys
):
    """Every script payload in every field of a story, its topic, author and expert, the
    outlet's settings and the breaking-news banner: no page that shows them runs any of it."""
    started = time.monotonic()
    for number, payload in enumerate(SCRIPTS, start=1):
        fill = Filler(number, payload)
        story = newsroom_fill(client, desk_people, newsroom, fill)
        # The outlet's name and the banner are on every page: this story's payload is in them
        # while its pages are checked.
        sign_in_verified(client, desk_people["cora"])  # chief editors pass two-step sign-in
        outlet_settings_post(client, fill)
        client.force_login(desk_people["ed"])
        breaking_news_flag(client, fill, article=story)
        assert (story.title, story.deck) == (fill("title"), fill("deck"))  # kept as typed
        check(watches, story.url)
        # Feeds carry the same text to feed readers.
        for path in (
            f"/topics/hostile-topic-{number}/feed.json",
            f"/authors/hostile-author-{number}/feed/",
        ):
            well_formed(client, path)
        # What only these pages add (bios, descriptions, links) is escaping's to hold; the
        # policy's part is shown on the story's page, which names all three.
        for path in (
            f"/topics/hostile-topic-{number}/",
            f"/authors/hostile-author-{number}/",
            f"/experts/hostile-expert-{number}/",
        ):
            check(watches, path, bypassed_only=True)
    today = outlet_today().strftime("%Y/%m/%d")
    for path in (*LISTINGS, f"/news/{today}/", "/search/?q=hostile"):
        check(watches, path)
    for path in DOCUMENTS:
        well_formed(client, path)

    # The desk's own screens list the same text: the admin policy is bypassed too.
    session = client.cookies["sessionid"]
    for watch in watches:
        watch.context.add_cookies(
            [{"name": "sessionid", "value": session.value, "url": live_server.url}]
        )
    for path in (
        f"/admin/pages/{newsroom.sections['interviews'].pk}/",
        "/admin/snippets/topics/topic/",
        "/admin/snippets/authors/author/",
        "/admin/snippets/experts/expert/",
        "/admin/snippets/desk/breakingnews/",
        f"/admin/pages/{story.pk}/edit/",
    ):
        check(watches, path)

    report(watches, "stored payloads", started, capsys)
    for watch in watches:
        assert watch.ran == []


def imported_lines(tmp_path) -> list[str]:
    """A JSON Lines archive with every script payload in every field a line has."""
    moment = (timezone.now() - timedelta(hours=1)).isoformat()
    lines = []
    for number, payload in enumerate(SCRIPTS, start=1):

        def fill(field, limit=None, number=number, payload=payload):
            id_ = 3000 + number * 10 + field
            text = payload(id_)
            return FALLBACK(id_) if limit and len(text) > limit else text

        line = {
            "id": f"hostile-{number}",
            "headline": fill(1, 255),
            "deck": fill(2, 200),
            "body": f"<p>{fill(3)}</p>{fill(4)}<blockquote>{fill(5)}</blockquote>",
            "authors": [fill(6, 120)],
            "topics": [fill(7, 120)],
            "source": fill(8, 120),
            "source_url": f"https://example.org/?{fill(9)}".replace(" ", "%20"),
            "section": "interviews",
            "kind": "republished",
            "published_at": moment,
        }
        lines.append(json.dumps(line))
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_no_payload_imported_from_json_lines_runs(newsroom, watches, tmp_path, capsys):
    """Every script payload in every field of an imported archive's lines: the imported
    stories' pages, and the lists that show them, run none of it."""
    started = time.monotonic()
    before = set(ArticlePage.objects.values_list("pk", flat=True))
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(imported_lines(tmp_path)), stdout=out, stderr=err)
    imported = ArticlePage.objects.live().exclude(pk__in=before)
    assert imported.count() == len(SCRIPTS), err.getvalue()
    for story in imported:
        check(watches, story.url)
    for path in ("/", "/interviews/", "/news/", "/topics/", "/authors/"):
        check(watches, path)
    report(watches, "imported payloads", started, capsys)
    for watch in watches:
        assert watch.ran == []


def test_no_payload_reflected_from_the_address_runs(newsroom, watches, capsys):
    """Search shows what was asked, and its 400 page every filter that was wrong: no script
    typed into the address runs."""
    started = time.monotonic()
    for _, _, text in script_payloads(ids_from=8000):
        check(watches, "/search/?" + urlencode({"q": text, UNREAD: text}))
        everything = {parameter: text for parameter in SEARCH_PARAMETERS}
        check(watches, "/search/?" + urlencode({**everything, UNREAD: text}))
    report(watches, "reflected payloads", started, capsys)
    for watch in watches:
        assert watch.ran == []


def test_the_watch_sees_a_script_that_runs(newsroom, watches):
    """The check can fail: markup the escaping let through would be seen running."""
    csp, bypassed = watches
    for watch in watches:
        watch.check("/")
        watch.page.evaluate(
            """() => document.body.insertAdjacentHTML('beforeend',
                '<img src=x onerror=__hostile(1)><a href="javascript:alert(2)">a</a>'
                + '<svg onload="fetch(\\'/__pwned?3\\')"></svg>')"""
        )
        watch.page.wait_for_timeout(200)
        watch.page.evaluate(PROVOKE)
        watch.page.wait_for_timeout(200)
    assert {(ran.id, ran.how) for ran in bypassed.ran} >= {("1", "call"), ("2", "dialog:alert")}
    assert any(ran.how.startswith("request") for ran in bypassed.ran)
    assert csp.ran == []
    assert csp.page.evaluate("window.__violations.length") > 0
