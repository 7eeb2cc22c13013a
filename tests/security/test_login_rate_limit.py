"""Admin sign-in is rate-limited per account and per address (django-axes)."""

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.fixture
def staff(db):
    User = get_user_model()
    return {
        name: User.objects.create_superuser(name, f"{name}@example.org", PASSWORD)
        for name in ("chief", "editor")
    }


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_account_is_paused_after_repeated_failures(client, staff, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        # From a new address each time: the account itself is what is being guessed at.
        response = sign_in(client, "chief", f"guess-{attempt}", address=f"198.51.100.{attempt}")
        assert response.status_code == 200  # the form again, with its error
    # The failure that reaches the limit pauses the account at once, and so does the next try,
    # right password or not.
    assert sign_in(client, "chief", "one-more-guess", address="198.51.100.99").status_code == 429
    refused = sign_in(client, "chief", PASSWORD, address="203.0.113.50")
    assert refused.status_code == 429
    assert b"Too many sign-in attempts" in refused.content
    assert b"15 minutes" in refused.content
    assert client.get("/admin/").status_code == 302  # still signed out
    # Another account is not affected.
    assert sign_in(client, "editor", PASSWORD, address="203.0.113.50").status_code == 302


def test_an_address_is_paused_after_failures_across_accounts(client, staff, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}@example.org", "password1", address="198.51.100.200")
    assert sign_in(client, "editor", PASSWORD, address="198.51.100.200").status_code == 429
    assert sign_in(client, "editor", PASSWORD, address="192.0.2.99").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, staff, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "chief", f"typo-{attempt}")
    assert sign_in(client, "chief", PASSWORD).status_code == 302
    client.logout()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "chief", f"typo-again-{attempt}").status_code == 200
    assert sign_in(client, "chief", PASSWORD).status_code == 302
