"""A small client for the Telegram Bot API: the calls the channel sync makes, and their errors.

Errors are sorted by what the caller may do next, following the Bot API's contract
(https://core.telegram.org/bots/api#making-requests and #responseparameters):
`TelegramRejected` (4xx: never repeat), `TelegramFlood` (429: repeat after `retry_after`) and
`TelegramUnavailable` (5xx, timeouts, network: repeat with backoff). An exception never carries
the bot token: requests puts the request URL, which contains it, in its error messages.
"""

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

logger = logging.getLogger("broadsheet.distribution.telegram")

# Tokens look like "123456789:AAH…" and travel in the path: https://api.telegram.org/bot<token>/…
# https://core.telegram.org/bots/api#authorizing-your-bot
TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{10,}")
SCRUBBED = "<bot-token>"

# Seconds to open the connection, then to wait for the answer. A photo upload is a few hundred
# kilobytes; Telegram answers well within this.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0


def token_scrub(text: str, token: str = "") -> str:
    """`text` with any bot token (the configured one, or anything shaped like one) masked."""
    if token:
        text = text.replace(token, SCRUBBED)
    return TOKEN_PATTERN.sub(SCRUBBED, text)


class TokenScrubFilter(logging.Filter):
    """Mask bot tokens in log records, such as urllib3's DEBUG line naming each request path."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = token_scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


class TelegramError(Exception):
    def __init__(self, description: str, *, error_code: int | None = None):
        super().__init__(description)
        self.description = description
        self.error_code = error_code


class TelegramRejected(TelegramError):
    """Telegram refused the request (4xx other than 429): repeating it would fail the same way."""


class TelegramFlood(TelegramError):
    """Flood control (429): the request was not carried out and may be repeated after a wait."""

    def __init__(self, description: str, *, retry_after: int, error_code: int = 429):
        super().__init__(description, error_code=error_code)
        self.retry_after = retry_after


class TelegramUnavailable(TelegramError):
    """A server error, a timeout or a network failure: worth repeating after a pause.

    `maybe_delivered` is True when the request may have reached Telegram and been carried out
    before the answer was lost (a read timeout, a dropped connection). It is False when the
    connection was never made, or when Telegram itself answered that the call failed.
    """

    def __init__(self, description: str, *, maybe_delivered: bool, error_code: int | None = None):
        super().__init__(description, error_code=error_code)
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True)
class Upload:
    """A file sent in the request body (multipart/form-data), as the Bot API's InputFile."""

    name: str
    content: bytes
    content_type: str = "image/jpeg"


class TelegramBot:
    """The Bot API at `api_url`, as the bot `token`. Tests point `api_url` at a fake server."""

    def __init__(
        self,
        *,
        token: str,
        api_url: str = "https://api.telegram.org",
        connect_timeout: float | None = None,
        read_timeout: float | None = None,
    ):
        self._token = token
        self.api_url = api_url.rstrip("/")
        self.timeout = (connect_timeout or CONNECT_TIMEOUT, read_timeout or READ_TIMEOUT)
        self.session = requests.Session()

    def call(self, method: str, params: dict[str, Any], files: dict[str, Upload] | None = None):
        """Call `method` and return its `result`, or raise a `TelegramError`."""
        data = {
            key: json.dumps(value) if isinstance(value, dict | list) else str(value)
            for key, value in params.items()
            if value is not None
        }
        multipart = {
            field: (upload.name, upload.content, upload.content_type)
            for field, upload in (files or {}).items()
        }
        url = f"{self.api_url}/bot{self._token}/{method}"
        try:
            response = self.session.post(
                url, data=data, files=multipart or None, timeout=self.timeout
            )
        except requests.RequestException as error:
            # `from None`: the original exception's message and traceback name the URL.
            raise self._network_error(method, error) from None
        return self._result(method, response)

    def _network_error(self, method: str, error: requests.RequestException) -> TelegramUnavailable:
        reason = getattr(error.args[0], "reason", None) if error.args else None
        never_sent = isinstance(error, requests.ConnectTimeout) or isinstance(
            reason, NewConnectionError
        )
        kind = "timed out" if isinstance(error, requests.Timeout) else "network error"
        description = token_scrub(f"{method}: {kind}: {error}", self._token)
        return TelegramUnavailable(description, maybe_delivered=not never_sent)

    def _result(self, method: str, response: requests.Response):
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.ok and body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code") or response.status_code
        description = token_scrub(
            str(body.get("description") or f"HTTP {response.status_code} {response.reason}"),
            self._token,
        )
        description = f"{method}: {description}"
        if code == 429:
            parameters = body.get("parameters") or {}
            retry_after = parameters.get("retry_after")
            if not isinstance(retry_after, int) or retry_after < 0:
                retry_after = 1
            raise TelegramFlood(description, retry_after=retry_after)
        if code >= 500:
            raise TelegramUnavailable(description, maybe_delivered=False, error_code=code)
        raise TelegramRejected(description, error_code=code)

    def send_message(self, *, chat_id: str, text: str) -> dict:
        return self.call("sendMessage", {"chat_id": chat_id, "text": text, "parse_mode": "HTML"})

    def send_photo(self, *, chat_id: str, photo: Upload, caption: str) -> dict:
        return self.call(
            "sendPhoto",
            {"chat_id": chat_id, "caption": caption, "parse_mode": "HTML"},
            files={"photo": photo},
        )

    def edit_message_text(self, *, chat_id: str, message_id: int, text: str) -> dict:
        return self.call(
            "editMessageText",
            {"chat_id": chat_id, "message_id": message_id, "text": text, "parse_mode": "HTML"},
        )

    def edit_message_caption(self, *, chat_id: str, message_id: int, caption: str) -> dict:
        return self.call(
            "editMessageCaption",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "caption": caption,
                "parse_mode": "HTML",
            },
        )

    def edit_message_media(
        self, *, chat_id: str, message_id: int, photo: Upload, caption: str
    ) -> dict:
        # The caption travels inside the new media: without it the post would lose its caption.
        media = {
            "type": "photo",
            "media": "attach://photo",
            "caption": caption,
            "parse_mode": "HTML",
        }
        return self.call(
            "editMessageMedia",
            {"chat_id": chat_id, "message_id": message_id, "media": media},
            files={"photo": photo},
        )

    def delete_message(self, *, chat_id: str, message_id: int) -> bool:
        return self.call("deleteMessage", {"chat_id": chat_id, "message_id": message_id})
