"""The admin's page explorer on a section: paged and counted right, whoever is looking."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import GroupPagePermission

from broadsheet.articles.models import ArticlePage
from broadsheet.articles.services import ArticleDraft, articles_bulk_create
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db

STORIES = 55  # Wagtail's explorer shows 50 to a page


@pytest.fixture
def economy():
    section = SectionPageFactory(title="Economy", slug="economy")
    now = timezone.now()
    articles_bulk_create(
        drafts=[
            ArticleDraft(
                section=section,
                article=ArticlePage(
                    title=f"Economy story {n}", first_published_at=now - timedelta(minutes=n)
                ),
            )
            for n in range(STORIES)
        ]
    )
    return section


def user_with(codename: str, *pages):
    user = get_user_model().objects.create_user("reporter", "reporter@example.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    group = Group.objects.create(name="Desk")
    for page in pages:
        GroupPagePermission.objects.create(
            group=group, page=page, permission=Permission.objects.get(codename=codename)
        )
    user.groups.add(group)
    return user


def listing(client, section, **query):
    response = client.get(f"/admin/pages/{section.pk}/", query)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text(strip=True) for a in soup.select("td.title .title-wrapper a")]
    pages = re.search(r"Page \d+ of \d+", " ".join(soup.get_text().split()))
    return titles, pages.group() if pages else None


def test_superuser_pages_through_a_section_newest_first_and_oldest_first(client, economy):
    """50 stories a page, newest first; page 2 has the rest; "oldest first" turns it round."""
    client.force_login(get_user_model().objects.create_superuser("chief", "c@example.org", "pw"))
    with CaptureQueriesContext(connection) as queries:
        titles, pages = listing(client, economy)
    assert titles[:2] == ["Economy story 0", "Economy story 1"] and len(titles) == 50
    assert pages == "Page 1 of 2"
    # The count that gives "of 2" leaves out Wagtail's permission filter, a join against the
    # whole page tree (1.5 s with a million stories on PostgreSQL).
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
    assert any("wagtailcore_page" in sql and " IN (SELECT" not in sql for sql in counts), counts
    assert listing(client, economy, p=2) == (
        [f"Economy story {n}" for n in range(50, STORIES)],
        "Page 2 of 2",
    )
    oldest, _ = listing(client, economy, ordering="latest_revision_created_at")
    assert oldest[:2] == ["Economy story 54", "Economy story 53"]


def test_desk_editor_with_rights_on_the_section_sees_all_its_stories(client, economy):
    client.force_login(user_with("change_page", economy))
    titles, pages = listing(client, economy)
    assert len(titles) == 50 and pages == "Page 1 of 2"
    assert len(listing(client, economy, p=2)[0]) == STORIES - 50


def test_user_with_rights_on_single_stories_sees_only_those_listed_and_counted(client, economy):
    """Rights on one story in each of two sections list and count that one story in each."""
    world = SectionPageFactory(title="World", slug="world")
    abroad = ArticlePage(title="World story", first_published_at=timezone.now())
    articles_bulk_create(drafts=[ArticleDraft(section=world, article=abroad)])
    story = ArticlePage.objects.get(title="Economy story 7")
    client.force_login(user_with("change_page", story, abroad))
    assert listing(client, economy) == (["Economy story 7"], "Page 1 of 1")
