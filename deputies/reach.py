"""How reminders reach deputies (§五(一)): the ledger of one row per deputy, reminder and period.

A deputy with an active account gets the reminder as an in-app message (and by e-mail or SMS if they
chose so); a deputy without one, or who never activated it, gets it by SMS to the mobile on file; a
deputy with neither is recorded as not reachable, so the liaison staff see whom to call. The unique
(deputy, kind, period) row is claimed before anything is sent: a second run, a retry or a concurrent
run sends nothing again, by any channel.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Reach


def latest_by_deputy(deputy_ids: Iterable[int]) -> dict[int, Reach]:
    """Each deputy's latest reminder record, in one query."""
    latest: dict[int, Reach] = {}
    for row in Reach.objects.filter(deputy_id__in=list(deputy_ids)).order_by(
        "deputy_id", "-created_at", "-id"
    ):
        latest.setdefault(row.deputy_id, row)
    return latest
