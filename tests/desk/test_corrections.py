from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.models import PageViewRestriction

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.desk.models import Correction
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


def append_note(article, *, kind, text, noted_at):
    article.corrections.add(Correction(kind=kind, text=text, noted_at=noted_at))
    article.save_revision().publish()


@pytest.fixture
def story(db):
    section = SectionPageFactory(title="Economy", slug="economy")
    return ArticlePageFactory(
        parent=section,
        title="Inflation eases to 4 per cent",
        slug="inflation-eases",
        first_published_at=timezone.now() - timedelta(days=2),
    )


def test_notes_appear_on_the_story_with_their_times_and_move_its_updated_time(client, story):
    """A correction shows on the story with its time, and the story reads as updated then."""
    noted_at = timezone.now() - timedelta(hours=3)
    append_note(
        story, kind="correction", text="Inflation eased to 4.1 per cent, not 4.", noted_at=noted_at
    )
    soup = BeautifulSoup(client.get("/economy/inflation-eases/").content, "html.parser")
    note = soup.select_one(".corrections__item")
    assert note.select_one(".label").get_text(strip=True) == "Correction"
    assert "4.1 per cent" in note.get_text()
    local = timezone.localtime(noted_at, ZoneInfo("Asia/Baku"))
    assert note.time["datetime"] == local.isoformat(timespec="seconds")
    assert soup.select_one(".article__updated time")["datetime"] == local.isoformat(
        timespec="seconds"
    )


def test_corrections_page_lists_corrections_newest_first_linking_to_stories(client, story):
    """/corrections/ lists every correction and clarification, newest first, with links."""
    other = ArticlePageFactory(parent=story.get_parent(), title="Exports rise", slug="exports-rise")
    now = timezone.now()
    append_note(story, kind="correction", text="Older fix.", noted_at=now - timedelta(hours=5))
    append_note(
        other, kind="clarification", text="Newer clarification.", noted_at=now - timedelta(hours=1)
    )
    append_note(other, kind="update", text="Adds the ministry's reply.", noted_at=now)
    soup = BeautifulSoup(client.get("/corrections/").content, "html.parser")
    rows = soup.select(".news-rows__item")
    assert [row.select_one(".corrections__text").get_text() for row in rows] == [
        "Newer clarification.",
        "Older fix.",
    ]
    assert rows[0].a["href"] == "/economy/exports-rise/"


def test_corrections_of_unpublished_or_restricted_stories_stay_private(client, story):
    """Corrections on stories readers cannot see are not listed."""
    append_note(story, kind="correction", text="Private fix.", noted_at=timezone.now())
    PageViewRestriction.objects.create(page=story, restriction_type="login")
    assert b"Private fix." not in client.get("/corrections/").content
    PageViewRestriction.objects.all().delete()
    story.unpublish()
    assert b"Private fix." not in client.get("/corrections/").content


def test_a_draft_note_is_not_public_until_published(client, story):
    """A note saved in a draft revision reaches readers only when the story is published."""
    story.corrections.add(Correction(kind="correction", text="Draft fix.", noted_at=timezone.now()))
    story.save_revision()
    assert b"Draft fix." not in client.get("/economy/inflation-eases/").content
    assert b"Draft fix." not in client.get("/corrections/").content


def test_silent_edits_stay_in_the_revision_history(story):
    """A typo fix without a note still leaves a revision behind."""
    revisions = story.revisions.count()
    story.title = "Inflation eases to 4 per cent in October"
    story.save_revision().publish()
    assert story.revisions.count() == revisions + 1


def test_corrections_bad_page_is_404(client, story):
    """?page=abc on /corrections/ is a 404, never a 500."""
    assert client.get("/corrections/?page=abc").status_code == 404


def test_a_silent_republish_does_not_mark_the_story_updated(client, story):
    """Fixing a typo without a note leaves no 'Updated' line for readers."""
    story.title = "Inflation eases to 4 per cent, data show"
    story.save_revision().publish()
    soup = BeautifulSoup(client.get("/economy/inflation-eases/").content, "html.parser")
    assert soup.select_one(".article__updated") is None
