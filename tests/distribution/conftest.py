import pytest

from broadsheet.distribution.telegram import client
from tests.fakes.telegram_bot_api import FakeBotApiServer


@pytest.fixture(scope="session")
def fake_bot_api_server():
    """The fake Bot API on a free loopback port, for the whole run."""
    server = FakeBotApiServer().start()
    yield server
    server.stop()


@pytest.fixture
def telegram(fake_bot_api_server, settings, monkeypatch):
    """A configured channel on the fake Bot API, empty at the start of the test."""
    api = fake_bot_api_server.api
    api.reset()
    settings.TELEGRAM_BOT_TOKEN = api.token
    settings.TELEGRAM_CHANNEL = api.channel
    settings.TELEGRAM_API_URL = fake_bot_api_server.url
    # Injected slow answers need not keep a test waiting 20 s.
    monkeypatch.setattr(client, "READ_TIMEOUT", 1.0)
    yield api
    api.reset()
