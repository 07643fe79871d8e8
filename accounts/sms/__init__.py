"""Sending text messages: a small backend interface, chosen by the `SMS_BACKEND` setting.

Backends (docs/accounts.md lists their settings):

- `accounts.sms.LoggingSmsBackend` (the default): writes the message to the log, last four digits only.
- `accounts.sms.FileSmsBackend`: appends each message as one JSON line ``{"phone": ..., "text": ...}``
  to the file named by `SMS_FILE_PATH`, for development and acceptance checks.
- `accounts.sms.aliyun.AliyunSmsBackend`: Alibaba Cloud SMS (dysmsapi, signature version 1.0).
- `accounts.sms.tencent.TencentSmsBackend`: Tencent Cloud SMS (API 2021-01-11, TC3-HMAC-SHA256).
- `accounts.sms.LocmemSmsBackend`: keeps messages in memory, for tests (`outbox`, like
  `django.core.mail.outbox`).

Chinese gateways only send approved templates: every message names a logical `template`
("login_code", "invitation", "reminder", …) and its `params`; `SMS_TEMPLATES` maps each logical name to
the provider's template id. `text` is the same message written out, for the file and log backends and for
the record kept by the caller.

Failures: `SmsError` (an OSError: network errors, timeouts, throttling, gateway errors worth another try)
is retried with backoff by the delivery tasks; `SmsRejected` (a wrong number, a missing template, a
rejected signature) will fail the same way again and is recorded on the message instead.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from accounts.phones import masked, normalize_mobile

logger = logging.getLogger(__name__)

# One SMS segment holds 70 Chinese characters; a long message is split into segments of 67.
SEGMENT_CHARS = 70
LONG_SEGMENT_CHARS = 67


class SmsError(OSError):
    """A gateway failure worth retrying (the delivery tasks retry OSError with backoff)."""


class SmsThrottled(SmsError):
    """The gateway refused because of its rate limits: retry later."""


class SmsRejected(Exception):
    """A permanent failure: sending the same message again would fail the same way."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    template: str = ""
    params: dict = field(default_factory=dict)


def segments(text: str) -> int:
    """How many SMS segments `text` takes (70 characters in one, 67 each when split)."""
    if len(text) <= SEGMENT_CHARS:
        return 1
    return -(-len(text) // LONG_SEGMENT_CHARS)


class BaseSmsBackend:
    # Whether a message handed to this backend reaches a phone, and whether it needs a template id.
    delivers = True
    uses_templates = False

    def send(self, message: SmsMessage) -> None:
        """Send one message or raise `SmsError` / `SmsRejected`."""
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Writes the message to the log instead of sending it (the default)."""

    delivers = False

    def send(self, message: SmsMessage) -> None:
        # Only the last four digits: logs are read by more people than the recipients are.
        logger.info("SMS to %s: %s", masked(message.phone), message.text)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in memory, for tests."""

    outbox: list[SmsMessage] = []

    def send(self, message: SmsMessage) -> None:
        LocmemSmsBackend.outbox.append(message)


class FileSmsBackend(BaseSmsBackend):
    """Appends each message as one JSON line to `SMS_FILE_PATH` (development and checks)."""

    _lock = threading.Lock()

    def __init__(self):
        self.path = settings.SMS_FILE_PATH
        if not self.path:
            raise ImproperlyConfigured("FileSmsBackend needs SMS_FILE_PATH.")

    def send(self, message: SmsMessage) -> None:
        line = json.dumps({"phone": message.phone, "text": message.text}, ensure_ascii=False)
        with self._lock, open(self.path, "a", encoding="utf-8") as file:
            file.write(line + "\n")


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def will_deliver(template: str = "notice") -> bool:
    """Whether a text of this kind would reach a phone: the backend sends (not the log) and, for the
    cloud gateways, the template has an id. Used to tell a citizen whether to expect a message."""
    backend = import_string(settings.SMS_BACKEND)
    if not backend.delivers:
        return False
    return not backend.uses_templates or bool(settings.SMS_TEMPLATES.get(template, ""))


def template_of(message: SmsMessage) -> tuple[str, dict]:
    """The provider's template id (`SMS_TEMPLATES`) and the parameters of a message. A message without
    a template goes out as a "notice", whose one parameter `content` is the whole text. A template
    without a configured id is a permanent failure."""
    template, params = message.template, message.params
    if not template:
        template, params = "notice", {"content": message.text}
    found = settings.SMS_TEMPLATES.get(template, "")
    if not found:
        raise SmsRejected(f"No SMS template id configured for {template!r}.", code="template_missing")
    return found, params


def send_sms(*, phone: str, text: str, template: str = "", params: dict | None = None) -> None:
    """Send one text to a mainland mobile number (normalised first; anything else is `SmsRejected`)."""
    number = normalize_mobile(phone)
    if number is None:
        raise SmsRejected("Not a mainland mobile number.", code="invalid_phone")
    get_backend().send(SmsMessage(phone=number, text=text, template=template, params=dict(params or {})))
