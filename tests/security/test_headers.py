"""Security headers on reader pages and the admin, read the way a browser gets them."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import sign_in_verified


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def reader_paths(newsroom):
    interview = newsroom.interview
    return [
        "/",
        newsroom.sections["politics"].url,
        interview.url,
        reverse("topics:detail", args=[newsroom.topics[0].slug]),
        "/search/?q=river",
        "/news/",
        "/no-such-page/",
    ]


def test_reader_pages_allow_no_script_and_no_framing(client, reader_paths):
    for path in reader_paths:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        csp = policy(response)
        assert csp["script-src"] == ["'none'"], path
        assert csp["default-src"] == ["'none'"], path
        assert csp["object-src"] == ["'none'"], path
        assert csp["frame-ancestors"] == ["'none'"], path
        assert csp["base-uri"] == ["'none'"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_the_admin_has_a_policy_of_its_own(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    csp = policy(response)
    # Wagtail's admin runs inline script; framing and plugins stay forbidden.
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]


def test_the_admin_loads_nothing_from_other_hosts(client, db):
    """Staff avatars are drawn by Wagtail, not fetched from Gravatar: the admin's policy refuses
    other hosts' images, and the fetch would tell a third party who works in the newsroom."""
    editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw-for-tests")
    editor.is_superuser = True
    editor.save()
    sign_in_verified(client, editor)
    html = client.get("/admin/").content.decode()
    assert 'class="avatar' in html
    assert "gravatar.com" not in html
