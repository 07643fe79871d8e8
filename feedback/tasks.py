"""Celery tasks of the opinion workflow. Tasks take ids (or an `as_of` date) and call one function."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import notifications, privacy


@shared_task(
    name="feedback.tasks.notify_opinion_event",
    acks_late=True,
    autoretry_for=(OSError,),  # a mail or SMS gateway failure; every delivery is keyed, so retries are safe
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def notify_opinion_event(event_id: int) -> int:
    """Tell whoever must act next about one transition (enqueued after commit by the workflow)."""
    return notifications.notify_event(event_id)


@shared_task(name="feedback.tasks.anonymize_closed_opinions")
def anonymize_closed_opinions(as_of: str | None = None) -> int:
    """Retention: blank the contact details of opinions closed longer than OPINION_RETENTION_MONTHS."""
    now = timezone.now()
    if as_of:
        day = datetime.date.fromisoformat(as_of)
        now = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_default_timezone())
    return privacy.anonymize_closed_opinions(now=now)
