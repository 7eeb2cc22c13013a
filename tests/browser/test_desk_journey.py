from datetime import time
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from broadsheet.articles.models import ArticlePage
from broadsheet.desk.models import DeskSettings
from broadsheet.desk.roles import EDITORS, WRITERS, desk_roles_ensure
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import outlet_today

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
HEADLINE = "Night ferry service resumes after a two-year pause"


@pytest.fixture
def desk():
    groups = desk_roles_ensure()
    for name, group in (("wren", WRITERS), ("ed", EDITORS)):
        user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw-for-tests")
        user.groups.set([groups[group]])
    settings = DeskSettings.load()
    settings.active_from, settings.active_until = time(0), time(23, 59, 59)
    settings.interval_minutes = Decimal("0.05")
    # Paused, so the story waits on the queue screen until the editor resumes the desk.
    settings.queue_paused = True
    settings.save()
    return SectionPageFactory(title="Region", slug="region")


def log_in(open_page, username):
    page = open_page("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    expect(page.locator("main")).to_be_visible()
    return page


def test_writer_submits_editor_approves_into_the_queue_and_it_goes_live_at_its_slot(
    open_page, desk, desk_workers
):
    """Writer drafts and submits; editor approves into the queue; the worker releases it at its
    slot; readers see it first in Latest news and in the day's archive."""
    desk_workers().start()

    writer = log_in(open_page, "wren")
    writer.goto(f"/admin/pages/add/articles/articlepage/{desk.pk}/")
    writer.fill("#id_title", HEADLINE)
    writer.fill("#id_deck", "Islanders regain an evening crossing")
    writer.click("a[role=tab]:has-text('Promote'), button[role=tab]:has-text('Promote')")
    writer.fill("#id_slug", "night-ferry-resumes")
    writer.locator(".w-dropdown-button .w-dropdown__toggle").click()
    writer.click("button[name='action-submit']")
    expect(writer.locator(".messages")).to_contain_text("submitted")

    editor = log_in(open_page, "ed")
    story = ArticlePage.objects.get(slug="night-ferry-resumes")
    editor.goto(f"/admin/pages/{story.pk}/edit/")
    editor.locator(".w-dropdown-button .w-dropdown__toggle").click()
    editor.click("button:has-text('Approve into the release queue')")
    expect(editor.locator(".messages")).to_contain_text("has been updated")
    assert not ArticlePage.objects.get(pk=story.pk).live
    assert WorkflowState.objects.get(object_id=str(story.pk)).status == "approved"

    editor.goto("/admin/desk/queue/")
    expect(editor.locator("tr.queue-entry")).to_contain_text(HEADLINE)
    expect(editor.locator("tr.queue-entry time.queue-slot")).to_be_visible()
    editor.click("text=Resume the queue")

    # The worker releases the story at its slot; a reader reloading the front page sees it.
    reader = open_page("/")
    for _ in range(30):
        reader.goto("/")
        # Until the release the column is empty: count() does not wait for an item to appear
        # (text_content() would wait 30 s on a page that never changes).
        latest = reader.locator(".latest__headline")
        if latest.count() and latest.first.text_content() == HEADLINE:
            break
        reader.wait_for_timeout(500)
    expect(reader.locator(".latest__headline").first).to_have_text(HEADLINE)
    today = outlet_today()
    reader.goto(f"/news/{today:%Y/%m/%d}/")
    expect(reader.locator(".news-rows__headline").first).to_have_text(HEADLINE)
