"""The one entry point that changes an opinion's state, the intake event, and the invariants."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access
from ops.outbox import enqueue

from ..models import Opinion, OpinionEvent
from .actions import clean_data, effect_of
from .steps import RECEIVED_NOTE, lock_related
from .table import TRANSITIONS, ActionConflict, ActionNotAllowed, Actor, S, actor_for, state_allows

# --- The entry point ------------------------------------------------------------------------------


def apply_action(
    *,
    opinion: Opinion,
    action: str,
    actor,
    data: dict | None = None,
    expected_state: str | None = None,
    now: datetime.datetime | None = None,
) -> Opinion:
    """Take `action` on `opinion` as `actor` (a user, or None for the citizen's rating).

    Raises ActionNotAllowed (not this actor's to take), ActionConflict (wrong state, or someone else
    changed the opinion first), ValidationError (bad data, with field errors; also when another row the
    data names changed first, e.g. a merge target that has meanwhile been merged or closed).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionNotAllowed(_("没有这项操作。"))
    who = actor if isinstance(actor, Actor) else actor_for(actor)
    now = now or timezone.now()
    expected = expected_state or opinion.state
    if not transition.who(who, opinion):
        raise ActionNotAllowed(_("您无权对这条意见执行“%(action)s”。") % {"action": transition.label})
    if expected != opinion.state or not state_allows(transition, opinion):
        raise ActionConflict(_("这条意见的状态已经变化，请刷新后再试。"))
    cleaned = clean_data(transition, opinion, who, data or {})

    with transaction.atomic():
        lock_related(transition, opinion, cleaned)
        effect = effect_of(transition, opinion, who, cleaned, now)
        # Compare-and-set on the state the actor saw (and the row version, so two units replying at
        # the same moment cannot both count the other as still open).
        updated = Opinion.objects.filter(pk=opinion.pk, state=expected, updated_at=opinion.updated_at).update(
            state=effect.target, updated_at=now, **effect.updates
        )
        if updated != 1:  # another person got there first
            raise ActionConflict(_("其他人刚刚处理了这条意见，请刷新后再试。"))
        if effect.after is not None:
            effect.after(opinion)
        event = OpinionEvent.objects.create(
            opinion=opinion,
            action=action,
            from_state=expected,
            to_state=effect.target,
            actor=who.user,
            internal_note=effect.internal_note,
            public_note=effect.public_note,
            data=effect.event_data,
        )
        _notify_after_commit(event.pk)
    opinion.refresh_from_db()
    return opinion


def initial_state(*, flagged: bool) -> str:
    """Intake: held for moderation when flagged (honeypot, blocked words), otherwise received."""
    return S.MODERATION if flagged else S.RECEIVED


def record_intake(*, opinion: Opinion, actor, internal_note: str = "", notify: bool = True) -> OpinionEvent:
    """The first timeline entry of a new opinion (called by `services.submit_opinion`)."""
    user = None if access.is_anonymous(actor) else actor
    event = OpinionEvent.objects.create(
        opinion=opinion,
        action="receive",
        from_state="",
        to_state=opinion.state,
        actor=user,
        internal_note=internal_note,
        public_note=RECEIVED_NOTE,
    )
    if notify:
        _notify_after_commit(event.pk)
    return event


def _notify_after_commit(event_id: int) -> None:
    # In the outbox, with the event: sent after commit, or by the beat sweep if Redis is down.
    enqueue("feedback.tasks.notify_opinion_event", event_id)


# --- Invariants (used by tests and by the admin's consistency check) -------------------------------


def replay(events) -> str | None:
    """The state the timeline leads to; raises ValueError when it does not chain."""
    state = None
    for event in events:
        if state is None:
            if event.from_state:
                raise ValueError(f"timeline starts from {event.from_state!r}")
        elif event.from_state != state:
            raise ValueError(f"event {event.pk} starts from {event.from_state!r}, expected {state!r}")
        if event.action != "receive":
            transition = TRANSITIONS.get(event.action)
            if transition is None or event.from_state not in transition.sources:
                raise ValueError(f"event {event.pk}: {event.action} is not allowed from {event.from_state}")
            if event.to_state not in transition.possible_targets:
                raise ValueError(f"event {event.pk}: {event.action} cannot lead to {event.to_state}")
        state = event.to_state
    return state


def check_invariants(opinion: Opinion) -> list[str]:
    """What is wrong with a stored opinion (empty list: nothing)."""
    problems = []
    if opinion.state not in S.values:
        problems.append(f"unknown state {opinion.state}")
    if opinion.state in (S.CLOSED, S.REJECTED, S.MERGED) and opinion.closed_at is None:
        problems.append("final without closed_at")
    if opinion.state == S.MERGED and opinion.merged_into_id is None:
        problems.append("merged without target")
    if opinion.state == S.REJECTED and not opinion.reject_reason:
        problems.append("rejected without reason")
    if opinion.state == S.ASSIGNED and not opinion.assignments.filter(replied_at__isnull=True).exists():
        problems.append("assigned without an open assignment")
    still_open = opinion.assignments.filter(replied_at__isnull=True).exists()
    if opinion.state in (S.REPLIED, S.RELAYED) and still_open:
        problems.append("replied with an open assignment")
    if opinion.state in (S.ROUTED, S.ASSIGNED, S.REPLIED, S.RELAYED) and not opinion.level:
        problems.append("routed without level")
    try:
        if replay(opinion.events.order_by("created_at", "id")) != opinion.state:
            problems.append("timeline does not replay to the stored state")
    except ValueError as exc:
        problems.append(str(exc))
    return problems
