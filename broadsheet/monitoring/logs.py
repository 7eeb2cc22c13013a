"""Request ids for every log line, and the JSON lines production logs are written as."""

import contextvars
import logging
import re
import uuid

from pythonjsonlogger.json import JsonFormatter

_request_id = contextvars.ContextVar("request_id", default="")
# What a proxy may hand us as a request id: short, and nothing a log reader could trip over.
_acceptable = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id_begin(offered: str | None) -> str:
    """Take the id a proxy offered (X-Request-ID) if it is sane, else make one; return it."""
    request_id = offered if offered and _acceptable.match(offered) else uuid.uuid4().hex
    _request_id.set(request_id)
    return request_id


def request_id_end(**signal_kwargs) -> None:
    _request_id.set("")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being answered ('' outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonLinesFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request id and any extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "{asctime}{levelname}{name}{message}{request_id}{process}")
        kwargs.setdefault("style", "{")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)
