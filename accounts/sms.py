"""Sending text messages: a small backend interface, chosen by the `SMS_BACKEND` setting.

The default backend only logs (no SMS gateway is contracted yet); a gateway adapter subclasses
`BaseSmsBackend` and is named in the environment (`SMS_BACKEND=package.module.ClassName`).
Tests use `LocmemSmsBackend`, whose `outbox` works like `django.core.mail.outbox`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(OSError):
    """A gateway failure worth retrying (the delivery task retries OSError with backoff)."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def send(self, *, phone: str, text: str) -> None:
        """Send one message or raise `SmsError`."""
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """Writes the message to the log instead of sending it (the default)."""

    def send(self, *, phone: str, text: str) -> None:
        # Only the last four digits: logs are read by more people than the recipients are.
        logger.info("SMS to ****%s: %s", phone[-4:], text)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in memory, for tests."""

    outbox: list[SmsMessage] = []

    def send(self, *, phone: str, text: str) -> None:
        LocmemSmsBackend.outbox.append(SmsMessage(phone=phone, text=text))


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, phone: str, text: str) -> None:
    get_backend().send(phone=phone, text=text)
