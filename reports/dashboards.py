"""Reads for the dashboards on each role's home page (issue 6 item 5): selectors only, no rules.

Every figure comes from the module that owns its rule: quota progress and pace from
``contacts.quotas`` (§三(六)), who sees which deputies from ``deputies.permissions`` (§五(二)), the work
queue and its overdue filter from ``feedback.selectors`` (§四), the on-time rates from
``reports.handling``. Each dashboard runs a fixed number of queries whatever the number of deputies
or opinions. Opinion rows carry the tracking code, category, region and deadline only: never a
submitter's name, phone or address.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from contacts import quotas
from deputies import permissions as access
from deputies.models import Deputy
from feedback import deadlines
from feedback import selectors as opinion_selectors
from feedback.models import FINAL_STATES

from . import handling
from .selectors import deputies_for_report

BEHIND_LIST_LIMIT = 10
OVERDUE_LIST_LIMIT = 10
# Opinion fields a dashboard row may show (no submitter field, no content).
OPINION_ROW_FIELDS = ("pk", "tracking_code", "category", "region__name", "due_at", "state")

# Which dashboard each role sees on the home page.
DEPUTY = "deputy"
LIAISON = "liaison"
UNIT = "unit"
COMMITTEE = "committee"
ADMIN = "admin"


@dataclass(frozen=True)
class QueueCounts:
    """A work queue at a glance: open (not closed, rejected or merged, as the queue page shows by
    default), past the current step's due date, and past it by more than the long-overdue margin."""

    open: int
    overdue: int
    long_overdue: int
    # Overdue per stage (route, reply, feedback): `feedback.deadlines.overdue_by_stage`, the same
    # numbers as the handling report's.
    by_stage: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MandateProgress:
    deputy: Deputy
    progress: quotas.Progress


@dataclass
class Jurisdiction:
    """Deputies a user oversees, for the year: totals and those behind pace, most missing first."""

    total: int = 0
    compliant: int = 0
    exempt: int = 0
    behind_count: int = 0
    behind: list[quotas.Progress] = field(default_factory=list)
    rows: list[quotas.Progress] = field(default_factory=list)

    @property
    def compliant_percent(self) -> float:
        return round(100 * self.compliant / self.total, 1) if self.total else 0.0


@dataclass
class Dashboard:
    kind: str
    year: int
    mandates: list[MandateProgress] = field(default_factory=list)
    queue: QueueCounts | None = None
    overdue_items: list[dict] = field(default_factory=list)
    jurisdiction: Jurisdiction | None = None
    handling: handling.HandlingStats | None = None


def _long_overdue_days() -> int:
    return settings.OPINION_LONG_OVERDUE_DAYS


def queue_counts(user, *, now: datetime.datetime | None = None) -> QueueCounts:
    """One query over the user's queue (`feedback.selectors.queue_for`): open, overdue and long
    overdue and the overdue by stage counted together. Overdue is `feedback.deadlines.overdue_q`, the
    one rule; long overdue is the same filter taken as of ``now − OPINION_LONG_OVERDUE_DAYS``, i.e.
    exactly `feedback.deadlines.status_for`'s "long_overdue"."""
    now = now or timezone.now()
    long_ago = now - datetime.timedelta(days=_long_overdue_days())
    queue = opinion_selectors.queue_for(user)
    counts = queue.aggregate(
        open=Count("pk", filter=~Q(state__in=FINAL_STATES)),
        overdue=Count("pk", filter=deadlines.overdue_q(now)),
        long_overdue=Count("pk", filter=deadlines.overdue_q(long_ago)),
        **deadlines.overdue_by_stage_aggregates(now),
    )
    by_stage = deadlines.stage_counts(counts)
    return QueueCounts(
        open=counts["open"],
        overdue=counts["overdue"],
        long_overdue=counts["long_overdue"],
        by_stage=by_stage,
    )


def overdue_items(
    user, *, now: datetime.datetime | None = None, limit: int = OVERDUE_LIST_LIMIT
) -> list[dict]:
    """The user's overdue opinions, the longest overdue first: tracking code, category, region,
    deadline and days past it. One query."""
    now = now or timezone.now()
    rows = (
        opinion_selectors.queue_for(user, overdue=True, now=now)
        .select_related(None)
        .prefetch_related(None)
        .order_by("due_at", "pk")
        .values(*OPINION_ROW_FIELDS)[:limit]
    )
    return [{**row, "days_overdue": (now - row["due_at"]).days} for row in rows]


def _missing_weight(progress: quotas.Progress) -> tuple:
    """Most missing first: the share of each measure still missing, summed; then by name."""
    share = sum(m.missing / m.required for m in progress.measures().values() if m.required)
    return (-share, progress.name, progress.deputy_id)


def jurisdiction_progress(
    deputies, year: int, *, limit: int = BEHIND_LIST_LIMIT, keep_rows: bool = False
) -> Jurisdiction:
    """Quota progress of these deputies for the year (one query, `quotas.progress_for_year`)."""
    rows = quotas.progress_for_year(year, deputies=deputies)
    behind = sorted((p for p in rows if p.behind_pace), key=_missing_weight)
    return Jurisdiction(
        total=len(rows),
        compliant=sum(p.compliant for p in rows),
        exempt=sum(p.exempt for p in rows),
        behind_count=len(behind),
        behind=behind[:limit],
        rows=rows if keep_rows else [],
    )


def own_mandates(user, year: int) -> list[MandateProgress]:
    """The user's own mandates serving in the year, with their progress: two queries."""
    ids = access.own_deputy_ids(user)
    if not ids:
        return []
    serving = quotas.deputies_serving_in_year(year).filter(pk__in=ids)
    mandates = list(serving.select_related("congress", "person").order_by("congress__level", "pk"))
    progress = {p.deputy_id: p for p in quotas.progress_for_year(year, deputies=serving)}
    return [MandateProgress(deputy=d, progress=progress[d.pk]) for d in mandates if d.pk in progress]


def dashboard_kind(user) -> str | None:
    if access.is_admin(user):
        return ADMIN
    if access.is_liaison_staff(user):
        return LIAISON
    if access.is_unit_staff(user):
        return UNIT
    if access.is_committee_member(user):
        return COMMITTEE
    if access.is_deputy(user):
        return DEPUTY
    return None


def dashboard_for(user, *, now: datetime.datetime | None = None) -> Dashboard | None:
    """The home-page dashboard of this user's role for the current year, or None (the public)."""
    kind = dashboard_kind(user)
    if kind is None:
        return None
    now = now or timezone.now()
    year = timezone.localtime(now).year
    board = Dashboard(kind=kind, year=year)
    if kind in (DEPUTY, COMMITTEE):
        # A committee member may hold a mandate too: their own progress comes first.
        board.mandates = own_mandates(user, year)
    if kind in (DEPUTY, LIAISON, UNIT) or (kind == COMMITTEE and board.mandates):
        board.queue = queue_counts(user, now=now)
    if kind == UNIT:
        board.overdue_items = overdue_items(user, now=now)
    if kind in (LIAISON, ADMIN):
        board.jurisdiction = jurisdiction_progress(deputies_for_report(user, year), year)
    if kind == COMMITTEE:
        linked = deputies_for_report(user, year).exclude(pk__in=access.own_deputy_ids(user))
        board.jurisdiction = jurisdiction_progress(linked, year, keep_rows=True)
    if kind == ADMIN:
        board.queue = queue_counts(user, now=now)
        board.handling = handling.handling_stats(user=user, year=year, now=now)
    return board
