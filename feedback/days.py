"""Days in the portal's time zone (Asia/Shanghai): the pure ground of `feedback.deadlines`, which the
models may use too without importing the deadline rules (that import went in a circle: issue 11)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of `day` in the portal's time zone (Asia/Shanghai), as an aware datetime."""
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=tz)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def on_time(done_at: datetime.datetime, due_at: datetime.datetime | None) -> bool:
    """Done on or before the due day (Asia/Shanghai): a reply at 23:59 of the due day is on time,
    one at 00:00 of the next day is late."""
    return due_at is None or local_day(done_at) <= local_day(due_at)
