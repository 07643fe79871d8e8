"""The periods of the quota (§三(六)): the years that can be asked for, a year's bounds in
Asia/Shanghai, the part of a year a mandate covers, and the days elapsed for the pace."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

SHANGHAI = ZoneInfo("Asia/Shanghai")

# --- Periods --------------------------------------------------------------------------------------

# The first year progress and reports can be asked for; the last is next year (plans made ahead).
FIRST_YEAR = 2000


def years_accepted() -> tuple[int, int]:
    """The first and last year a progress or a report can be asked for."""
    return FIRST_YEAR, timezone.localdate().year + 1


def year_refused_message() -> str:
    """What to tell someone who asked for a year outside :func:`years_accepted`."""
    first, last = years_accepted()
    return _("年度应为%(first)s年至%(last)s年之间的年份。") % {"first": first, "last": last}


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def year_start_instant(year: int) -> datetime.datetime:
    """Midnight of 1 January in Asia/Shanghai: the year boundary for timestamps (opinions)."""
    return datetime.datetime(year, 1, 1, tzinfo=SHANGHAI)


def _day_start_instant(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=SHANGHAI)


def _day_end_instant(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in Asia/Shanghai."""
    return _day_start_instant(day + datetime.timedelta(days=1))


def _counting_end(year: int, as_of: datetime.date | None) -> datetime.date:
    """The last day counted: the year's end, or ``as_of`` if that is earlier."""
    end = year_bounds(year)[1]
    return min(end, as_of) if as_of else end


def served_period(
    start_date: datetime.date, end_date: datetime.date | None, year: int
) -> tuple[datetime.date, datetime.date] | None:
    """The part of the year the mandate covers, or None."""
    first, last = year_bounds(year)
    start = max(first, start_date)
    end = min(last, end_date) if end_date else last
    return (start, end) if start <= end else None


def _elapsed(period: tuple[datetime.date, datetime.date] | None, as_of: datetime.date) -> tuple[int, int]:
    """(days of the served period up to and including ``as_of``, days in the period)."""
    if period is None:
        return 0, 1
    start, end = period
    length = (end - start).days + 1
    return min(max((as_of - start).days + 1, 0), length), length
