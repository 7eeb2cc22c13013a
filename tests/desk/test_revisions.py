import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.sections.factories import SectionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def story_with_history(client):
    client.force_login(get_user_model().objects.create_superuser("chief", "c@example.org", "pw"))
    story = ArticlePageFactory(
        parent=SectionPageFactory(),
        title="Harbour reopens",
        body=[("paragraph", "<p>The harbour reopened at dawn.</p>")],
    )
    first = story.latest_revision
    story.body = [("paragraph", "<p>The harbour reopened at noon.</p>")]
    story.save_revision().publish()
    return story, first, story.latest_revision


def test_revisions_of_an_article_compare_body_changes(client, story_with_history):
    """Comparing two revisions shows what changed in the StreamField body."""
    story, first, second = story_with_history
    url = reverse("wagtailadmin_pages:revisions_compare", args=(story.pk, first.pk, second.pk))
    response = client.get(url)
    assert response.status_code == 200
    assert "dawn" in response.content.decode() and "noon" in response.content.decode()


def test_an_article_can_be_rolled_back_to_an_earlier_revision(client, story_with_history):
    """Reverting opens the editor with the earlier body, ready to publish."""
    story, first, _ = story_with_history
    url = reverse("wagtailadmin_pages:revisions_revert", args=(story.pk, first.pk))
    response = client.get(url)
    assert response.status_code == 200
    assert "reopened at dawn" in response.content.decode()


def test_an_article_can_be_locked_while_someone_edits_it(client, story_with_history):
    """Locking an article stops others editing it until it is unlocked."""
    story, _, _ = story_with_history
    client.post(reverse("wagtailadmin_pages:lock", args=(story.pk,)))
    story.refresh_from_db()
    assert story.locked
    client.post(reverse("wagtailadmin_pages:unlock", args=(story.pk,)))
    story.refresh_from_db()
    assert not story.locked
