"""The cache backend: Redis, which the portal can do without for a while.

What lives in the cache can be lost: sign-in rate limits and the TOTP used-code marks
(allauth), the API's throttle counts (DRF), import progress (read back from the database
otherwise), the backtest's figures (computed again). So when Redis cannot be reached the cache
acts as an empty one that keeps nothing, as Django's DummyCache does: reads miss, writes are
dropped, `add` succeeds. Sign-in and the API keep working with their limits off, instead of
answering 500, and the failure is logged. After a failure the cache does not try Redis again
for RETRY_AFTER_SECONDS, so an outage costs one connection attempt, not one per call.

/healthz/ writes a key and reads it back, so it still reports the outage.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# Servers (by their LOCATION) found unreachable, and until when they are left alone. Shared by
# the threads of a process: each thread has its own cache object.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class FailSoftRedisCache(RedisCache):
    """RedisCache that carries on as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = ",".join(self._servers)

    def _call(self, operation: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if _down_until.get(self._location, 0.0) > time.monotonic():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except _UNREACHABLE as exc:
            with _lock:
                _down_until[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning(
                "The cache cannot be reached (%s during %s): carrying on without it, rate "
                "limits off, trying again in %.0f s.",
                exc,
                operation,
                RETRY_AFTER_SECONDS,
            )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found")  # as for a key an empty cache lacks
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
