"""At-most-once delivery of outbound messages (e-mail, SMS): claim the message in the database first.

    from ops.claims import deliver_once

    sent = deliver_once(f"notification:{pk}:email", lambda: send_mail(...))

`deliver_once(key, send)` inserts a `DeliveryClaim` with the unique, stable `key` and COMMITS it, then
calls `send()` and stamps the claim. A second call with the same key (a task redelivered after its
worker was killed with SIGKILL, a retry, a duplicate) finds the claim and sends nothing: returns
False. If `send()` raises, the claim is released and the exception propagates, so a retry may send.
A worker killed between the claim and the stamp leaves a claim without `sent_at`: that message is
not sent again (at most once; the admin lists such claims under "消息发送记录").

Call it OUTSIDE `transaction.atomic()`: the claim must be committed before the message leaves (inside
an atomic block it would only commit with the block, and a killed worker would roll it back).

`claim(key)` / `release(key)` / `mark_sent(key)` are the same steps one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from ops.models import DeliveryClaim

logger = logging.getLogger(__name__)


def claim(key: str) -> bool:
    """Claim `key` for sending; False when it was claimed before (sent, or being sent)."""
    try:
        with transaction.atomic():
            DeliveryClaim.objects.create(key=key)
    except IntegrityError:
        logger.info("Message %s already claimed: not sent again.", key)
        return False
    return True


def release(key: str) -> None:
    """Give a claim back after a send that failed for sure (an exception), so a retry may send."""
    DeliveryClaim.objects.filter(key=key, sent_at__isnull=True).delete()


def mark_sent(key: str) -> None:
    DeliveryClaim.objects.filter(key=key).update(sent_at=timezone.now())


def deliver_once(key: str, send: Callable[[], object]) -> bool:
    """Send at most once per key: True if `send()` ran now, False if the key was already claimed."""
    if not claim(key):
        return False
    try:
        send()
    except BaseException:
        release(key)
        raise
    mark_sent(key)
    return True
