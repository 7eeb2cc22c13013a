from datetime import time

import pytest
from django.urls import reverse
from wagtail.models import Site, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from broadsheet.articles.models import ArticlePage
from broadsheet.desk.models import DeskSettings, QueueEntry
from broadsheet.desk.queue import queue_entry_add, queue_release_due
from broadsheet.desk.roles import CHIEF_EDITORS, EDITORS, WRITERS, desk_roles_ensure
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import newsroom_staff, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    # The queue releases only inside the desk's active hours (by default 09:00-22:00 in the
    # outlet's zone): open them all day, whatever the hour the suite runs at.
    hours = DeskSettings.load()
    hours.active_from, hours.active_until = time(0), time(23, 59, 59)
    hours.save()
    people = newsroom_staff({"wren": WRITERS, "ed": EDITORS, "cora": CHIEF_EDITORS})
    people["section"] = SectionPageFactory(title="Politics", slug="politics")
    return people


def article_form(**actions):
    return nested_form_data(
        {
            "title": "Coalition talks stall over the budget",
            "slug": "coalition-talks-stall",
            "deck": "",
            "kind": "news",
            "label": "",
            "second_line": "",
            "bylines": inline_formset([]),
            "corrections": inline_formset([]),
            "read_also_choices": inline_formset([]),
            "body": streamfield([("paragraph", rich_text("<p>Talks broke off at noon.</p>"))]),
            **actions,
        }
    )


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=("articles", "articlepage", section.pk))


def test_writer_can_draft_and_submit_but_not_publish(client, desk):
    """A writer's story goes to review, never straight to readers."""
    client.force_login(desk["wren"])
    client.post(add_url(desk["section"]), article_form(**{"action-publish": "publish"}))
    story = ArticlePage.objects.get(slug="coalition-talks-stall")
    assert not story.live
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(story.pk,)),
        article_form(**{"action-submit": "submit"}),
    )
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Editor approval"
    assert client.get("/politics/coalition-talks-stall/").status_code == 404


def test_editor_approves_a_submitted_story_and_it_goes_live(client, desk):
    """An editor's approval of a submitted story publishes it."""
    client.force_login(desk["wren"])
    client.post(add_url(desk["section"]), article_form(**{"action-submit": "submit"}))
    story = ArticlePage.objects.get(slug="coalition-talks-stall")
    task_state = WorkflowState.objects.get(object_id=str(story.pk)).current_task_state

    client.force_login(desk["ed"])
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "approve", task_state.pk)),
        {"comment": "Good to go"},
    )
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert story.live
    assert client.get("/politics/coalition-talks-stall/").status_code == 200


def submitted_story(client, desk):
    client.force_login(desk["wren"])
    client.post(add_url(desk["section"]), article_form(**{"action-submit": "submit"}))
    story = ArticlePage.objects.get(slug="coalition-talks-stall")
    return story, WorkflowState.objects.get(object_id=str(story.pk)).current_task_state


def test_editor_approves_into_the_queue_and_the_story_waits_for_its_slot(client, desk):
    """Approving into the release queue ends the review without publishing; the slot does."""
    story, task_state = submitted_story(client, desk)
    client.force_login(desk["ed"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    assert "Approve into the release queue" in edit

    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action", args=(story.pk, "approve_queue", task_state.pk)
        )
    )
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    assert not story.live
    assert WorkflowState.objects.get(pk=task_state.workflow_state_id).status == "approved"
    entry = QueueEntry.objects.get(article=story, released_at=None)
    assert entry.queued_by == desk["ed"]

    assert queue_release_due() == [entry.pk]
    story.refresh_from_db()
    assert story.live
    assert client.get("/politics/coalition-talks-stall/").status_code == 200


def test_plain_approval_of_a_queued_story_publishes_it_once_and_empties_its_slot(client, desk):
    """A queued story approved with "Approve" goes out now and does not go out again later."""
    story, task_state = submitted_story(client, desk)
    queue_entry_add(article=story, user=desk["ed"])
    client.force_login(desk["ed"])
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "approve", task_state.pk))
    )
    story.refresh_from_db()
    assert story.live
    assert not QueueEntry.objects.filter(article=story).exists()
    assert queue_release_due() == []


def test_writers_are_not_offered_queue_approval(client, desk):
    """Only reviewers see the review actions; a writer's own story offers none."""
    story, _ = submitted_story(client, desk)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    assert "Approve into the release queue" not in edit


def test_editor_requests_changes_with_a_comment(client, desk):
    """An editor can send a story back to its writer with a comment; it stays unpublished."""
    client.force_login(desk["wren"])
    client.post(add_url(desk["section"]), article_form(**{"action-submit": "submit"}))
    story = ArticlePage.objects.get(slug="coalition-talks-stall")
    task_state = WorkflowState.objects.get(object_id=str(story.pk)).current_task_state

    client.force_login(desk["ed"])
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "reject", task_state.pk)),
        {"comment": "Needs a second source"},
    )
    state = WorkflowState.objects.get(object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    task_state.refresh_from_db()
    assert task_state.comment == "Needs a second source"
    story.refresh_from_db()
    assert not story.live


def test_only_the_chief_editor_runs_outlet_settings(client, desk):
    """Site settings belong to the chief editor, not to editors or writers."""
    url = f"/admin/settings/core/outletsettings/{Site.objects.get(is_default_site=True).pk}/"
    for name, allowed in (("wren", False), ("ed", False), ("cora", True)):
        sign_in_verified(client, desk[name])
        assert (client.get(url).status_code == 200) is allowed, name


def test_roles_can_be_ensured_again_without_duplicates(desk):
    """Re-running the role setup (every `make run`) changes nothing."""
    before = {name: set(group.permissions.all()) for name, group in desk_roles_ensure().items()}
    after = {name: set(group.permissions.all()) for name, group in desk_roles_ensure().items()}
    assert before == after


def test_editors_follow_telegram_deliveries_but_writers_do_not(client, desk):
    """The channel's delivery records are on the desk's screens, not the writers'."""
    url = reverse("telegramdelivery:index")
    for name, allowed in (("wren", False), ("ed", True), ("cora", True)):
        sign_in_verified(client, desk[name])
        assert (client.get(url).status_code == 200) is allowed, name
