"""The transactional outbox: a Celery task is recorded in the database with the change that calls for it.

    from ops.outbox import enqueue

    with transaction.atomic():
        event = OpinionEvent.objects.create(...)
        enqueue("feedback.tasks.notify_opinion_event", event.pk)

`enqueue(task, *args)` takes a task (object or registered name) and JSON-serialisable positional
arguments. It writes an `OutboxTask` row in the current transaction and, after the commit, hands the
task to the broker and stamps the row as sent. A rolled-back transaction takes its row with it: the
task never runs. When the broker (Redis) is unreachable the request goes on (a warning is logged, the
row stays unsent) and the beat sweep `ops.tasks.dispatch_outbox` (every minute) sends it once Redis is
back. So a task runs at least once; tasks must be idempotent (they are: they take ids, and outbound
messages are claimed with `ops.claims`).

`enqueue_many(task, [args, ...])` does the same for many calls with one INSERT (constant queries).

Call it where a `transaction.on_commit(lambda: task.delay(...))` would go; outside a transaction the
row is written and the task sent at once.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ops.models import OutboxTask

logger = logging.getLogger(__name__)

# settings.OUTBOX_GRACE_SECONDS: an unsent row younger than this is left to its own after-commit send
# (the sweep would double it). settings.OUTBOX_KEEP_DAYS: sent rows are kept this long (for the admin).


def broker_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "the broker is unreachable" (not "the task failed")."""
    from kombu.exceptions import OperationalError as KombuOperationalError

    errors: list[type[BaseException]] = [KombuOperationalError, ConnectionError, TimeoutError, OSError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis is a requirement
        pass
    return tuple(errors)


def _registered(name: str):
    """The task registered as `name`; outside a worker the task modules are imported on first use
    (every app's tasks.py, CELERY_IMPORTS). An unknown name is a programming error: LookupError."""
    from celery import current_app

    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    if name not in current_app.tasks:
        raise LookupError(f"No Celery task is registered as {name!r}.")
    return current_app.tasks[name]


def _task_name(task) -> str:
    name = task if isinstance(task, str) else task.name
    _registered(name)
    return name


def enqueue(task, *args) -> OutboxTask:
    """Record `task(*args)` in the current transaction and send it to the broker after the commit."""
    row = OutboxTask.objects.create(task_name=_task_name(task), args=list(args))
    transaction.on_commit(lambda: send(row))
    return row


def enqueue_many(task, args_list) -> list[OutboxTask]:
    """`enqueue` for many calls of one task, in one INSERT: `enqueue_many(task, [(1,), (2,)])`."""
    rows = OutboxTask.objects.bulk_create(
        [OutboxTask(task_name=_task_name(task), args=list(args)) for args in args_list]
    )
    if rows:
        transaction.on_commit(lambda: send_many(rows))
    return rows


def send_many(rows: list[OutboxTask]) -> int:
    """Hand rows to the broker in order, stamping the sent ones in one UPDATE; stops at a broker error."""
    sent = []
    for row in rows:
        if not _publish(row):
            break
        sent.append(row.pk)
    if sent:
        OutboxTask.objects.filter(pk__in=sent).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    return len(sent)


def send(row: OutboxTask) -> bool:
    """Hand one outbox row to the broker; stamp it sent. False (logged, row left) if the broker is down."""
    if not _publish(row):
        return False
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    return True


def _publish(row: OutboxTask) -> bool:
    try:
        _registered(row.task_name).apply_async(args=row.args, retry=False)
    except broker_errors() as exc:
        OutboxTask.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        logger.warning(
            "Broker unreachable, task %s (outbox %s) left for the sweep: %s",
            row.task_name,
            row.pk,
            exc.__class__.__name__,
        )
        return False
    except Exception as exc:
        # Anything else from Celery or kombu (a result store that gave up reconnecting, …): the row is
        # committed, so the change stands and the sweep sends it later; the request must not fail.
        OutboxTask.objects.filter(pk=row.pk).update(
            attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        logger.exception("Publishing task %s (outbox %s) failed; left for the sweep.", row.task_name, row.pk)
        return False
    return True


def dispatch(*, limit: int = 500, grace_seconds: int | None = None) -> int:
    """Send the unsent rows older than the grace period, oldest first; returns how many were sent.

    Stops at the first broker error (the rest would fail the same way). Rows are locked while being
    sent (skipped by a concurrent sweep on PostgreSQL). Also deletes sent rows older than
    `OUTBOX_KEEP_DAYS`.
    """
    if grace_seconds is None:
        grace_seconds = settings.OUTBOX_GRACE_SECONDS
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxTask.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, created_at__lte=now - datetime.timedelta(seconds=grace_seconds))
            .order_by("pk")[:limit]
        )
        sent = send_many(rows)
    keep = datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    OutboxTask.objects.filter(sent_at__lt=now - keep).delete()
    if sent:
        logger.info("Outbox sweep sent %s task(s).", sent)
    return sent


def pending_count() -> int:
    """How many tasks wait for the broker (shown by /healthz)."""
    return OutboxTask.objects.filter(sent_at__isnull=True).count()
