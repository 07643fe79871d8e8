"""The one way to put a message in a user's inbox (and e-mail it where the user has an address).

Callers inside a transaction get the e-mail sent only after commit. A `key` makes the message
exactly-once: the unique column turns a repeated call into a no-op (no check-then-insert).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import Notification


def notify(*, recipient, kind: str, title: str, body: str = "", url: str = "", key: str | None = None):
    """Create one notification; returns it, or None when `key` was already delivered."""
    if recipient is None or not recipient.is_active:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient, kind=kind, title=title, body=body, url=url, key=key
            )
    except IntegrityError:
        if key is None:
            raise
        return None
    if recipient.email:
        transaction.on_commit(lambda: _enqueue_email(notification.pk))
    return notification


def _enqueue_email(notification_id: int) -> None:
    from accounts.tasks import send_notification_email

    send_notification_email.delay(notification_id)
