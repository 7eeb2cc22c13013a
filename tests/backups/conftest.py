import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from broadsheet.distribution.telegram import client
from tests.fakes.telegram_bot_api import FakeBotApiServer

ROOT = Path(__file__).resolve().parents[2]


def database_url(db: dict) -> str:
    """A database's settings as a DATABASE_URL, for a process started by a test."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"], safe="")
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def manage(*args: str, database: dict, media_root: Path, **env: str):
    """Run `manage.py` as an operator would, on `database` and `media_root`."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment = inherited | {
        "DATABASE_URL": database_url(database),
        "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
        "MEDIA_ROOT": str(media_root),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


class PostgresAdmin:
    """CREATE and DROP DATABASE, which cannot run inside the test's transaction."""

    def __init__(self):
        self.session = connection.copy()
        # The maintenance database: a template must have no one else connected.
        self.session.settings_dict["NAME"] = "postgres"

    def run(self, sql: str) -> None:
        with self.session.cursor() as cursor:
            cursor.execute(sql)

    def close(self) -> None:
        self.session.close()


def database_open(db: dict):
    """A connection of our own to another database of the test's vendor."""
    other = connection.copy()
    other.settings_dict.update(NAME=db["NAME"])
    return other


@pytest.fixture
def restored_database(request, tmp_path):
    """Settings of a database to restore into, with its own connection as `.connection`.

    "new" (the default): a brand-new SQLite file, or a new, empty PostgreSQL database.
    "migrated": a copy of the test database before the test adds anything, as `migrate` left it.
    """
    state = getattr(request, "param", "new")
    db = dict(connection.settings_dict)
    admin = None
    if connection.vendor == "sqlite":
        db["NAME"] = str(tmp_path / "restored" / "broadsheet.sqlite3")
        if state == "migrated":
            Path(db["NAME"]).parent.mkdir()
            source = sqlite3.connect(connection.settings_dict["NAME"])
            with closing(source), closing(sqlite3.connect(db["NAME"])) as target:
                source.backup(target)
    else:
        db["NAME"] = f"{connection.settings_dict['NAME']}_restored"
        name = connection.ops.quote_name(db["NAME"])
        admin = PostgresAdmin()
        admin.run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if state == "migrated":
            template = connection.ops.quote_name(connection.settings_dict["NAME"])
            connection.close()
            admin.run(f"CREATE DATABASE {name} TEMPLATE {template}")
        else:
            admin.run(f"CREATE DATABASE {name}")
    yield db
    if admin is not None:
        admin.run(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(db['NAME'])} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="session")
def fake_bot_api_server():
    server = FakeBotApiServer().start()
    yield server
    server.stop()


@pytest.fixture
def telegram(fake_bot_api_server, settings, monkeypatch):
    """The outlet's channel on the fake Bot API, so publishing leaves real delivery records."""
    api = fake_bot_api_server.api
    api.reset()
    settings.TELEGRAM_BOT_TOKEN = api.token
    settings.TELEGRAM_CHANNEL = api.channel
    settings.TELEGRAM_API_URL = fake_bot_api_server.url
    monkeypatch.setattr(client, "READ_TIMEOUT", 1.0)
    yield api
    api.reset()
