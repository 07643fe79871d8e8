"""How reminders reach deputies (§五(一)): the ledger of one row per deputy, reminder and period.

A deputy with an active account gets the reminder as an in-app message (and by e-mail or SMS if they
chose so, `accounts.notify`); a deputy without one, or who never activated it, gets it by SMS to the
mobile on file; a deputy with neither is recorded as not reachable, so the liaison staff see whom to
call. The (deputy, kind, period) row is claimed before anything is sent, against a unique constraint:
a second run, a retry or a concurrent run sends nothing again, by any channel — a deputy texted at the
first run who opens an account before the second gets no in-app copy. An SMS row is also the record
of that message: the delivery task locks it, sends, and stamps it (or records a permanent failure).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import sms
from accounts.models import Role, User
from accounts.notify import Message, notify_many
from accounts.phones import normalize_mobile
from deputies import permissions as access
from ops.outbox import enqueue_many

from .models import Deputy, Organization, Reach, ReachChannel

logger = logging.getLogger(__name__)

# Two SMS segments: a reminder text with its link must fit in them.
MAX_SEGMENTS = 2


def served_by(body: Organization) -> QuerySet:
    """The deputies a liaison body serves: the jurisdiction its staff would have (`deputies.permissions`),
    whether or not it has staff accounts."""
    return access.deputies_in_jurisdiction(User(role=Role.LIAISON_STAFF, organization=body))


def channel_for(deputy: Deputy) -> str:
    user = deputy.person.user
    if user is not None and user.is_active:
        return ReachChannel.IN_APP
    if normalize_mobile(deputy.private_phone):
        return ReachChannel.SMS
    return ReachChannel.UNREACHABLE


@dataclass(frozen=True)
class Text:
    """An SMS for a deputy without an account: the content and the link (template "reminder")."""

    content: str
    url: str

    @property
    def full(self) -> str:
        return f"{self.content} {self.url}".strip()


@dataclass
class ReachResult:
    in_app: int = 0  # new in-app messages
    texts: int = 0  # texts queued
    unreachable: int = 0  # deputies with neither an account nor a mobile


def reach(
    *,
    kind: str,
    period: str,
    deputies: Iterable[Deputy],
    messages: dict[int, Message],
    texts: dict[int, Text],
) -> ReachResult:
    """Reach each deputy once for (kind, period): `messages[deputy.pk]` for those with an account,
    `texts[deputy.pk]` for the others with a mobile; record the channel. Constant queries."""
    deputies = list(deputies)
    if not deputies:
        return ReachResult()
    rows = []
    for deputy in deputies:
        channel = channel_for(deputy)
        if channel == ReachChannel.IN_APP and deputy.pk not in messages:
            continue  # no message was written for this deputy (nothing to remind)
        text = texts.get(deputy.pk) if channel == ReachChannel.SMS else None
        if channel == ReachChannel.SMS and text is None:
            continue
        rows.append(
            Reach(
                deputy=deputy,
                kind=kind,
                period=period,
                channel=channel,
                phone=(normalize_mobile(deputy.private_phone) or "") if text else "",
                text=text.content[:300] if text else "",
                url=text.url[:300] if text else "",
            )
        )
    ids = [row.deputy_id for row in rows]
    with transaction.atomic():
        before = set(
            Reach.objects.filter(kind=kind, period=period, deputy_id__in=ids).values_list(
                "deputy_id", flat=True
            )
        )
        Reach.objects.bulk_create(rows, ignore_conflicts=True)
        # Act on the rows as stored (a concurrent run may have claimed a deputy with another channel).
        claimed = list(
            Reach.objects.filter(kind=kind, period=period, deputy_id__in=set(ids) - before).values_list(
                "pk", "deputy_id", "channel"
            )
        )
        result = ReachResult(
            in_app=notify_many(messages[d] for _pk, d, ch in claimed if ch == ReachChannel.IN_APP),
            unreachable=sum(1 for _pk, _d, ch in claimed if ch == ReachChannel.UNREACHABLE),
        )
        sms_ids = [pk for pk, _d, ch in claimed if ch == ReachChannel.SMS]
        result.texts = len(sms_ids)
        if sms_ids:
            # In the outbox, in this transaction: sent after the commit, or by the sweep if Redis is down.
            enqueue_many("deputies.tasks.send_reminder_text", [(pk,) for pk in sms_ids])
    return result


def deliver(reach_id: int) -> bool:
    """Text one reminder once: locked, sent, stamped; a permanent failure is recorded on the row; a
    failure worth retrying propagates (the task retries with backoff, the row stays unstamped)."""
    with transaction.atomic():
        row = (
            Reach.objects.select_for_update()
            .filter(pk=reach_id, channel=ReachChannel.SMS, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        try:
            sms.send_sms(
                phone=row.phone,
                text=Text(row.text, row.url).full,
                template="reminder",
                params={"content": row.text, "url": row.url},
            )
        except sms.SmsRejected as error:
            row.failed_at = timezone.now()
            row.failure = str(error)[:200]
            row.save(update_fields=["failed_at", "failure"])
            logger.warning("Reminder text %s not delivered: %s", row.pk, error)
            return False
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
    return True


def give_up(rows: QuerySet, error: BaseException) -> int:
    """Record on unsent rows (reminder texts, invitations) that sending failed for good after the last
    retry; the liaison staff see it like a gateway's refusal. Returns how many rows were stamped."""
    reason = _("多次重试后仍未发出（%(error)s）") % {"error": f"{error.__class__.__name__}: {error}"}
    stamped = rows.filter(sent_at__isnull=True, failed_at__isnull=True).update(
        failed_at=timezone.now(), failure=reason[:200]
    )
    logger.warning("Text not delivered after the last retry: %s", error)
    return stamped


def fits(text: Text) -> bool:
    return sms.segments(text.full) <= MAX_SEGMENTS


# What each ledger kind is, for the staff (reminders: `contacts.reminders`; notices: `contacts.notices`).
KIND_LABELS = {
    "quota_reminder": gettext_lazy("年度履职提醒"),
    "term_report_reminder": gettext_lazy("述职提醒"),
    "duty_notice": gettext_lazy("接待值班提醒"),
    "training_notice_7d": gettext_lazy("培训提醒（提前一周）"),
    "training_notice_1d": gettext_lazy("培训提醒（提前一天）"),
    "meeting_arranged": gettext_lazy("约见已安排"),
    "meeting_moved": gettext_lazy("约见时间变更"),
    "meeting_declined": gettext_lazy("约见未能安排"),
    "meeting_held": gettext_lazy("约见已进行"),
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def latest_failed_by_deputy(deputy_ids: Iterable[int]) -> dict[int, Reach]:
    """Each deputy's latest text that failed for good (refused, or given up after the retries), in one
    query: shown to the staff even when a later message went through."""
    latest: dict[int, Reach] = {}
    rows = Reach.objects.filter(deputy_id__in=list(deputy_ids), failed_at__isnull=False).order_by(
        "deputy_id", "-failed_at", "-id"
    )
    for row in rows:
        latest.setdefault(row.deputy_id, row)
    return latest


def latest_by_deputy(deputy_ids: Iterable[int]) -> dict[int, Reach]:
    """Each deputy's latest reminder record, in one query."""
    latest: dict[int, Reach] = {}
    rows = Reach.objects.filter(deputy_id__in=list(deputy_ids)).order_by("deputy_id", "-created_at", "-id")
    for row in rows:
        latest.setdefault(row.deputy_id, row)
    return latest
