import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from broadsheet.demo.accounts import demo_accounts_ensure


def printed_logins(output: str) -> dict[str, str]:
    logins = {}
    for line in output.splitlines():
        if " / " in line:
            username, password = line.split()[-3], line.split()[-1]
            logins[username] = password
    return logins


def test_demo_accounts_print_working_logins_and_keep_them(client, db, settings, tmp_path, capsys):
    """`make run` prints a working login per role, and the same ones on every run."""
    settings.VAR_DIR = tmp_path
    call_command("demo_accounts")
    output = capsys.readouterr().out
    logins = printed_logins(output)
    assert set(logins) == {"admin", "chief", "editor", "writer"}
    for username, password in logins.items():
        # Through the admin's sign-in form, as the newsroom signs in (and the rate limit sees).
        signed_in = client.post("/admin/login/", {"username": username, "password": password})
        assert signed_in.status_code == 302, username
        if username == "chief":
            # The chief editor's second step: the code the printed command gives.
            assert "demo_totp_code chief" in output
            call_command("demo_totp_code", "chief")
            code = capsys.readouterr().out.strip()
            verified = client.post(reverse("two_factor_verify"), {"code": code})
            assert verified.status_code == 302
        assert client.get("/admin/").status_code == 200
        client.logout()
    assert {login.username: login.password for login in demo_accounts_ensure()} == logins


def test_demo_roles_land_in_their_groups(db, settings, tmp_path):
    """Only the administrator is a superuser; the others work through their desk role."""
    settings.VAR_DIR = tmp_path
    demo_accounts_ensure()
    users = {user.username: user for user in get_user_model().objects.all()}
    assert users["admin"].is_superuser
    assert [g.name for g in users["chief"].groups.all()] == ["Chief editors"]
    assert [g.name for g in users["editor"].groups.all()] == ["Editors"]
    assert [g.name for g in users["writer"].groups.all()] == ["Writers"]
    assert not any(users[name].is_superuser for name in ("chief", "editor", "writer"))


def test_demo_codes_are_given_only_for_demo_authenticators(client, db, settings, tmp_path):
    """`demo_totp_code` gives no code for a real person's own authenticator."""
    settings.VAR_DIR = tmp_path
    demo_accounts_ensure()
    for username in ("editor", "nobody"):
        with pytest.raises(CommandError):
            call_command("demo_totp_code", username)
    # The chief editor replaces the demo authenticator with their own app: the demo's secret is
    # no longer theirs.
    chief = get_user_model().objects.get(username="chief")
    TOTPDevice.objects.filter(user=chief).update(key=random_hex(20))
    with pytest.raises(CommandError):
        call_command("demo_totp_code", "chief")
