"""Reports react to what the activities app announces (contacts.signals)."""

from contacts.signals import year_closed
from ops.outbox import enqueue


def snapshot_when_closed(sender, *, year: int, closed_year, **kwargs) -> None:
    """A closed year's compliance report is stored as submitted, after the close commits; the outbox
    keeps the task if Redis is down, and drops it if the close rolls back."""
    enqueue("reports.tasks.snapshot_closed_year", year, closed_year.pk)


def connect() -> None:
    year_closed.connect(snapshot_when_closed, dispatch_uid="reports.snapshot_when_closed")
