"""A Redis cache that fails safe: when Redis is unreachable, the cache falls back to this process's
memory instead of raising into the request.

Everything the portal keeps in the cache is a counter or a convenience (the opinion rate limit, the
failed-login limit, the API throttles), so during an outage each web process keeps its own counts —
limits still apply, per process — and nothing answers 500. The first failure logs a warning; Redis is
then left alone for `OPTIONS["RETRY_AFTER"]` seconds (default 5) so requests do not each wait for a
timeout, and tried again after that.

Settings (done by `songjiang_liaison/settings.py` when REDIS_URL is set):

    CACHES = {"default": {
        "BACKEND": "ops.cache.FailSafeRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 5},
    }}
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self._retry_after = float(options.pop("RETRY_AFTER", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._fallback = LocMemCache(f"failsafe-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._errors = _redis_errors()

    @property
    def is_down(self) -> bool:
        """Whether Redis failed within the last RETRY_AFTER seconds (the fallback is in use)."""
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.is_down:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except self._errors as exc:
                with self._lock:
                    was_up = not self.is_down
                    self._down_until = time.monotonic() + self._retry_after
                if was_up:
                    logger.warning(
                        "Redis cache unreachable (%s): using this process's memory for %ss.",
                        exc.__class__.__name__,
                        self._retry_after,
                    )
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._call("clear", *args, **kwargs)
