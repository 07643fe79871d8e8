"""Parsing and checking the settings that are more than a number or a word (used by settings.py).

Every value is checked when the portal starts, so a bad value stops it at once with a message naming
the variable (ImproperlyConfigured), instead of failing at night in a task. Pure functions: no Django
app is loaded yet when settings.py calls them.
"""

from __future__ import annotations

import calendar
import re
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

# Reply periods by routing level (§四(二)): (amount, unit).
DEFAULT_OPINION_REPLY_PERIODS: dict[str, tuple[int, str]] = {
    "street": (15, "working_days"),
    "town": (15, "working_days"),
    "district": (3, "months"),
    "city": (3, "months"),
    "letters": (60, "days"),
}
PERIOD_UNITS = ("working_days", "days", "months")
# A few obvious ones; administrators add more in the admin (BlockedTerm) or the setting.
DEFAULT_OPINION_BLOCKED_TERMS = ("代开发票", "博彩", "赌场", "色情", "裸聊", "刷单", "贷款无抵押")
RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day|s|m|h|d)\w*\s*$", re.IGNORECASE)
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def parse_rate(name: str, value: str) -> tuple[int, int]:
    """ "10/hour" → (10, 3600): how many per how many seconds."""
    match = _RATE.match(value or "")
    if not match or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f'{name} must look like "10/hour" (a count of 1 or more per second, minute, hour or day).'
        )
    return int(match.group(1)), RATE_PERIODS[match.group(2)[0].lower()]


def month_days(name: str, values: list[str]) -> list[str]:
    """ "MM-DD" values (29 February allowed: in a common year it is the 28th); at least one."""
    cleaned = [value.strip() for value in values if value.strip()]
    if not cleaned:
        raise ImproperlyConfigured(f"{name} must name at least one day (MM-DD).")
    for value in cleaned:
        match = _MONTH_DAY.match(value)
        month, day = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]):
            raise ImproperlyConfigured(f"{name}: {value!r} is not a day of the year (MM-DD, e.g. 04-01).")
    return cleaned


def reply_periods(name: str, overrides: dict[str, str]) -> dict[str, tuple[int, str]]:
    """The default periods with overrides like {"district": "2 months", "letters": "30 days"}."""
    periods = dict(DEFAULT_OPINION_REPLY_PERIODS)
    for level, text in overrides.items():
        if level not in periods:
            raise ImproperlyConfigured(f"{name}: unknown level {level!r} (one of {', '.join(periods)}).")
        amount, _sep, unit = str(text).strip().partition(" ")
        if not amount.isdigit() or int(amount) < 1 or unit.strip() not in PERIOD_UNITS:
            raise ImproperlyConfigured(
                f"{name}: {level}={text!r} must be a count and a unit, "
                'e.g. "15 working_days", "60 days", "3 months".'
            )
        periods[level] = (int(amount), unit.strip())
    return periods


def at_least(name: str, value: int, minimum: int) -> int:
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be {minimum} or more.")
    return value


def redis_db_for_worker(url: str, worker: int) -> str:
    """The Redis URL with another database number for test worker `worker` (0 keeps the URL's own):
    redis://host:6379/15 → …/14 for worker 1 (Redis has databases 0–15)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - worker) % 16}"))
