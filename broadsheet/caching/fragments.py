"""Rendered pieces of pages kept in the web process, under a key that names their version.

A page purged because one story changed is rendered again whole; most of what it shows has not
changed. A feed carries fifty full story bodies and a publish changes one of them, so after a
purge each feed would read and write fifty items anew, in every web process, while readers wait
for the fresh feed. Kept here by story and live revision (distribution/feeds.py), only the
changed item is rendered again.

A key must change whenever the piece would render differently because of the row it names (a
new revision is published, a story moves). What a piece shows of other rows (the address of a
page a body links to) is covered by the lifetime: no older than a shared cache may keep a page.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

# A story's body and its item in each feed format are about 6 KB each: some 700 stories, more
# than the feeds of a busy day show, within a web worker's memory budget beside the page cache.
MAX_CHARACTERS = 16 * 1024 * 1024

_anew = ContextVar("rendering_anew", default=False)


@contextmanager
def rendering_anew() -> Iterator[None]:
    """Within this, every piece is rendered and none is taken from the store, nor from the
    reader memo (memo.py): a fresh render, to compare a cached one with."""
    token = _anew.set(True)
    try:
        yield
    finally:
        _anew.reset(token)


def rendering_anew_now() -> bool:
    """Whether this render is one made anew (see rendering_anew)."""
    return _anew.get()


class Fragments:
    """A bounded, least recently used store of rendered pieces, each kept `ttl` seconds.

    A piece is text, or any value with the size of the text it stands for.
    """

    def __init__(self, *, max_characters: int, ttl: float):
        self.max_characters = max_characters
        self.ttl = ttl
        self.pieces: OrderedDict[Hashable, tuple[float, int, Any]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The piece kept under `key`, or None."""
        if _anew.get():
            return None
        with self.lock:
            kept = self.pieces.get(key)
            if kept is None:
                return None
            expires, _, piece = kept
            if expires < time.monotonic():
                self._drop(key)
                return None
            self.pieces.move_to_end(key)
            return piece

    def put(self, key: Hashable, piece: Any, *, size: int | None = None) -> None:
        size = len(piece) if size is None else size
        if size > self.max_characters:
            return
        with self.lock:
            self._drop(key)
            self.pieces[key] = (time.monotonic() + self.ttl, size, piece)
            self.size += size
            while self.size > self.max_characters:
                self._drop(next(iter(self.pieces)))

    def get_many(self, keys: list[Hashable], render: Callable[[list[Hashable]], list[str]]) -> list:
        """The text of every key in order; `render` makes the missing ones, all in one call."""
        if _anew.get():
            return render(keys)
        found = {key: self.get(key) for key in keys}
        missing = [key for key, text in found.items() if text is None]
        if missing:
            for key, text in zip(missing, render(missing), strict=True):
                self.put(key, text)
                found[key] = text
        return [found[key] for key in keys]

    def clear(self) -> None:
        with self.lock:
            self.pieces.clear()
            self.size = 0

    def _drop(self, key: Hashable) -> None:
        kept = self.pieces.pop(key, None)
        if kept is not None:
            self.size -= kept[1]


def fragments() -> Fragments:
    """This process's store, made on first use (settings are read then, not at import)."""
    global _fragments
    if _fragments is None:
        _fragments = Fragments(
            max_characters=MAX_CHARACTERS, ttl=settings.READER_CACHE_CONTROL["s-maxage"]
        )
    return _fragments


_fragments: Fragments | None = None
