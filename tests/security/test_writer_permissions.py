"""Writers draft and submit their own stories; nothing in the admin lets them do more.

Every check goes through the admin's real views as a signed-in writer, then looks at what
actually changed: a refused action must leave the story, the queue and the settings as they were.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Revision, Site, WorkflowState

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.core.models import OutletSettings
from broadsheet.desk.models import DeskSettings, QueueEntry
from broadsheet.desk.queue import queue_entry_add
from broadsheet.desk.roles import EDITORS, WRITERS
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import newsroom_staff
from tests.desk.test_roles import add_url, article_form

pytestmark = pytest.mark.django_db
SCOOP_HEADLINE = "Minister to resign on Friday, aides say"


@pytest.fixture
def newsroom_desk(db, client):
    people = newsroom_staff({"wren": WRITERS, "wade": WRITERS, "ed": EDITORS})
    section = SectionPageFactory(title="Politics", slug="politics")
    people["section"] = section
    people["published"] = ArticlePageFactory(parent=section, title="Budget passes", slug="budget")
    # Each writer's draft, saved through the admin as they would save it.
    for name, title, slug in (
        ("wren", "Coalition talks stall over the budget", "coalition-talks-stall"),
        ("wade", SCOOP_HEADLINE, "minister-to-resign"),
    ):
        client.force_login(people[name])
        # Followed, so the "Page created" message is read here and not by the next person.
        response = client.post(add_url(section), article_form(title=title, slug=slug), follow=True)
        assert response.status_code == 200
        people[f"{name}_draft"] = ArticlePage.objects.get(slug=slug)
    client.force_login(people["wren"])
    return people


def refused(response) -> bool:
    """Wagtail refuses with 403, or with a redirect to the dashboard and a permission message."""
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and response.url in (reverse("wagtailadmin_home"), "/admin")


def edit(page_id, **actions):
    return reverse("wagtailadmin_pages:edit", args=(page_id,)), article_form(**actions)


def test_a_writer_cannot_publish_their_own_story(client, newsroom_desk):
    story = newsroom_desk["wren_draft"]
    url, form = edit(story.pk, **{"action-publish": "publish"})
    client.post(url, form)
    story.refresh_from_db()
    assert not story.live
    assert client.get("/politics/coalition-talks-stall/").status_code == 404


def test_a_writer_cannot_schedule_their_own_story(client, newsroom_desk):
    story = newsroom_desk["wren_draft"]
    later = (timezone.now() + timedelta(hours=2)).strftime("%d.%m.%Y %H:%M")
    url, form = edit(story.pk, go_live_at=later, **{"action-publish": "publish"})
    client.post(url, form)
    story.refresh_from_db()
    assert not story.live
    assert not Revision.page_revisions.filter(
        object_id=str(story.pk), approved_go_live_at__isnull=False
    ).exists()


@pytest.mark.parametrize("writer", ["wren", "wade"])
def test_a_writer_cannot_approve_or_queue_a_submission(client, newsroom_desk, writer):
    """Neither their own submitted story nor a colleague's: review is the editors' step."""
    story = newsroom_desk[f"{writer}_draft"]
    client.force_login(newsroom_desk[writer])
    url, form = edit(story.pk, title=story.title, slug=story.slug, **{"action-submit": "submit"})
    client.post(url, form)
    task_state = WorkflowState.objects.get(object_id=str(story.pk)).current_task_state
    client.force_login(newsroom_desk["wren"])
    for action in ("approve", "approve_queue", "reject"):
        response = client.post(
            reverse("wagtailadmin_pages:workflow_action", args=(story.pk, action, task_state.pk)),
            {"comment": "Looks fine to me"},
        )
        assert refused(response), action
    story.refresh_from_db()
    assert not story.live
    assert not QueueEntry.objects.exists()
    state = WorkflowState.objects.get(object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_a_writer_cannot_touch_the_release_queue(client, newsroom_desk):
    queued = newsroom_desk["wade_draft"]
    entry = queue_entry_add(article=queued, user=newsroom_desk["ed"])
    assert refused(client.get(reverse("desk_queue")))
    assert refused(
        client.post(reverse("desk_queue_add"), {"article": newsroom_desk["wren_draft"].pk})
    )
    for action in ("up", "down", "pull", "release"):
        assert refused(client.post(reverse("desk_queue_action", args=(entry.pk, action)))), action
    assert refused(client.post(reverse("desk_queue_pause"), {"paused": "1"}))
    assert list(QueueEntry.objects.values_list("article_id", "released_at")) == [(queued.pk, None)]
    queued.refresh_from_db()
    assert not queued.live
    assert not DeskSettings.load().queue_paused


def test_a_writer_cannot_open_a_colleagues_draft(client, newsroom_desk):
    """Another writer's draft stays theirs (and the editors'): no edit, preview or history."""
    scoop = newsroom_desk["wade_draft"]
    revision = scoop.latest_revision
    for url in (
        reverse("wagtailadmin_pages:edit", args=(scoop.pk,)),
        reverse("wagtailadmin_pages:preview_on_edit", args=(scoop.pk,)),
        reverse("wagtailadmin_pages:view_draft", args=(scoop.pk,)),
        reverse("wagtailadmin_pages:history", args=(scoop.pk,)),
        reverse("wagtailadmin_pages:revisions_view", args=(scoop.pk, revision.pk)),
        reverse("wagtailadmin_pages:revisions_compare", args=(scoop.pk, "earliest", revision.pk)),
    ):
        response = client.get(url)
        assert refused(response), url
        assert SCOOP_HEADLINE not in response.content.decode(), url
    url, form = edit(scoop.pk)
    form["title"] = "Rewritten by someone else"
    assert refused(client.post(url, form))
    scoop.refresh_from_db()
    assert scoop.draft_title == SCOOP_HEADLINE


def test_a_writer_does_not_find_a_colleagues_draft_in_listings(client, newsroom_desk):
    """Not in the explorer, the page search, the page chooser, the dashboard or the reports."""
    section = newsroom_desk["section"]
    for url in (
        reverse("wagtailadmin_explore", args=(section.pk,)),
        reverse("wagtailadmin_explore", args=(section.pk,)) + "?q=minister",
        reverse("wagtailadmin_pages:search") + "?q=minister",
        reverse("wagtailadmin_pages:search") + "?q=",
        reverse("wagtailadmin_choose_page_child", args=(section.pk,)),
        reverse("wagtailadmin_choose_page_search") + "?q=minister",
        reverse("wagtailadmin_home"),
        f"/admin/api/main/pages/?child_of={section.pk}&for_explorer=1",
        "/admin/api/main/pages/?search=minister",
        f"/admin/api/main/pages/?child_of={section.pk}",
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:page_types_usage"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SCOOP_HEADLINE not in html, url
    api_detail = client.get(f"/admin/api/main/pages/{newsroom_desk['wade_draft'].pk}/")
    assert SCOOP_HEADLINE not in api_detail.content.decode()
    # Their own draft and the published story are listed.
    explorer = client.get(reverse("wagtailadmin_explore", args=(section.pk,))).content.decode()
    assert "Coalition talks stall over the budget" in explorer
    assert "Budget passes" in explorer
    search = reverse("wagtailadmin_pages:search")
    assert "Coalition talks stall" in client.get(search + "?q=coalition").content.decode()
    api = client.get("/admin/api/main/pages/?search=coalition").content.decode()
    assert "Coalition talks stall" in api
    chooser = reverse("wagtailadmin_choose_page_child", args=(section.pk,))
    assert "Coalition talks stall" in client.get(chooser).content.decode()
    # Editors see every draft.
    client.force_login(newsroom_desk["ed"])
    for url in (
        reverse("wagtailadmin_explore", args=(section.pk,)),
        search + "?q=minister",
        "/admin/api/main/pages/?search=minister",
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:page_types_usage"),
    ):
        assert SCOOP_HEADLINE in client.get(url).content.decode(), url


def test_a_writer_cannot_unpublish_or_delete_stories(client, newsroom_desk):
    published = newsroom_desk["published"]
    for page in (published, newsroom_desk["wade_draft"]):
        for name in ("unpublish", "delete"):
            url = reverse(f"wagtailadmin_pages:{name}", args=(page.pk,))
            assert refused(client.get(url)), (name, page)
            assert refused(client.post(url)), (name, page)
    published.refresh_from_db()
    assert published.live
    assert client.get("/politics/budget/").status_code == 200
    assert Page.objects.filter(pk=newsroom_desk["wade_draft"].pk).exists()


def test_a_writer_cannot_change_the_outlet_settings(client, newsroom_desk):
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/core/outletsettings/{site.pk}/"
    assert refused(client.get(url))
    assert refused(client.post(url, {"outlet_name": "Hijacked", "time_zone": "UTC"}))
    assert not OutletSettings.objects.filter(outlet_name="Hijacked").exists()


def test_a_writer_cannot_manage_accounts_or_groups(client, newsroom_desk):
    wren = newsroom_desk["wren"]
    for url in (
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=(wren.pk,)),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailusers_groups:edit", args=(Group.objects.get(name=EDITORS).pk,)),
    ):
        assert refused(client.get(url)), url
    client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "mole",
            "email": "mole@example.org",
            "password1": "a long enough password 1",
            "password2": "a long enough password 1",
            "is_superuser": "on",
        },
    )
    client.post(
        reverse("wagtailusers_users:edit", args=(wren.pk,)),
        {"username": "wren", "email": "wren@example.org", "is_superuser": "on"},
    )
    assert not get_user_model().objects.filter(username="mole").exists()
    wren.refresh_from_db()
    assert not wren.is_superuser
    assert [g.name for g in wren.groups.all()] == [WRITERS]
    # Their own account page changes their name and password, never their role.
    client.post(reverse("wagtailadmin_account"), {"name_email-first_name": "Wren"})
    wren.refresh_from_db()
    assert [g.name for g in wren.groups.all()] == [WRITERS]
    assert not wren.is_superuser and not wren.is_staff


def test_a_writer_cannot_read_telegram_deliveries(client, newsroom_desk):
    for url in (reverse("telegramdelivery:index"), reverse("telegramdelivery:index") + "?q=x"):
        assert refused(client.get(url)), url
