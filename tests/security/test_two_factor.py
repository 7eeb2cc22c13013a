"""Two-step sign-in: codes from an authenticator app after the password (django-otp TOTP)."""

import re
import time
from base64 import b32encode
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from broadsheet.desk.roles import CHIEF_EDITORS, EDITORS
from tests.conftest import newsroom_staff

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"  # noqa: S105


@pytest.fixture
def staff(db):
    return newsroom_staff({"ed": EDITORS, "cora": CHIEF_EDITORS}, password=PASSWORD)


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows now, or that many 30-second steps later."""
    device.refresh_from_db()
    otp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    otp.time = time.time() + steps_ahead * device.step
    return f"{otp.token():0{device.digits}d}"


def sign_in(client, username, password=PASSWORD):
    return client.post("/admin/login/", {"username": username, "password": password})


def sign_out(client):
    client.post(reverse("wagtailadmin_logout"))


def enrol(client, user) -> TOTPDevice:
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post(reverse("two_factor_enrol"), {"code": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def wait_out_throttle(device):
    """django-otp makes the next try wait 1, 2, 4 ... seconds after wrong codes."""
    device.refresh_from_db()
    time.sleep(2 ** (device.throttling_failure_count - 1) + 0.05)


def test_staff_enrol_then_every_sign_in_asks_for_a_code(client, staff, settings):
    """An editor turns two-step sign-in on; from then on the password alone opens nothing."""
    assert sign_in(client, "ed").status_code == 302
    assert client.get("/admin/").status_code == 200  # optional for editors until they enrol

    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code, inline
    device = TOTPDevice.objects.get(user=staff["ed"], confirmed=False)
    # The key, for typing into the app by hand, in the base32 that apps ask for.
    assert b32encode(device.bin_key).decode() in page
    wrong = client.post(reverse("two_factor_enrol"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "did not match" in wrong.content.decode()
    wait_out_throttle(device)
    assert client.post(reverse("two_factor_enrol"), {"code": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    sign_out(client)

    assert sign_in(client, "ed").status_code == 302
    asked = client.get("/admin/pages/")
    assert asked.status_code == 302
    assert asked.url == f"{reverse('two_factor_verify')}?next=/admin/pages/"
    form = client.get(asked.url).content.decode()
    assert "Enter your sign-in code" in form

    # A pause after a wrong code that no slow machine outlasts between the next two requests
    # (django-otp's default is 1 s after the first).
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    wrong = client.post(asked.url, {"code": "123456" if code(device) != "123456" else "654321"})
    assert wrong.status_code == 200
    assert "did not match" in wrong.content.decode()
    assert re.search(r"Wait (60|[1-5]\d) s before the next try", wrong.content.decode())
    assert client.get("/admin/").status_code == 302  # still held at the second step
    # Even the right code waits until django-otp's pause after a wrong one is over.
    hurried = client.post(asked.url, {"code": code(device, steps_ahead=1)})
    assert re.search(r"Too many wrong codes: wait (60|[1-5]\d) s", hurried.content.decode())

    # The pause over, as if a minute had passed since the wrong code:
    device.refresh_from_db()
    device.throttling_failure_timestamp -= timedelta(seconds=60)
    device.save(update_fields=["throttling_failure_timestamp"])
    verified = client.post(asked.url, {"code": code(device, steps_ahead=1)})
    assert verified.status_code == 302
    assert verified.url == "/admin/pages/"
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Dashboard" in dashboard.content.decode()


def test_a_used_code_does_not_open_a_second_session(client, staff):
    """Replaying a code that was already accepted fails, even with the right password."""
    sign_in(client, "ed")
    device = enrol(client, staff["ed"])
    sign_out(client)
    sign_in(client, "ed")
    used = code(device, steps_ahead=1)
    assert client.post(reverse("two_factor_verify"), {"code": used}).status_code == 302
    sign_out(client)

    sign_in(client, "ed")
    replayed = client.post(reverse("two_factor_verify"), {"code": used})
    assert replayed.status_code == 200
    assert "already used" in replayed.content.decode()
    assert client.get("/admin/").status_code == 302


def test_chief_editor_without_a_device_is_confined_to_enrolment(client, staff):
    """A chief editor's password opens only the page that sets up the authenticator."""
    assert sign_in(client, "cora").status_code == 302
    site_settings = "/admin/settings/core/outletsettings/1/"
    for path in ("/admin/", "/admin/pages/", "/admin/users/", site_settings, "/admin/account/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("two_factor_enrol")), path
    # Nor can a chief editor turn it off, or skip it by asking for the code page.
    assert client.post(reverse("two_factor_disable")).status_code == 302
    assert client.get(reverse("two_factor_verify")).url.startswith(reverse("two_factor_enrol"))
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "Chief editors sign in with a code" in page

    enrol(client, staff["cora"])
    assert client.get("/admin/users/").status_code == 200
    # Wagtail answers a refused admin action with a redirect and its "no permission" message.
    refused = client.post(reverse("two_factor_disable"), follow=True)
    assert "do not have permission" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=staff["cora"], confirmed=True).exists()


def test_a_confirmed_device_cannot_be_replaced_before_its_code(client, staff):
    """With only the password, nobody can swap in an authenticator of their own."""
    sign_in(client, "ed")
    enrol(client, staff["ed"])
    sign_out(client)
    sign_in(client, "ed")
    response = client.get(reverse("two_factor_enrol"))
    assert response.url.startswith(reverse("two_factor_verify"))
    assert client.post(reverse("two_factor_disable")).status_code == 302
    assert TOTPDevice.objects.filter(user=staff["ed"], confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=staff["ed"], confirmed=False).exists()


def test_editors_may_turn_two_step_sign_in_off(client, staff):
    sign_in(client, "ed")
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert f'href="{reverse("two_factor_enrol")}"' in account  # Account → More actions
    enrol(client, staff["ed"])
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "Two-step sign-in is on" in page
    assert client.post(reverse("two_factor_disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=staff["ed"]).exists()
    sign_out(client)
    sign_in(client, "ed")
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, staff, settings):
    """Guessing codes counts toward the django-axes limit: the account is paused, signed out."""
    sign_in(client, "ed")
    enrol(client, staff["ed"])
    sign_out(client)
    sign_in(client, "ed")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        guess = client.post(reverse("two_factor_verify"), {"code": f"{attempt:06d}"})
        assert guess.status_code == 200, attempt
    locked = client.post(reverse("two_factor_verify"), {"code": "999999"})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert client.get("/admin/").url.startswith(reverse("wagtailadmin_login"))
    assert sign_in(client, "ed").status_code == 429


@pytest.mark.parametrize("typed", ["", "abcdef", "12345", "1234567", "12 34 56", "１２３４５６"])
def test_a_malformed_code_is_a_form_error(client, staff, typed):
    sign_in(client, "ed")
    enrol(client, staff["ed"])
    sign_out(client)
    sign_in(client, "ed")
    response = client.post(reverse("two_factor_verify"), {"code": typed})
    assert response.status_code == 200
    assert "Enter the 6 digits" in response.content.decode() or "required" in (
        response.content.decode()
    )


def test_the_code_page_sends_people_only_to_this_site(client, staff):
    sign_in(client, "ed")
    device = enrol(client, staff["ed"])
    sign_out(client)
    sign_in(client, "ed")
    response = client.post(
        reverse("two_factor_verify") + "?next=https://evil.example/",
        {"code": code(device, steps_ahead=1)},
    )
    assert response.url == "/admin/"


def test_the_enrolment_qr_code_is_allowed_by_the_admin_policy(client, staff):
    """The QR code is a data: image; the admin CSP lets images from data: in, scripts stay out."""
    sign_in(client, "cora")
    response = client.get(reverse("two_factor_enrol"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert "data:" in directives["img-src"]
    assert "data:" not in directives["script-src"]


def test_a_lost_phone_is_reset_from_the_command_line(client, staff):
    """`two_factor_reset` removes the authenticator; the chief editor sets up a new one."""
    sign_in(client, "cora")
    old = enrol(client, staff["cora"])
    sign_out(client)
    out = StringIO()
    call_command("two_factor_reset", "cora", stdout=out)
    assert "Removed 1" in out.getvalue()
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    sign_in(client, "cora")
    assert client.get("/admin/").url.startswith(reverse("two_factor_enrol"))
    with pytest.raises(CommandError):
        call_command("two_factor_reset", "nobody")
