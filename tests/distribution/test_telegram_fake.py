"""The fake Bot API holds clients to the official specification, over real HTTP."""

import requests

FORM = "application/x-www-form-urlencoded"


def call(server, method, token=None, **params):
    token = token or server.api.token
    return requests.post(f"{server.url}/bot{token}/{method}", data=params, timeout=5).json()


def test_the_token_in_the_path_is_checked(fake_bot_api_server, telegram):
    """A wrong token gets 401 Unauthorized, as Telegram answers."""
    someone_else = "1:wrong"
    body = call(fake_bot_api_server, "getMe", token=someone_else)
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_required_fields_types_and_limits_come_from_the_specification(
    fake_bot_api_server, telegram
):
    """Missing, mistyped and over-long fields are refused with 400 and Telegram's wording."""
    server, chat = fake_bot_api_server, telegram.channel
    assert call(server, "sendMessage", chat_id=chat)["description"] == (
        "Bad Request: message text is empty"
    )
    assert (
        "invalid disable_notification"
        in call(server, "sendMessage", chat_id=chat, text="x", disable_notification="maybe")[
            "description"
        ]
    )
    too_long = call(server, "sendMessage", chat_id=chat, text="x" * 4097)
    assert too_long == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message is too long",
    }
    assert call(server, "sendMessage", chat_id=chat, text="x" * 4096)["ok"]
    assert call(server, "deleteMessage", chat_id=chat, message_id="one")["error_code"] == 400
    assert call(server, "editMessageText", text="x")["description"].endswith("is empty")


def test_lengths_are_counted_after_html_parsing(fake_bot_api_server, telegram):
    """4,096 visible characters pass however long their markup; bad markup is refused."""
    server, chat = fake_bot_api_server, telegram.channel
    body = call(server, "sendMessage", chat_id=chat, text="&amp;" * 4096, parse_mode="HTML")
    assert body["ok"] and body["result"]["text"] == "&" * 4096
    assert (
        "can't parse entities"
        in call(server, "sendMessage", chat_id=chat, text="R&D", parse_mode="HTML")["description"]
    )
    assert (
        "Unsupported start tag"
        in call(server, "sendMessage", chat_id=chat, text="<p>x</p>", parse_mode="HTML")[
            "description"
        ]
    )


def test_faults_are_injected_for_the_next_calls(fake_bot_api_server, telegram):
    """429 carries retry_after in parameters; the call after the faults goes through."""
    telegram.inject(count=1, status=429, retry_after=7)
    telegram.inject(count=1, status=502)
    server, chat = fake_bot_api_server, telegram.channel
    assert call(server, "sendMessage", chat_id=chat, text="x") == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert call(server, "sendMessage", chat_id=chat, text="x")["error_code"] == 502
    assert call(server, "sendMessage", chat_id=chat, text="x")["ok"]
    assert [p["text"] for p in telegram.channel_posts()] == ["x"]


def test_the_fake_can_be_driven_over_http(fake_bot_api_server, telegram):
    """The standalone fake's control endpoints: inject faults, read the channel, reset."""
    base = fake_bot_api_server.url
    requests.post(f"{base}/_fake/faults", json={"count": 1, "status": 500}, timeout=5)
    assert (
        call(fake_bot_api_server, "sendMessage", chat_id=telegram.channel, text="a")["error_code"]
        == 500
    )
    call(fake_bot_api_server, "sendMessage", chat_id=telegram.channel, text="b")
    state = requests.get(f"{base}/_fake/state", timeout=5).json()
    assert [m["text"] for m in state["messages"]] == ["b"]
    requests.post(f"{base}/_fake/reset", timeout=5)
    assert requests.get(f"{base}/_fake/state", timeout=5).json()["messages"] == []
