"""Password guessing: who the client is, and how many failed logins a username and an address may make.

- The client address is REMOTE_ADDR, or, behind `NUM_PROXIES` trusted reverse proxies, the address the
  outermost of them appended to X-Forwarded-For. It is DRF's rule (`BaseThrottle.get_ident`), so the
  API throttles and the login limit below count one client once; the part of the header the client
  wrote itself is never used.
- Failed logins are counted per username and per client address in fixed windows of
  `LOGIN_FAILURE_WINDOW_MINUTES`. Once a username has `LOGIN_FAILURES_PER_USERNAME` failures, or an
  address `LOGIN_FAILURES_PER_ADDRESS`, every login for it is refused, right password or not, until
  the window ends. The login page, the admin's login page and `POST /api/v1/auth/token/` share the
  counts. A successful login clears its username's count (not its address's).

The counts live in the cache (Redis in production, so all web workers share them); `cache.incr` is
atomic there.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle


def client_address(request) -> str | None:
    """The client's address, as far as the trusted proxies (`REST_FRAMEWORK["NUM_PROXIES"]`) vouch for it.

    Takes a Django or a DRF request (only `META` is read).
    """
    return BaseThrottle().get_ident(request)


def _window_seconds() -> int:
    return settings.LOGIN_FAILURE_WINDOW_MINUTES * 60


def _counters(*, username: str, address: str | None, window: int) -> list[tuple[str, int]]:
    """The cache key and the limit of each count a login attempt is held to."""
    return [
        (_key("username", username.strip().casefold(), window), settings.LOGIN_FAILURES_PER_USERNAME),
        (_key("address", address or "unknown", window), settings.LOGIN_FAILURES_PER_ADDRESS),
    ]


def _key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}:{window}"


def login_retry_after(*, username: str, address: str | None) -> int | None:
    """Seconds until `username` may try to log in from `address` again; None if it may try now."""
    period = _window_seconds()
    now = int(time.time())
    window = now // period
    for key, limit in _counters(username=username, address=address, window=window):
        if (cache.get(key) or 0) >= limit:
            return (window + 1) * period - now
    return None


def record_failed_login(*, username: str, address: str | None) -> None:
    """Count one wrong password (or unknown or deactivated account) for the username and the address."""
    period = _window_seconds()
    window = int(time.time()) // period
    for key, _limit in _counters(username=username, address=address, window=window):
        cache.add(key, 0, timeout=period + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)


def forget_failed_logins(*, username: str) -> None:
    """After a successful login: the username starts again with a full budget."""
    window = int(time.time()) // _window_seconds()
    key, _limit = _counters(username=username, address=None, window=window)[0]
    cache.delete(key)


def too_many_failures_message(retry_after: int) -> str:
    """What a refused user reads, with the wait rounded up to whole minutes."""
    minutes = max(1, math.ceil(retry_after / 60))
    return _("登录失败次数过多，请%(minutes)s分钟后再试。") % {"minutes": minutes}
