"""Drafts are seen outside the admin only through a preview link an editor shares."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.desk.models import PreviewShare
from broadsheet.desk.roles import EDITORS, WRITERS
from broadsheet.sections.factories import SectionPageFactory
from tests.conftest import newsroom_staff
from tests.desk.test_roles import add_url, article_form

pytestmark = pytest.mark.django_db
DRAFT_TITLE = "Coalition talks stall over the budget"


@pytest.fixture
def desk(db, client):
    people = newsroom_staff({"wren": WRITERS, "wade": WRITERS, "ed": EDITORS})
    people["section"] = SectionPageFactory(title="Politics", slug="politics")
    # A writer's draft, saved through the admin and never published.
    client.force_login(people["wren"])
    client.post(add_url(people["section"]), article_form())
    people["draft"] = ArticlePage.objects.get(slug="coalition-talks-stall")
    client.logout()
    return people


def share_link(client, user, page) -> str:
    client.force_login(user)
    response = client.post(reverse("desk_preview_shares", args=(page.pk,)))
    assert response.status_code == 200
    link = response.context["new_link"]
    client.logout()
    return link.removeprefix("http://testserver")


def test_wagtail_previews_stay_behind_the_sign_in(client, desk):
    """Anonymous visitors get the sign-in page for every admin preview, and 404 for the draft."""
    draft = desk["draft"]
    revision = draft.latest_revision
    for url in (
        reverse("wagtailadmin_pages:preview_on_edit", args=(draft.pk,)),
        reverse("wagtailadmin_pages:view_draft", args=(draft.pk,)),
        reverse("wagtailadmin_pages:revisions_view", args=(draft.pk, revision.pk)),
        reverse("wagtailadmin_pages:preview_on_add", args=("articles", "articlepage", draft.pk)),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("wagtailadmin_login")), url
    assert client.get("/politics/coalition-talks-stall/").status_code == 404


def test_an_editor_shares_the_latest_draft_by_link(client, desk):
    """Anyone with the link sees the draft as it stands, uncached, unindexed, without script."""
    link = share_link(client, desk["ed"], desk["draft"])
    draft = desk["draft"]
    draft.title = "Coalition talks resume after a night of calls"
    draft.save_revision(user=desk["ed"])

    response = client.get(link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Coalition talks resume after a night of calls" in html
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "script-src 'none'" in response.headers["Content-Security-Policy"]
    for header in ("Cache-Tag", "Surrogate-Key", "xkey", "ETag", "Last-Modified"):
        assert header not in response.headers, header
    assert "Set-Cookie" not in response.headers
    # The story itself is still unpublished.
    assert client.get("/politics/coalition-talks-stall/").status_code == 404


def test_a_live_story_link_shows_the_draft_and_readers_keep_the_published_version(client, desk):
    story = ArticlePageFactory(parent=desk["section"], title="Budget passes", slug="budget")
    link = share_link(client, desk["ed"], story)
    story.title = "Budget passes after a late vote"
    story.save_revision(user=desk["ed"])
    assert "Budget passes after a late vote" in client.get(link).content.decode()
    public = client.get("/politics/budget/").content.decode()
    assert "Budget passes after a late vote" not in public
    assert "Budget passes" in public


def test_links_expire(client, desk, settings):
    """A link opens the draft for PREVIEW_SHARE_MAX_AGE, then gives the site's 404."""
    settings.PREVIEW_SHARE_MAX_AGE = timedelta(hours=2)
    link = share_link(client, desk["ed"], desk["draft"])
    share = PreviewShare.objects.get()
    assert abs(share.expires_at - (timezone.now() + timedelta(hours=2))) < timedelta(minutes=1)
    assert client.get(link).status_code == 200
    # Two hours and a second later:
    PreviewShare.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(link)
    assert expired.status_code == 404
    assert DRAFT_TITLE not in expired.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:-4],
        lambda token: token + "x",
        lambda token: "0" * 43,
        lambda token: "%00" + token,
        lambda token: "..%2F..%2Fadmin",
        lambda token: "x" * 5000,
    ],
)
def test_a_tampered_link_is_not_found(client, desk, tamper):
    link = share_link(client, desk["ed"], desk["draft"])
    token = link.split("/")[-2]
    response = client.get(f"/preview/{tamper(token)}/")
    assert response.status_code == 404
    assert DRAFT_TITLE not in response.content.decode()


def test_an_editor_revokes_a_link(client, desk):
    link = share_link(client, desk["ed"], desk["draft"])
    other = share_link(client, desk["ed"], desk["draft"])
    share = PreviewShare.objects.order_by("pk").first()
    client.force_login(desk["ed"])
    listing = client.get(reverse("desk_preview_shares", args=(desk["draft"].pk,)))
    assert len(listing.context["shares"]) == 2
    # The token itself is never stored, so the list cannot show it again.
    assert link.split("/")[-2] not in listing.content.decode()
    revoked = client.post(reverse("desk_preview_share_revoke", args=(share.pk,)))
    assert revoked.status_code == 302
    client.logout()
    assert client.get(link).status_code == 404
    assert client.get(other).status_code == 200


def test_writers_cannot_share_or_revoke_preview_links(client, desk):
    """Sending a draft outside the newsroom is an editor's decision."""
    link = share_link(client, desk["ed"], desk["draft"])
    share = PreviewShare.objects.get()
    client.force_login(desk["wren"])  # the draft's own writer
    url = reverse("desk_preview_shares", args=(desk["draft"].pk,))
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    assert PreviewShare.objects.count() == 1
    client.post(reverse("desk_preview_share_revoke", args=(share.pk,)))
    share.refresh_from_db()
    assert share.revoked_at is None
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(desk["draft"].pk,)))
    assert "Share preview link" not in edit.content.decode()
    client.logout()
    assert client.get(link).status_code == 200


def test_editors_find_the_share_button_on_the_page(client, desk):
    client.force_login(desk["ed"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(desk["draft"].pk,)))
    assert reverse("desk_preview_shares", args=(desk["draft"].pk,)) in edit.content.decode()
    assert "Share preview link" in edit.content.decode()


def test_editors_preview_a_never_published_draft_in_the_admin(client, desk):
    """A draft with no publication time yet renders in preview (its markup is dated now)."""
    client.force_login(desk["ed"])
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=(desk["draft"].pk,)))
    assert response.status_code == 200
    assert DRAFT_TITLE in response.content.decode()
