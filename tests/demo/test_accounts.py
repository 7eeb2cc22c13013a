from django.contrib.auth import get_user_model
from django.core.management import call_command

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
    logins = printed_logins(capsys.readouterr().out)
    assert set(logins) == {"admin", "chief", "editor", "writer"}
    for username, password in logins.items():
        # Through the admin's sign-in form, as the newsroom signs in (and the rate limit sees).
        signed_in = client.post("/admin/login/", {"username": username, "password": password})
        assert signed_in.status_code == 302, username
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
