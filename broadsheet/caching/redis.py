"""The shared cache on Redis, for which a Redis that cannot be reached is an empty cache.

Django's RedisCache raises when Redis is down or restarting, and every reader page reads the
cache (rendered fragments, Wagtail's renditions, the in-process page cache's versions), so a
Redis restart turned pages Varnish did not hold into 500s. Here an unreachable Redis reads as a
miss and a write is dropped: pages render from the database, a little slower, until it is back.
Deleting still raises: the caller (a purge, a restore) must fail and be retried, not carry on
believing a stale entry gone.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("broadsheet.caching")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning per process this often (seconds), not one per cache call of every request.
WARN_EVERY = 10.0
# Seconds to connect and to wait for an answer: a Redis that hangs must not hang each request.
CONNECT_TIMEOUT = 0.25
ANSWER_TIMEOUT = 0.5


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", ANSWER_TIMEOUT)
        super().__init__(server, params)
        self._warned_at = float("-inf")

    def _unreachable(self, error: Exception, fallback):
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY:
            self._warned_at = now
            logger.warning("Redis cache unreachable, serving without it: %s", error)
        return fallback

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            return self._unreachable(error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            return self._unreachable(error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            return self._unreachable(error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            return self._unreachable(error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            self._unreachable(error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            return self._unreachable(error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            return self._unreachable(error, False)
