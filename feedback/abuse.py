"""Abuse handling without loss: rate limits, a honeypot, blocked words and links.

Nothing a citizen sends is dropped: a honeypot hit or a blocked word sends the opinion to the
moderation queue (`OpinionState.MODERATION`), where staff release or reject it with a reason. Only the
rate limit refuses a request, and it says so (HTTP 429 / a message on the page) so a person can retry.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from songjiang_liaison import config

logger = logging.getLogger(__name__)

DEFAULT_SCOPE = "opinion_submit"
RECORD_SCOPE = "opinion_record"
_LINK = re.compile(r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|cn|top|xyz|vip|cc|io)\b)", re.IGNORECASE)


class RateLimited(Exception):
    """Too many submissions from one client address in the current window."""

    def __init__(self, retry_after: int):
        super().__init__(_("提交过于频繁，请稍后再试。"))
        self.retry_after = retry_after


def parse_rate(rate: str) -> tuple[int, int]:
    """ "10/hour" → (10, 3600)."""
    return config.parse_rate("OPINION_RATE", rate)


def current_rate() -> str:
    """Submissions per client address (settings.OPINION_RATE, checked at start)."""
    return settings.OPINION_RATE


def _client_key(client_ip: str | None) -> str:
    return hashlib.sha256((client_ip or "unknown").encode()).hexdigest()[:32]


def check_rate_limit(client_ip: str | None, *, scope: str = DEFAULT_SCOPE, rate: str | None = None) -> None:
    """Count one submission from `client_ip` in `scope`; raise RateLimited beyond the rate.

    A fixed window in the cache (Redis in production, so all web workers share it); `cache.incr` is
    atomic there. The web form and the API use the same scope, so one address has one budget.
    """
    limit, period = parse_rate(rate or current_rate())
    now = int(time.time())
    window = now // period
    key = f"ratelimit:{scope}:{_client_key(client_ip)}:{window}"
    try:
        count = _count(key, timeout=period + 1)
    except Exception:  # noqa: BLE001 — a cache outage must not stop intake (ops/cache.py falls back too)
        logger.warning("Rate limit %s not counted: the cache is unavailable.", scope, exc_info=True)
        return
    if count > limit:
        raise RateLimited(retry_after=(window + 1) * period - now)


def _count(key: str, *, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def check_record_limit(user) -> None:
    """Count one opinion recorded by a signed-in deputy or staff member (the record page and the API
    alike): their own budget, OPINION_RECORD_RATE per user, not their office's address's."""
    check_rate_limit(f"user:{user.pk}", scope=RECORD_SCOPE, rate=settings.OPINION_RECORD_RATE)


def is_honeypot_hit(value: str | None) -> bool:
    """The hidden field that people never see and bots fill in."""
    return bool((value or "").strip())


def blocked_terms() -> list[str]:
    from .models import BlockedTerm

    configured = settings.OPINION_BLOCKED_TERMS
    stored = BlockedTerm.objects.filter(is_active=True).values_list("term", flat=True)
    return [t for t in {*configured, *stored} if t]


def moderation_reasons(*texts: str) -> list[str]:
    """Why these texts must be looked at by a person first (empty: they need not)."""
    joined = "\n".join(t for t in texts if t)
    reasons = []
    lowered = joined.lower()
    hits = sorted(term for term in blocked_terms() if term.lower() in lowered)
    if hits:
        reasons.append(_("含屏蔽词：%(terms)s") % {"terms": "、".join(hits)})
    if settings.OPINION_BLOCK_LINKS and _LINK.search(joined):
        reasons.append(_("含网址链接"))
    return reasons


def client_ip(request) -> str | None:
    """The client address, as far as the trusted proxies (settings.NUM_PROXIES) vouch for it: the same
    rule as the API throttles and the failed-login limit (accounts.throttling)."""
    from accounts.throttling import client_address

    return client_address(request)
