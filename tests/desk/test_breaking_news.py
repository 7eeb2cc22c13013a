from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.desk.models import BreakingNews
from broadsheet.desk.roles import EDITORS, WRITERS, desk_roles_ensure
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.topics.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(db):
    return SectionPageFactory(title="World", slug="world")


def banner(client, url="/"):
    found = BeautifulSoup(client.get(url).content, "html.parser").select_one(".breaking")
    return found and (found.a.get_text(strip=True), found.a["href"])


def flag(article, *, hours=2, **fields):
    return BreakingNews.objects.create(
        article=article, expires_at=timezone.now() + timedelta(hours=hours), **fields
    )


def test_banner_links_to_the_breaking_story_on_every_reader_page(client, section):
    """A breaking story's banner shows on every reader page, linking to it."""
    story = ArticlePageFactory(parent=section, title="Earthquake shakes the coast", slug="quake")
    topic = TopicFactory(name="Seismology")
    flag(story)
    for url in ("/", "/world/", "/world/quake/", topic.get_absolute_url(), "/news/", "/search/"):
        assert banner(client, url) == ("Earthquake shakes the coast", "/world/quake/"), url


def test_banner_goes_when_the_flag_expires_or_is_cleared(client, section):
    """The banner disappears at its expiry time, or when the editor deletes the flag."""
    story = ArticlePageFactory(parent=section, title="Storm warning")
    expired = flag(story, hours=-1)
    assert banner(client) is None
    expired.delete()
    current = flag(story, hours=1)
    assert banner(client)
    current.delete()
    assert banner(client) is None


def test_a_new_breaking_story_replaces_the_old_one(client, section):
    """Only one breaking story at a time: flagging a new one replaces the old."""
    first = ArticlePageFactory(parent=section, title="Border crossing closes")
    second = ArticlePageFactory(parent=section, title="Talks collapse in the capital")
    old = flag(first, hours=5)
    flag(second, hours=1, banner_text="Talks collapse")
    assert banner(client)[0] == "Talks collapse"
    old.refresh_from_db()
    assert old.superseded_at is not None


def test_no_banner_for_an_unpublished_story(client, section):
    """Unpublishing the story takes its banner down too."""
    story = ArticlePageFactory(parent=section, title="Leaked draft")
    flag(story)
    story.unpublish()
    assert banner(client) is None


def test_editors_flag_breaking_news_in_the_admin_and_writers_cannot(client, section):
    """Editors mark a story breaking from the admin; writers have no such power."""
    groups = desk_roles_ensure()
    story = ArticlePageFactory(parent=section, title="Dam overflows")
    editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    editor.groups.set([groups[EDITORS]])
    writer = get_user_model().objects.create_user("wren", "wren@example.org", "pw")
    writer.groups.set([groups[WRITERS]])
    expires = timezone.localtime(timezone.now() + timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    form = {"article": story.pk, "banner_text": "", "expires_at": expires}

    client.force_login(writer)
    assert client.get("/admin/snippets/desk/breakingnews/add/").status_code in (302, 403)
    client.force_login(editor)
    response = client.post("/admin/snippets/desk/breakingnews/add/", form)
    assert response.status_code == 302, response.content[:2000]
    assert banner(client) == ("Dam overflows", story.url)


def test_an_expiry_in_the_past_is_a_form_error(client, section):
    """A breaking flag that would already be expired is refused with a form error."""
    admin = get_user_model().objects.create_superuser("chief", "c@example.org", "pw")
    client.force_login(admin)
    story = ArticlePageFactory(parent=section, title="Old news")
    past = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    response = client.post(
        "/admin/snippets/desk/breakingnews/add/", {"article": story.pk, "expires_at": past}
    )
    assert response.status_code == 200
    assert b"Choose a time in the future." in response.content
    assert not BreakingNews.objects.exists()
