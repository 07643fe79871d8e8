"""Delivery tasks: e-mail and SMS for one notification each.

At most once: each send is claimed in the database first (`ops.claims.deliver_once`, key
``notification:<id>:email`` or ``:sms``), committed before the message leaves, then the row is stamped.
A retry, a second copy of the task, or the task redelivered after its worker was killed mid-send
finds the claim (or the stamp) and sends nothing. A failure (OSError: SMTP and gateway errors) gives
the claim back and is retried with exponential backoff; the row stays unstamped until a send succeeds.

A retry may come hours after the notification was written, so each send re-checks the recipient at
that moment: a deactivated user, a channel the user has since turned off for that kind, or a removed
address or number means nothing is sent (logged, row left unstamped: it was never delivered that way).
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import sms
from accounts.models import Notification
from accounts.notify import channels_for
from ops.claims import deliver_once

logger = logging.getLogger(__name__)

SMS_MAX_CHARS = 300
# Reminder sweeps: idempotent (keyed notifications), so a database hiccup is simply retried.
SWEEP_OPTIONS = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 60,
    "retry_kwargs": {"max_retries": 3},
    "acks_late": True,
    "soft_time_limit": 10 * 60,
    "time_limit": 12 * 60,
}
DELIVERY_OPTIONS = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    # Below the broker's visibility timeout (settings.CELERY_VISIBILITY_TIMEOUT): a retry waiting
    # longer on a worker would be redelivered to another one meanwhile.
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
    "retry_kwargs": {"max_retries": 8},
    "acks_late": True,
    "soft_time_limit": 60,
    "time_limit": 90,
}


def last_try(task) -> bool:
    """Whether the running try of a `DELIVERY_OPTIONS` task is its last: a failure now is for good."""
    limit = task.retry_kwargs.get("max_retries", task.max_retries)
    return limit is not None and task.request.retries >= limit


def _may_send(notification: Notification, channel: str) -> bool:
    """Whether the recipient may still get this notification by `channel` ("email" or "sms") now:
    an active user, with an address for it, who has not turned that channel off for the kind."""
    user = notification.recipient
    address = user.email if channel == "email" else user.phone
    if user.is_active and address:
        channels = channels_for([user], [notification.kind])[(user.pk, notification.kind)]
        if getattr(channels, channel):
            return True
    logger.info(
        "Notification %s not sent by %s: the recipient is inactive, has no address or turned it off.",
        notification.pk,
        channel,
    )
    return False


def _pending(notification_id: int, stamp: str) -> Notification | None:
    return (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, **{f"{stamp}__isnull": True})
        .first()
    )


@shared_task(name="accounts.tasks.send_notification_email", **DELIVERY_OPTIONS)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification at most once (claimed, then sent, then stamped)."""
    notification = _pending(notification_id, "emailed_at")
    if notification is None or not _may_send(notification, "email"):
        return False

    def send():
        send_mail(
            subject=notification.title,
            message=f"{notification.body}\n\n{notification.url}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )

    if not deliver_once(f"notification:{notification.pk}:email", send):
        return False
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@shared_task(name="accounts.tasks.send_notification_sms", bind=True, **DELIVERY_OPTIONS)
def send_notification_sms(self, notification_id: int) -> bool:
    """Text one notification at most once (title and the start of the body): claimed, sent, stamped.
    A permanent failure, or a failure at the last retry, is recorded on the notification."""
    notification = _pending(notification_id, "sms_sent_at")
    if notification is None or notification.sms_failed_at or not _may_send(notification, "sms"):
        return False
    text = f"{notification.title}：{notification.body}" if notification.body else notification.title

    def send():
        sms.send_sms(phone=notification.recipient.phone, text=text[:SMS_MAX_CHARS])

    try:
        sent = deliver_once(f"notification:{notification.pk}:sms", send)
    except sms.SmsRejected as error:  # permanent: another try fails the same way (claim given back)
        logger.warning("Notification %s not sent by SMS: %s", notification.pk, error)
        _sms_failed(notification.pk, str(error))
        return False
    except OSError as error:
        if last_try(self):
            _sms_failed(notification.pk, _("多次重试后仍未发出（%(error)s）") % {"error": error})
        raise
    if not sent:
        return False
    Notification.objects.filter(pk=notification.pk).update(sms_sent_at=timezone.now())
    return True


def _sms_failed(notification_id: int, reason: str) -> None:
    Notification.objects.filter(pk=notification_id, sms_sent_at__isnull=True).update(
        sms_failed_at=timezone.now(), sms_failure=reason[:200]
    )


def parse_day(value: str | None) -> datetime.date:
    """A task's `as_of` argument: an ISO date (or datetime), or None for today in Asia/Shanghai."""
    if not value:
        return timezone.localdate()
    if "T" in value or " " in value:
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return timezone.localtime(moment).date()
    return datetime.date.fromisoformat(value)


def parse_moment(value: str | None) -> datetime.datetime:
    """`as_of` for deadline sweeps: an ISO datetime, or a date meaning the start of that day in
    Asia/Shanghai, or None for now."""
    if not value:
        return timezone.now()
    if "T" in value or " " in value:
        moment = datetime.datetime.fromisoformat(value)
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    day = datetime.date.fromisoformat(value)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())
