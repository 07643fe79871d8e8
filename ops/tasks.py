"""Celery tasks of the ops app."""

from celery import shared_task

from ops import health, outbox


@shared_task(name="ops.tasks.dispatch_outbox", acks_late=True, soft_time_limit=120, time_limit=150)
def dispatch_outbox() -> int:
    """Send the outbox rows the broker did not take after their commit (beat, every minute), and stamp
    the worker's heartbeat for /healthz."""
    health.beat_heartbeat()
    return outbox.dispatch()
