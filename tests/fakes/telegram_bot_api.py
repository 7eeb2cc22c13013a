"""A fake Telegram Bot API on loopback, for tests and soak runs: real HTTP, real validation.

Requests are checked against the official method specification (`api.json`, the Bot API's
methods and types as published at https://core.telegram.org/bots/api): the token in the path
(`/bot<token>/<method>`), required fields, field types (Integer, String, Boolean, InputFile,
JSON-serialised objects and arrays) and the "N-M characters after entities parsing" limits,
counted after parsing `parse_mode=HTML` the way Telegram does. Answers have the real shapes:
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": 400, "description": ...}`.

The fake keeps one channel's messages, so a test can see what readers of the channel would see,
and injects faults for the next N calls: 429 with `retry_after`, 5xx, and slow answers (a delay
beyond the client's timeout), either after carrying the call out or without doing so.

Standalone: `python -m tests.fakes.telegram_bot_api --port 8081`, then point TELEGRAM_API_URL at
http://127.0.0.1:8081. Control it over HTTP: `GET /_fake/state`, `POST /_fake/faults` with
`{"count": 3, "status": 429, "retry_after": 2}` (or `"status": 502`, or `"delay": 30,
"process": true`, optional `"methods": ["sendPhoto"]`), `POST /_fake/reset`.
"""

import argparse
import email.parser
import email.policy
import hashlib
import io
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared/reference/specs/telegram/api.json"
DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"  # noqa: S105 (made up)
DEFAULT_CHANNEL = "@broadsheet_test"
DEFAULT_CHANNEL_ID = -1001234567890
# "text: 1-4096 characters after entities parsing", "caption: 0-1024 characters after …"
LENGTH_LIMIT = re.compile(r"(\d+)-(\d+) characters after entit(?:y|ies) parsing")
REQUIRED_UNLESS = re.compile(
    r"Required if (\w+)(?: and \w+)? (?:is|are) not specified|required if (\w+) isn't specified",
    re.IGNORECASE,
)
# https://core.telegram.org/bots/api#html-style
HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>"
)
ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
URL = re.compile(r"https?://[^\s<>\"]+")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    def __init__(self, description: str, code: int = 400, parameters: dict | None = None):
        super().__init__(description)
        self.description, self.code, self.parameters = description, code, parameters


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Telegram's HTML mode: the plain text readers see, and its entities (UTF-16 offsets)."""
    plain: list[str] = []
    entities: list[dict] = []
    stack: list[tuple[str, int, dict]] = []
    position = 0
    offset = 0  # UTF-16 units of plain text so far
    while position < len(text):
        character = text[position]
        if character == "<":
            tag = TAG.match(text, position)
            if not tag:
                raise ApiError(
                    f"Bad Request: can't parse entities: Unexpected character '<' at byte "
                    f"offset {len(text[:position].encode())}"
                )
            closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name not in HTML_TAGS:
                raise ApiError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte '
                    f"offset {len(text[:position].encode())}"
                )
            if closing:
                if not stack or stack[-1][0] != name:
                    raise ApiError(
                        f"Bad Request: can't parse entities: Unmatched end tag at byte offset "
                        f'{len(text[:position].encode())}, expected "</{stack[-1][0]}>", found '
                        f'"</{name}>"'
                        if stack
                        else f'Bad Request: can\'t parse entities: Unexpected end tag "{name}"'
                    )
                opened, start, extra = stack.pop()
                if offset > start:
                    entities.append(
                        {"type": HTML_TAGS[opened], "offset": start, "length": offset - start}
                        | extra
                    )
            else:
                values = {
                    match.group(1).lower(): match.group(2) or match.group(3) or match.group(4) or ""
                    for match in ATTRIBUTE.finditer(attributes)
                }
                extra = {"url": values["href"]} if name == "a" and "href" in values else {}
                if name == "span" and values.get("class") != "tg-spoiler":
                    raise ApiError(
                        'Bad Request: can\'t parse entities: Unsupported start tag "span"'
                    )
                stack.append((name, offset, extra))
            position = tag.end()
            continue
        if character == "&":
            entity = ENTITY.match(text, position)
            if not entity:
                raise ApiError(
                    "Bad Request: can't parse entities: Character '&' is reserved and must be "
                    f"escaped as &amp; (byte offset {len(text[:position].encode())})"
                )
            name = entity.group(1)
            if name.startswith("#x"):
                decoded = chr(int(name[2:], 16))
            elif name.startswith("#"):
                decoded = chr(int(name[1:]))
            else:
                decoded = NAMED[name]
            plain.append(decoded)
            offset += utf16_length(decoded)
            position = entity.end()
            continue
        if character == ">":
            raise ApiError(
                "Bad Request: can't parse entities: Character '>' must be escaped as &gt; "
                f"(byte offset {len(text[:position].encode())})"
            )
        plain.append(character)
        offset += utf16_length(character)
        position += 1
    if stack:
        raise ApiError(
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1][0]}"'
        )
    result = "".join(plain)
    for match in URL.finditer(result):
        entities.append(
            {
                "type": "url",
                "offset": utf16_length(result[: match.start()]),
                "length": utf16_length(match.group()),
            }
        )
    return result, sorted(entities, key=lambda e: (e["offset"], -e["length"]))


@dataclass
class Upload:
    filename: str
    content: bytes
    content_type: str


@dataclass
class Fault:
    count: int
    status: int | None = None
    retry_after: int | None = None
    delay: float = 0.0
    process: bool = False
    methods: set[str] | None = None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: list[str]
    at: float  # time.monotonic()
    status: int = 200
    description: str = ""


@dataclass
class Spec:
    methods: dict[str, dict]
    types: dict[str, dict]

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> "Spec":
        data = json.loads(Path(path).read_text())
        return cls(methods=data["methods"], types=data["types"])


@dataclass
class FakeBotApi:
    """The state behind the server: one bot, one channel, its messages, faults and a call log."""

    token: str = DEFAULT_TOKEN
    channel: str = DEFAULT_CHANNEL
    channel_id: int = DEFAULT_CHANNEL_ID
    spec: Spec = field(default_factory=Spec.load)
    messages: dict[int, dict] = field(default_factory=dict)
    deleted: list[dict] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    next_message_id: int = 1
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- what a test asks -------------------------------------------------------------------

    def channel_posts(self) -> list[dict]:
        """The channel as readers see it: current messages, oldest first."""
        with self.lock:
            return [self.messages[key] for key in sorted(self.messages)]

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def inject(
        self,
        *,
        count: int = 1,
        status: int | None = None,
        retry_after: int | None = None,
        delay: float = 0.0,
        process: bool = False,
        methods: list[str] | None = None,
    ) -> None:
        """Make the next `count` calls (to `methods`, or any) fail or answer late."""
        with self.lock:
            self.faults.append(
                Fault(count, status, retry_after, delay, process, set(methods) if methods else None)
            )

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.deleted.clear()
            self.calls.clear()
            self.faults.clear()
            self.files.clear()
            self.next_message_id = 1

    def state(self) -> dict:
        with self.lock:
            return {
                "channel": {"username": self.channel, "id": self.channel_id},
                "messages": self.channel_posts(),
                "deleted": list(self.deleted),
                "calls": [
                    {"method": c.method, "status": c.status, "description": c.description}
                    for c in self.calls
                ],
            }

    # --- requests ---------------------------------------------------------------------------

    def _take_fault(self, method: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.count > 0 and (fault.methods is None or method in fault.methods):
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def handle(self, method: str, params: dict, files: dict[str, Upload]) -> tuple[int, dict]:
        """Answer one call: (HTTP status, JSON body)."""
        call = Call(method, dict(params), sorted(files), time.monotonic())
        with self.lock:
            self.calls.append(call)
        fault = self._take_fault(method)
        status, body = 200, {}
        if fault and fault.status == 429:
            retry_after = fault.retry_after or 1
            status, body = (
                429,
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry_after}",
                    "parameters": {"retry_after": retry_after},
                },
            )
        elif fault and fault.status:
            reason = HTTPStatus(fault.status).phrase
            status, body = (
                fault.status,
                {
                    "ok": False,
                    "error_code": fault.status,
                    "description": reason,
                },
            )
        if not body and (not fault or not fault.delay or fault.process):
            try:
                body = {"ok": True, "result": self._perform(method, params, files)}
            except ApiError as error:
                status = error.code
                body = {"ok": False, "error_code": error.code, "description": error.description}
                if error.parameters:
                    body["parameters"] = error.parameters
        if fault and fault.delay:
            time.sleep(fault.delay)
            if not body:
                status, body = (
                    504,
                    {"ok": False, "error_code": 504, "description": "Gateway Timeout"},
                )
        call.status, call.description = status, body.get("description", "")
        return status, body

    def _perform(self, method: str, params: dict, files: dict[str, Upload]):
        spec = self.spec.methods.get(method)
        if spec is None:
            raise ApiError("Not Found", 404)
        values = self._validate(spec.get("fields", []), params, files, where="")
        action = getattr(self, f"_do_{method}", None)
        if action is None:
            raise ApiError(f"Bad Request: the fake Bot API does not carry out {method}")
        with self.lock:
            return action(values, files)

    # --- validation from the specification ---------------------------------------------------

    def _validate(self, fields: list[dict], params: dict, files: dict, *, where: str) -> dict:
        values: dict[str, Any] = {}
        for spec_field in fields:
            name = spec_field["name"]
            present = name in params or name in files
            if not present:
                if self._required(spec_field, params, files):
                    if name == "text":
                        raise ApiError("Bad Request: message text is empty")
                    raise ApiError(f"Bad Request: {where}{name} is empty")
                continue
            values[name] = self._typed(spec_field, params.get(name), files.get(name), where)
        for spec_field in fields:
            name = spec_field["name"]
            limit = LENGTH_LIMIT.search(spec_field["description"])
            if limit and name in values:
                self._check_length(name, values[name], values.get("parse_mode"), limit)
        return values

    @staticmethod
    def _required(spec_field: dict, params: dict, files: dict) -> bool:
        if spec_field["required"]:
            return True
        unless = REQUIRED_UNLESS.search(spec_field["description"])
        if unless:
            other = unless.group(1) or unless.group(2)
            return other not in params and other not in files
        return False

    def _typed(self, spec_field: dict, value: Any, upload: Upload | None, where: str):
        name, types = spec_field["name"], spec_field["types"]
        if upload is not None:
            if "InputFile" in types:
                return upload
            raise ApiError(f"Bad Request: {where}{name} must not be a file")
        problems = []
        for type_name in types:
            try:
                return self._coerce(type_name, value, where=f"{where}{name}.")
            except ApiError as error:
                problems.append(error.description)
        raise ApiError(
            f"Bad Request: invalid {where}{name}: expected {' or '.join(types)}"
            + (f" ({problems[-1]})" if problems and "Bad Request" in problems[-1] else "")
        )

    def _coerce(self, type_name: str, value: Any, *, where: str):
        if type_name == "Integer":
            if isinstance(value, bool):
                raise ApiError("not an integer")
            if isinstance(value, int):
                return value
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
                return int(value)
            raise ApiError("not an integer")
        if type_name == "Float":
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ApiError("not a number") from None
        if type_name == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise ApiError("not a string")
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
                return value.lower() in {"true", "1"}
            raise ApiError("not a boolean")
        if type_name == "InputFile":
            raise ApiError("no file uploaded")
        try:
            parsed = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            raise ApiError("not JSON") from None
        if type_name.startswith("Array of "):
            if not isinstance(parsed, list):
                raise ApiError("not a JSON-serialised array")
            inner = type_name.removeprefix("Array of ")
            return [self._coerce(inner, item, where=where) for item in parsed]
        if type_name in self.spec.types:
            if not isinstance(parsed, dict):
                raise ApiError("not a JSON-serialised object")
            return self._object(type_name, parsed, where=where)
        raise ApiError(f"unknown type {type_name}")

    def _object(self, type_name: str, value: dict, *, where: str) -> dict:
        spec = self.spec.types[type_name]
        if spec.get("subtypes"):
            for subtype in spec["subtypes"]:
                type_field = next(
                    (f for f in self.spec.types[subtype].get("fields", []) if f["name"] == "type"),
                    None,
                )
                if type_field and re.search(
                    rf"\bmust be {re.escape(str(value.get('type')))}\b", type_field["description"]
                ):
                    return self._object(subtype, value, where=where)
            raise ApiError(f"Bad Request: {where}type {value.get('type')!r} is not a {type_name}")
        checked = self._validate(spec.get("fields", []), value, {}, where=where)
        return {"__type__": type_name} | checked

    def _check_length(self, name: str, value: Any, parse_mode: Any, limit: re.Match) -> None:
        low, high = int(limit.group(1)), int(limit.group(2))
        if not isinstance(value, str):
            return
        plain = parse_html(value)[0] if parse_mode == "HTML" else value
        length = utf16_length(plain.strip())
        if length > high:
            if name == "caption":
                raise ApiError("Bad Request: message caption is too long")
            raise ApiError(
                "Bad Request: message is too long"
                if name == "text"
                else f"Bad Request: {name} is too long"
            )
        if length < low:
            raise ApiError(
                "Bad Request: message text is empty"
                if name == "text"
                else f"Bad Request: {name} is empty"
            )

    # --- the methods it carries out -----------------------------------------------------------

    def _chat(self, chat_id: Any) -> dict:
        if str(chat_id).lower() not in {self.channel.lower(), str(self.channel_id)}:
            raise ApiError("Bad Request: chat not found")
        return {
            "id": self.channel_id,
            "title": "Broadsheet (fake)",
            "username": self.channel.lstrip("@"),
            "type": "channel",
        }

    def _message(self, values: dict, message_id: int) -> dict:
        chat = self._chat(values.get("chat_id"))
        message = self.messages.get(message_id)
        if message is None:
            raise ApiError("Bad Request: message to edit not found")
        return message | {"chat": chat}

    @staticmethod
    def _formatted(values: dict, key: str, entities_key: str) -> dict:
        if key not in values:
            return {}
        if values.get("parse_mode") == "HTML":
            text, entities = parse_html(values[key])
        else:
            text, entities = values[key], []
        return {key: text.strip()} | ({entities_key: entities} if entities else {})

    def _photo_sizes(self, source: Any, files: dict[str, Upload]) -> list[dict]:
        if isinstance(source, str) and source.startswith("attach://"):
            source = files.get(source.removeprefix("attach://"))
            if source is None:
                raise ApiError("Bad Request: wrong file identifier/HTTP URL specified")
        if isinstance(source, Upload):
            content = source.content
        elif isinstance(source, str) and source in self.files:
            content = self.files[source]
        elif isinstance(source, str) and source.startswith(("http://", "https://")):
            raise ApiError("Bad Request: wrong file identifier/HTTP URL specified")
        else:
            raise ApiError("Bad Request: wrong remote file identifier specified")
        try:
            from PIL import Image

            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
        except Exception:
            raise ApiError("Bad Request: IMAGE_PROCESS_FAILED") from None
        if len(content) > 10 * 1024 * 1024 or width + height > 10_000:
            raise ApiError("Bad Request: PHOTO_INVALID_DIMENSIONS")
        digest = hashlib.sha256(content).hexdigest()
        file_id = f"AgAC{digest[:40]}"
        self.files[file_id] = content
        return [
            {
                "file_id": file_id,
                "file_unique_id": digest[:16],
                "width": width,
                "height": height,
                "file_size": len(content),
            }
        ]

    def _new_message(self, values: dict, **content) -> dict:
        chat = self._chat(values["chat_id"])
        message = {
            "message_id": self.next_message_id,
            "sender_chat": chat,
            "chat": chat,
            "date": int(time.time()),
        } | content
        self.messages[self.next_message_id] = message
        self.next_message_id += 1
        return message

    def _do_getMe(self, values, files):
        return {
            "id": int(self.token.split(":")[0]),
            "is_bot": True,
            "first_name": "Broadsheet test bot",
            "username": "broadsheet_test_bot",
        }

    def _do_sendMessage(self, values, files):
        return self._new_message(values, **self._formatted(values, "text", "entities"))

    def _do_sendPhoto(self, values, files):
        photo = self._photo_sizes(values["photo"], files)
        return self._new_message(
            values, photo=photo, **self._formatted(values, "caption", "caption_entities")
        )

    def _edited(self, message: dict, changes: dict) -> dict:
        current = {key: message.get(key) for key in changes}
        if current == changes:
            raise ApiError(NOT_MODIFIED)
        updated = {k: v for k, v in message.items() if k not in changes} | {
            k: v for k, v in changes.items() if v is not None
        }
        updated["edit_date"] = int(time.time())
        self.messages[message["message_id"]] = updated
        return updated

    def _do_editMessageText(self, values, files):
        message = self._message(values, values["message_id"])
        if "text" not in message:
            raise ApiError("Bad Request: there is no text in the message to edit")
        formatted = self._formatted(values, "text", "entities")
        return self._edited(
            message, {"text": formatted["text"], "entities": formatted.get("entities")}
        )

    def _do_editMessageCaption(self, values, files):
        message = self._message(values, values["message_id"])
        if "photo" not in message:
            raise ApiError("Bad Request: there is no caption in the message to edit")
        formatted = self._formatted(values, "caption", "caption_entities")
        return self._edited(
            message,
            {
                "caption": formatted.get("caption"),
                "caption_entities": formatted.get("caption_entities"),
            },
        )

    def _do_editMessageMedia(self, values, files):
        message = self._message(values, values["message_id"])
        media = values["media"]
        if media["__type__"] != "InputMediaPhoto":
            raise ApiError("Bad Request: the fake Bot API edits photos only")
        photo = self._photo_sizes(media["media"], files)
        formatted = self._formatted(media, "caption", "caption_entities")
        # A text message becomes a photo; a caption left out of the new media is removed.
        changes = {
            "photo": photo,
            "caption": formatted.get("caption"),
            "caption_entities": formatted.get("caption_entities"),
            "text": None,
            "entities": None,
        }
        return self._edited(message, changes)

    def _do_deleteMessage(self, values, files):
        self._chat(values["chat_id"])
        message = self.messages.pop(values["message_id"], None)
        if message is None:
            raise ApiError("Bad Request: message to delete not found")
        self.deleted.append(message)
        return True


class _Handler(BaseHTTPRequestHandler):
    server: "FakeBotApiServer"

    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass  # the request line holds the token

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self):
        api = self.server.api
        path = urlsplit(self.path)
        if path.path.startswith("/_fake/"):
            return self._control(path.path.removeprefix("/_fake/"))
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path.path)
        if not match:
            return self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if match.group(1) != api.token:
            return self._send(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        try:
            params, files = self._params(path.query)
        except ValueError as error:
            return self._send(
                400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
            )
        status, body = api.handle(match.group(2), params, files)
        try:
            self._send(status, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (an injected delay)

    def _params(self, query: str) -> tuple[dict, dict[str, Upload]]:
        params: dict[str, Any] = dict(parse_qsl(query))
        files: dict[str, Upload] = {}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and body:
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("request body must be a JSON object")
            params |= data
        elif content_type.startswith("application/x-www-form-urlencoded"):
            params |= dict(parse_qsl(body.decode(), keep_blank_values=True))
        elif content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body
            )
            if not message.is_multipart():
                raise ValueError("malformed multipart body")
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename is not None:
                    files[name] = Upload(filename, payload, part.get_content_type())
                else:
                    params[name] = payload.decode(part.get_content_charset() or "utf-8")
        return params, files

    def _control(self, action: str):
        api = self.server.api
        if action == "state":
            return self._send(200, api.state())
        if action == "reset" and self.command == "POST":
            api.reset()
            return self._send(200, {"ok": True})
        if action == "faults" and self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            spec = json.loads(self.rfile.read(length) or b"{}")
            api.inject(**spec)
            return self._send(200, {"ok": True})
        return self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def _send(self, status: int, body: dict):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class FakeBotApiServer(ThreadingHTTPServer):
    """The fake on a loopback port (0: any free one), served from a background thread."""

    daemon_threads = True

    def __init__(self, api: FakeBotApi | None = None, *, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.api = api or FakeBotApi()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeBotApiServer":
        self._thread = threading.Thread(target=self.serve_forever, name="fake-bot-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--channel", default=DEFAULT_CHANNEL)
    parser.add_argument("--spec", type=Path, default=SPEC_PATH)
    options = parser.parse_args(argv)
    api = FakeBotApi(token=options.token, channel=options.channel, spec=Spec.load(options.spec))
    server = FakeBotApiServer(api, host=options.host, port=options.port)
    print(f"Fake Bot API on {server.url} for {options.channel}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
