"""Reads: who sees which opinions (through `accounts.scoping`), work queues, public tracking."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts import scoping
from accounts.models import Role

from . import deadlines
from .models import FINAL_STATES, Assignment, Opinion, OpinionEvent


def opinions_visible_to(user) -> QuerySet[Opinion]:
    """Deputies: their own (also what they passed up); a street/town body: its area and what is
    routed to it; a handling unit: what is assigned to it; administrators and district-wide bodies:
    everything. The public: nothing (they use the tracking code)."""
    opinions = Opinion.objects.all()
    if scoping.is_anonymous(user):
        return opinions.none()
    if scoping.is_district_wide(user):
        return opinions
    condition = Q(pk__in=[])
    deputy_ids = scoping.own_deputy_ids(user)
    if deputy_ids:
        condition |= Q(deputy_id__in=deputy_ids) | Q(origin_deputy_id__in=deputy_ids)
    org = scoping.staff_organization(user)
    if org is not None and user.role == Role.LIAISON_STAFF:
        condition |= Q(organization_id=org.pk) | Q(region__in=scoping.regions_in_jurisdiction(user))
    if org is not None and user.role == Role.UNIT_STAFF:
        condition |= Exists(Assignment.objects.filter(opinion=OuterRef("pk"), organization_id=org.pk))
    return opinions.filter(condition)


def late_at(now: datetime.datetime) -> Q:
    """Overdue at ``now``: past the stored due date and still open (the queue's overdue filter)."""
    return Q(due_at__lt=now) & ~Q(state__in=FINAL_STATES)


def filter_opinions(
    opinions: QuerySet[Opinion],
    *,
    state: str | None = None,
    level: str | None = None,
    region=None,
    channel: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Opinion]:
    """The queue filters: state, level, region (a street/town includes its committees), channel,
    overdue (past the stored due date and still open), and a search over text, code and number."""
    if state:
        opinions = opinions.filter(state=state)
    if level:
        opinions = opinions.filter(level=level)
    if region:
        region_id = getattr(region, "pk", region)
        opinions = opinions.filter(Q(region_id=region_id) | Q(region__parent_id=region_id))
    if channel:
        opinions = opinions.filter(channel=channel)
    if overdue is not None:
        now = now or timezone.now()
        late = late_at(now)
        opinions = opinions.filter(late) if overdue else opinions.exclude(late)
    if q:
        q = q.strip()
        text = Q(content__icontains=q) | Q(category__icontains=q)
        if len(q) >= 8:
            text |= Q(tracking_code__iexact=q)
        if q.isdigit():
            text |= Q(pk=int(q))
        opinions = opinions.filter(text)
    return opinions


def with_list_related(opinions: QuerySet[Opinion]) -> QuerySet[Opinion]:
    """What list rows show, fetched up front: a fixed number of queries for any page size."""
    return opinions.with_related().prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("organization"))
    )


def queue_for(
    user,
    *,
    state: str | None = None,
    level: str | None = None,
    region=None,
    channel: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    now: datetime.datetime | None = None,
) -> QuerySet[Opinion]:
    """A work queue: the opinions `user` may see, filtered, with what list rows need pre-fetched."""
    opinions = filter_opinions(
        opinions_visible_to(user),
        state=state,
        level=level,
        region=region,
        channel=channel,
        overdue=overdue,
        q=q,
        now=now,
    )
    return with_list_related(opinions)


def opinion_for(user, pk) -> Opinion | None:
    """One opinion by id if `user` may see it (callers answer 404 otherwise)."""
    return queue_for(user).filter(pk=pk).first()


def opinion_for_tracking(code: str) -> Opinion | None:
    """The opinion a citizen's tracking code opens (exact match; codes are unguessable)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    opinions = Opinion.objects.select_related("region", "deputy", "deputy__person")
    return opinions.filter(tracking_code=code).first()


def public_timeline(opinion: Opinion) -> list[OpinionEvent]:
    """What the citizen sees: time, state and the public note of each step; nothing internal."""
    fields = ("id", "opinion_id", "action", "from_state", "to_state", "public_note", "created_at")
    return list(opinion.events.only(*fields))


def timeline(opinion: Opinion) -> list[OpinionEvent]:
    """The whole timeline, for staff."""
    return list(opinion.events.select_related("actor"))


def deadline_status(opinion: Opinion, now: datetime.datetime | None = None) -> str:
    return deadlines.deadline_status(opinion, now)
