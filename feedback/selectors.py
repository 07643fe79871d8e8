"""Reads: work queues and public tracking over the opinions a user sees (`feedback.permissions`)."""

from __future__ import annotations

import datetime

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from . import archive, deadlines
from .models import Assignment, Opinion, OpinionEvent
from .permissions import opinions_visible_to


def filter_opinions(
    opinions: QuerySet[Opinion],
    *,
    state: str | None = None,
    level: str | None = None,
    region=None,
    channel: str | None = None,
    overdue: bool | None = None,
    stage: str | None = None,
    q: str | None = None,
    awaiting_publication: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Opinion]:
    """The queue filters: state, level, region (a street/town includes its committees), channel,
    overdue (`feedback.deadlines.overdue_q`; with `stage`, overdue at that step: route, reply or
    feedback), and a search over text, code and number."""
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
        late = deadlines.overdue_q(now or timezone.now())
        if stage:
            late &= stage_q(stage)
        opinions = opinions.filter(late) if overdue else opinions.exclude(late)
    if awaiting_publication:
        opinions = opinions.filter(archive.awaiting_review_q())
    if q:
        q = q.strip()
        text = Q(content__icontains=q) | Q(category__icontains=q)
        if len(q) >= 8:
            text |= Q(tracking_code__iexact=q)
        if q.isdigit():
            text |= Q(pk=int(q))
        opinions = opinions.filter(text)
    return opinions


def stage_q(stage: str) -> Q:
    """The opinions whose current step is `stage` (a step without a kind counts as routing, as in
    `feedback.deadlines.overdue_by_stage`)."""
    if stage == deadlines.STAGES[0]:
        return Q(due_kind=stage) | Q(due_kind="")
    return Q(due_kind=stage)


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
    stage: str | None = None,
    q: str | None = None,
    awaiting_publication: bool = False,
    now: datetime.datetime | None = None,
    sort: str = "",
) -> QuerySet[Opinion]:
    """A work queue: the opinions `user` may see, filtered, with what list rows need pre-fetched."""
    opinions = filter_opinions(
        opinions_visible_to(user),
        state=state,
        level=level,
        region=region,
        channel=channel,
        overdue=overdue,
        stage=stage,
        q=q,
        awaiting_publication=awaiting_publication,
        now=now,
    )
    if sort:
        opinions = sorted_queue(opinions, sort, now=now)
    return with_list_related(opinions)


SORT_DEADLINE = "deadline"
SORT_RECEIVED = "received"


def sorted_queue(opinions: QuerySet[Opinion], sort: str, *, now=None) -> QuerySet[Opinion]:
    """The queue's order: by deadline (the default) — overdue items first, then the nearest due date,
    items without a deadline last — or by date received, newest first."""
    if sort == SORT_RECEIVED:
        return opinions.order_by("-received_at", "-id")
    late = deadlines.overdue_q(now or timezone.now())
    return opinions.annotate(
        is_late=Case(When(late, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("is_late", F("due_at").asc(nulls_last=True), "-received_at", "-id")


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
