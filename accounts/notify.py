"""The one way to put a message in a user's inbox, and to e-mail or text it where the user wants that.

Exactly once: a message that carries a `key` (one recipient, kind and period, e.g.
``quota:2026-04-01:deputy:17``) is inserted against the unique `Notification.key` column, so a
second attempt — a task run twice, concurrently, or retried — is a no-op in the database itself, not
a check-then-insert. E-mail and SMS are sent by tasks put in the outbox (`ops.outbox`, in the same
transaction: a Redis outage delays them, never loses them); those tasks claim each send in the
database (`ops.claims`) and stamp the row, so a retried or redelivered delivery never sends twice.

Channels follow the recipient's `NotificationPreference` for the kind (defaults: in-app and e-mail
on, SMS off). With in-app off the row is still written — it is the delivery record — but born read and
hidden from the inbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification, NotificationKind, NotificationPreference
from ops.outbox import enqueue_many


@dataclass(frozen=True)
class Channels:
    in_app: bool
    email: bool
    sms: bool


DEFAULT_CHANNELS = Channels(**NotificationPreference.DEFAULTS)


@dataclass(frozen=True)
class Message:
    """One message for one recipient, to be delivered by `notify_many`."""

    recipient: object  # accounts.User
    kind: str
    title: str
    body: str = ""
    url: str = ""
    key: str | None = None


def recipient_language(user) -> str:
    """The language a user reads their messages in: their own choice, else the portal's default."""
    return user.language or settings.LANGUAGE_CODE


def by_language(users: Iterable) -> dict[str, list]:
    """Users grouped by `recipient_language`, in the order given, so that each text is translated
    once per language rather than once per recipient."""
    groups: dict[str, list] = defaultdict(list)
    for user in users:
        groups[recipient_language(user)].append(user)
    return dict(groups)


def preference_kind(kind: str) -> str:
    """The preference that governs a kind: its own, or "other" for kinds set by other apps (the
    opinion workflow's messages, for instance)."""
    return kind if kind in NotificationKind.values else NotificationKind.OTHER


def channels_for(users: Iterable, kinds: Iterable[str]) -> dict[tuple[int, str], Channels]:
    """The channels of every (user id, kind) pair, in one query; missing pairs get the defaults."""
    user_ids = {u.pk for u in users}
    kinds = set(kinds)
    found = {
        (p.user_id, p.kind): Channels(in_app=p.in_app, email=p.email, sms=p.sms)
        for p in NotificationPreference.objects.filter(
            user_id__in=user_ids, kind__in={preference_kind(k) for k in kinds}
        )
    }
    return {(u, k): found.get((u, preference_kind(k)), DEFAULT_CHANNELS) for u in user_ids for k in kinds}


def set_preference(*, user, kind: str, in_app: bool, email: bool, sms: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"in_app": in_app, "email": email, "sms": sms}
    )
    return preference


def notify(*, recipient, kind: str, title: str, body: str = "", url: str = "", key: str | None = None):
    """Create one notification; returns it, or None when `key` was already delivered."""
    if recipient is None or not recipient.is_active:
        return None
    channels = channels_for([recipient], [kind])[(recipient.pk, kind)]
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title,
                body=body,
                url=url,
                key=key,
                in_app=channels.in_app,
                read_at=None if channels.in_app else timezone.now(),
            )
    except IntegrityError:
        if key is None:
            raise
        return None
    _deliver_after_commit([(notification.pk, recipient, channels)])
    return notification


def notify_many(messages: Iterable[Message]) -> int:
    """Deliver many keyed messages with a constant number of queries; returns how many were new.

    The rows go in with one `INSERT … ON CONFLICT DO NOTHING` (per database batch), so messages
    already delivered in an earlier, concurrent or retried run are skipped by the database.
    """
    messages = [m for m in messages if m.recipient is not None and m.recipient.is_active]
    if not messages:
        return 0
    if any(m.key is None for m in messages):
        raise ValueError("notify_many needs a key on every message (exactly-once delivery)")
    channels = channels_for([m.recipient for m in messages], [m.kind for m in messages])
    now = timezone.now()
    rows = []
    for m in messages:
        ch = channels[(m.recipient.pk, m.kind)]
        rows.append(
            Notification(
                recipient=m.recipient,
                kind=m.kind,
                title=m.title,
                body=m.body,
                url=m.url,
                key=m.key,
                in_app=ch.in_app,
                read_at=None if ch.in_app else now,
            )
        )
    keys = [m.key for m in messages]
    with transaction.atomic():
        before = Notification.objects.filter(key__in=keys).values_list("key", flat=True)
        existing = set(before)
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        by_key = {m.key: m for m in messages if m.key not in existing}
        # A concurrent run may have inserted some of these keys too and will enqueue them as well:
        # harmless, the delivery tasks lock and stamp each row before sending.
        fresh = list(Notification.objects.filter(key__in=list(by_key)).values_list("pk", "key"))
    _deliver_after_commit(
        [
            (pk, by_key[key].recipient, channels[(by_key[key].recipient.pk, by_key[key].kind)])
            for pk, key in fresh
        ]
    )
    return len(fresh)


def _deliver_after_commit(items) -> None:
    email_ids = [pk for pk, user, ch in items if ch.email and user.email]
    sms_ids = [pk for pk, user, ch in items if ch.sms and user.phone]
    if email_ids:
        enqueue_many("accounts.tasks.send_notification_email", [(pk,) for pk in email_ids])
    if sms_ids:
        enqueue_many("accounts.tasks.send_notification_sms", [(pk,) for pk in sms_ids])
