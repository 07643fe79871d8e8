"""Signing in with a mobile number and a one-time SMS code (docs/accounts.md).

- A code is 6 digits, valid `SMS_LOGIN_CODE_MINUTES` (5) minutes, allows `SMS_LOGIN_CODE_TRIES` (5)
  wrong tries, and is used once; a new code replaces the number's earlier ones. Only an HMAC of the
  code is stored.
- Asking for a code is rate-limited per number (one per `SMS_LOGIN_CODE_INTERVAL_SECONDS`, at most
  `SMS_LOGIN_CODES_PER_NUMBER` an hour) and per client address (`SMS_LOGIN_CODES_PER_ADDRESS` an
  hour); checking codes is limited per client address too (`SMS_LOGIN_VERIFY_PER_ADDRESS` an hour).
  The limits count every request, whether or not the number belongs to an account.
- The answer never says whether a number belongs to an account: a number with no (or no single,
  active) account gets the same answer and no text.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from . import sms
from .models import LoginCode, User
from .phones import normalize_mobile

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
HOUR = 60 * 60


class InvalidPhone(ValueError):
    pass


class TooManyRequests(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        if self.retry_after < 120:
            return _("请求过于频繁，请%(seconds)d秒后再试。") % {"seconds": self.retry_after}
        return _("请求过于频繁，请%(minutes)d分钟后再试。") % {"minutes": math.ceil(self.retry_after / 60)}


def _hash(phone: str, code: str) -> str:
    return salted_hmac("accounts.sms_login", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _take(name: str, value: str, *, limit: int, period: int) -> None:
    """Count one request against `limit` per fixed window of `period` seconds; refuse beyond it."""
    now = int(time.time())
    window = now // period
    key = f"sms-login:{name}:{_digest(value)}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        raise TooManyRequests((window + 1) * period - now)


def account_for(phone: str) -> User | None:
    """The one active account with this mobile number, or None (none, or several: not guessable)."""
    users = list(User.objects.filter(is_active=True, phone__in=[phone, f"+86{phone}"])[:2])
    return users[0] if len(users) == 1 else None


def request_code(*, phone: str, address: str | None) -> None:
    """Send a code to `phone` if it belongs to an account; the same outcome either way for the caller.

    Raises InvalidPhone for something that is not a mainland mobile number, TooManyRequests beyond the
    limits (checked before anything is looked up)."""
    number = normalize_mobile(phone)
    if number is None:
        raise InvalidPhone(phone)
    _take("address", address or "unknown", limit=settings.SMS_LOGIN_CODES_PER_ADDRESS, period=HOUR)
    _take("number-interval", number, limit=1, period=settings.SMS_LOGIN_CODE_INTERVAL_SECONDS)
    _take("number", number, limit=settings.SMS_LOGIN_CODES_PER_NUMBER, period=HOUR)
    user = account_for(number)
    if user is None:
        logger.info("SMS sign-in code asked for %s: no single active account, nothing sent.", number[-4:])
        return
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    with transaction.atomic():
        LoginCode.objects.filter(phone=number, used_at__isnull=True).update(used_at=now)
        LoginCode.objects.create(
            phone=number,
            user=user,
            code_hash=_hash(number, code),
            expires_at=now + datetime.timedelta(minutes=settings.SMS_LOGIN_CODE_MINUTES),
        )
    text = _("您的登录验证码为%(code)s，%(minutes)d分钟内有效，请勿告诉他人。") % {
        "code": code,
        "minutes": settings.SMS_LOGIN_CODE_MINUTES,
    }
    try:
        sms.send_sms(phone=number, text=text, template="login_code", params={"code": code})
    except (sms.SmsError, sms.SmsRejected) as error:
        # The person asks again after the interval; the answer stays the same (nothing to learn from it).
        logger.warning("SMS sign-in code to ****%s not sent: %s", number[-4:], error)


def verify_code(*, phone: str, code: str, address: str | None) -> User | None:
    """The account signed in by this code, or None (wrong, expired, used up, or too many tries)."""
    number = normalize_mobile(phone)
    _take("verify-address", address or "unknown", limit=settings.SMS_LOGIN_VERIFY_PER_ADDRESS, period=HOUR)
    code = (code or "").strip()
    if number is None or not (len(code) == CODE_DIGITS and code.isdigit()):
        return None
    now = timezone.now()
    with transaction.atomic():
        login_code = (
            LoginCode.objects.select_for_update()
            .select_related("user")
            .filter(phone=number, used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if login_code is None or login_code.attempts >= settings.SMS_LOGIN_CODE_TRIES:
            return None
        if not constant_time_compare(login_code.code_hash, _hash(number, code)):
            LoginCode.objects.filter(pk=login_code.pk).update(attempts=F("attempts") + 1)
            return None
        LoginCode.objects.filter(pk=login_code.pk).update(used_at=now)
    user = login_code.user
    return user if user.is_active else None
