from django.core.management import call_command

from broadsheet.demo.accounts import demo_accounts_ensure


def test_demo_accounts_print_working_logins_and_keep_them(client, db, settings, tmp_path, capsys):
    """`make run` prints a demo admin login that works, and the same one on every run."""
    settings.VAR_DIR = tmp_path
    call_command("demo_accounts")
    printed = capsys.readouterr().out
    login = next(line for line in printed.splitlines() if " admin / " in line)
    password = login.rsplit(" / ", 1)[1].strip()
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200
    assert demo_accounts_ensure()[0].password == password
