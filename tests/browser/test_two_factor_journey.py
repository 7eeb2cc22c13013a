"""A chief editor's first sign-in: password, then setting up an authenticator app, then a code."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from playwright.sync_api import expect

from broadsheet.desk.roles import CHIEF_EDITORS, desk_roles_ensure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "pw-for-tests"  # noqa: S105

WATCH_VIOLATIONS = """() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
}"""


@pytest.fixture
def chief_editor():
    group = desk_roles_ensure()[CHIEF_EDITORS]
    user = get_user_model().objects.create_user("cora", "cora@example.org", PASSWORD)
    user.groups.set([group])
    return user


def sign_in(page):
    page.goto("/admin/login/")
    page.fill("#id_username", "cora")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_chief_editor_sets_up_an_authenticator_then_signs_in_with_codes(open_page, chief_editor):
    page = open_page("about:blank")
    page.add_init_script(f"({WATCH_VIOLATIONS})()")
    sign_in(page)
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")

    # The QR code is shown (the admin's policy allows data: images), and so is the key.
    qr = page.locator("img.two-factor-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("window.__violations") == []
    key = b32decode(page.locator(".two-factor-secret").inner_text())

    # Nothing else in the admin opens yet.
    page.goto("/admin/pages/")
    expect(page.locator("h1")).to_have_text("Set up two-step sign-in")

    page.fill("#id_code", f"{totp(key):06d}")
    page.click("button:has-text('Turn on two-step sign-in')")
    expect(page.locator(".messages")).to_contain_text("Two-step sign-in is on")
    assert "/admin/pages/" in page.url  # where the chief editor was going

    # Another day, another browser: the password, then a code.
    page.context.clear_cookies()
    sign_in(page)
    expect(page.locator("h1")).to_have_text("Enter your sign-in code")
    page.fill("#id_code", "000000" if totp(key) else "111111")
    page.click("button:has-text('Continue')")
    expect(page.locator(".messages")).to_contain_text("did not match")
    # The app's next code, after django-otp's one-second pause for the wrong one.
    page.wait_for_timeout(1100)
    page.fill("#id_code", f"{totp(key, t0=-30):06d}")
    page.click("button:has-text('Continue')")
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("h1")).to_contain_text("Broadsheet")  # the dashboard
