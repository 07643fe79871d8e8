"""The transition table: who may take which action from which state, and what it needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from accounts.models import Role
from deputies import permissions as access

from ..models import (
    Opinion,
    OpinionState,
    Outcome,
    Rating,
    RejectReason,
    RouteLevel,
    SuggestionKind,
    VerifyMethod,
)

S = OpinionState
MAX_NOTE = 5000


class WorkflowError(Exception):
    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ActionNotAllowed(WorkflowError):
    """The actor may not take this action on this opinion (HTTP 403)."""


class ActionConflict(WorkflowError):
    """The opinion is not (or no longer) in a state where the action applies (HTTP 409)."""


# --- Who is acting --------------------------------------------------------------------------------


@dataclass
class Actor:
    """What the permission predicates need to know about a user, computed once per call."""

    user: Any
    deputy_ids: frozenset[int] = frozenset()
    org_id: int | None = None
    role: str = Role.PUBLIC
    is_admin: bool = False
    district_wide: bool = False
    region_ids: frozenset[int] = frozenset()
    _assigned: dict[int, bool] = field(default_factory=dict)

    @property
    def is_public(self) -> bool:
        return self.user is None or not self.user.is_authenticated

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON_STAFF and self.org_id is not None

    def has_open_assignment(self, opinion: Opinion) -> bool:
        if self.role != Role.UNIT_STAFF or self.org_id is None:
            return False
        if opinion.pk not in self._assigned:
            self._assigned[opinion.pk] = opinion.assignments.filter(
                organization_id=self.org_id, replied_at__isnull=True
            ).exists()
        return self._assigned[opinion.pk]


def actor_for(user) -> Actor:
    if access.is_anonymous(user):
        return Actor(user=None)
    region_ids: frozenset[int] = frozenset()
    if access.jurisdiction_region(user) is not None:
        region_ids = frozenset(access.regions_in_jurisdiction(user).values_list("id", flat=True))
    return Actor(
        user=user,
        deputy_ids=frozenset(access.own_deputy_ids(user)),
        org_id=user.organization_id if access.staff_organization(user) is not None else None,
        role=access.role_of(user),
        is_admin=access.is_admin(user),
        district_wide=access.is_district_wide(user),
        region_ids=region_ids,
    )


# --- Permission predicates (the "who" column) ------------------------------------------------------


def deputy_in_charge(actor: Actor, opinion: Opinion) -> bool:
    """The deputy it is addressed to, or the lower-level deputy who passed it up."""
    return bool(actor.deputy_ids) and (
        opinion.deputy_id in actor.deputy_ids or opinion.origin_deputy_id in actor.deputy_ids
    )


def liaison_in_charge(actor: Actor, opinion: Opinion) -> bool:
    """Administrators; staff of the body it is routed to; a street/town body for its own area."""
    if actor.is_admin:
        return True
    if not actor.is_liaison:
        return False
    return opinion.organization_id == actor.org_id or opinion.region_id in actor.region_ids


def current_body(actor: Actor, opinion: Opinion) -> bool:
    """Administrators, or staff of the body the opinion is now with."""
    return actor.is_admin or (actor.is_liaison and opinion.organization_id == actor.org_id)


def assigned_unit(actor: Actor, opinion: Opinion) -> bool:
    return actor.has_open_assignment(opinion)


def citizen(actor: Actor, opinion: Opinion) -> bool:
    """The citizen, who holds the tracking code (checked by the caller)."""
    return actor.is_public


def any_of(*predicates: Callable[[Actor, Opinion], bool]) -> Callable[[Actor, Opinion], bool]:
    def check(actor: Actor, opinion: Opinion) -> bool:
        return any(predicate(actor, opinion) for predicate in predicates)

    check.__name__ = " | ".join(p.__name__ for p in predicates)
    return check


# --- What each action needs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One piece of data an action takes; pages and the API build their forms from these."""

    name: str
    label: str
    kind: str  # text, choice, organizations, opinion, deputy, date, bool
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


def _choices(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in text_choices.choices)


PUBLIC_NOTE = Field("public_note", gettext_lazy("公开说明（群众可见）"), "text")
INTERNAL_NOTE = Field("internal_note", gettext_lazy("内部备注"), "text")


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str  # the usual target; `resolve_target` may pick another listed in `targets`
    who: Callable[[Actor, Opinion], bool]
    fields: tuple[Field, ...] = ()
    targets: tuple[str, ...] = ()
    guard: Callable[[Opinion], bool] | None = None

    @property
    def possible_targets(self) -> tuple[str, ...]:
        return self.targets or (self.target,)


def _rate_guard(opinion: Opinion) -> bool:
    # Once per feedback: a new feedback (after a reopen) may be rated again.
    if opinion.rated_at is None:
        return True
    return opinion.fed_back_at is not None and opinion.rated_at < opinion.fed_back_at


_TABLE = (
    Transition(
        "answer",
        gettext_lazy("直接答复"),
        (S.RECEIVED, S.VERIFYING),
        S.ANSWERED,
        any_of(deputy_in_charge, liaison_in_charge),
        (Field("public_note", gettext_lazy("答复内容（群众可见）"), "text", required=True), INTERNAL_NOTE),
    ),
    Transition(
        "verify",
        gettext_lazy("核实"),
        (S.RECEIVED, S.MODERATION),
        S.VERIFYING,
        any_of(deputy_in_charge, liaison_in_charge),
        (
            Field(
                "method", gettext_lazy("核实方式"), "choice", required=True, choices=_choices(VerifyMethod)
            ),
            Field("internal_note", gettext_lazy("核实情况记录"), "text", required=True),
            PUBLIC_NOTE,
        ),
    ),
    Transition(
        "route",
        gettext_lazy("按层级转交"),
        (S.RECEIVED, S.VERIFYING, S.MODERATION),
        S.ROUTED,
        any_of(deputy_in_charge, liaison_in_charge),
        (
            Field("level", gettext_lazy("层级"), "choice", required=True, choices=_choices(RouteLevel)),
            Field("kind", gettext_lazy("区级：提出方式"), "choice", choices=_choices(SuggestionKind)),
            Field("deputy", gettext_lazy("区级：提出建议的区人大代表"), "deputy"),
            Field("difficult", gettext_lazy("区级：涉及面广、办理难度大"), "bool"),
            PUBLIC_NOTE,
            INTERNAL_NOTE,
        ),
    ),
    Transition(
        "assign",
        gettext_lazy("交办"),
        (S.ROUTED,),
        S.ASSIGNED,
        current_body,
        (
            Field("units", gettext_lazy("承办单位"), "organizations", required=True),
            Field("due_date", gettext_lazy("答复期限"), "date"),
            PUBLIC_NOTE,
            INTERNAL_NOTE,
        ),
    ),
    Transition(
        "reply",
        gettext_lazy("答复办理结果"),
        (S.ASSIGNED,),
        S.REPLIED,
        any_of(assigned_unit, current_body),
        (
            Field("outcome", gettext_lazy("办理结果"), "choice", required=True, choices=_choices(Outcome)),
            Field("text", gettext_lazy("答复内容"), "text", required=True),
            Field("unit", gettext_lazy("代承办单位登记：承办单位"), "organization"),
        ),
        targets=(S.REPLIED, S.ASSIGNED),
    ),
    Transition(
        "relay",
        gettext_lazy("将答复送达代表"),
        (S.REPLIED,),
        S.RELAYED,
        any_of(liaison_in_charge, deputy_in_charge),
        (PUBLIC_NOTE, INTERNAL_NOTE),
    ),
    Transition(
        "feedback",
        gettext_lazy("向群众反馈"),
        (S.REPLIED, S.RELAYED),
        S.FED_BACK,
        any_of(deputy_in_charge, liaison_in_charge),
        (Field("public_note", gettext_lazy("反馈内容（群众可见）"), "text", required=True), INTERNAL_NOTE),
    ),
    Transition(
        "close",
        gettext_lazy("办结"),
        (S.ANSWERED, S.FED_BACK),
        S.CLOSED,
        any_of(liaison_in_charge, deputy_in_charge),
        (INTERNAL_NOTE,),
    ),
    Transition(
        "reject",
        gettext_lazy("不予受理"),
        (S.RECEIVED, S.MODERATION, S.VERIFYING, S.ROUTED),
        S.REJECTED,
        any_of(liaison_in_charge, deputy_in_charge),
        (
            Field(
                "reason",
                gettext_lazy("不予受理原因"),
                "choice",
                required=True,
                choices=_choices(RejectReason),
            ),
            PUBLIC_NOTE,
            INTERNAL_NOTE,
        ),
    ),
    Transition(
        "merge",
        gettext_lazy("合并办理"),
        (S.RECEIVED, S.MODERATION, S.VERIFYING, S.ROUTED),
        S.MERGED,
        liaison_in_charge,
        (Field("target", gettext_lazy("合并至（意见编号）"), "opinion", required=True), INTERNAL_NOTE),
    ),
    Transition(
        "reopen",
        gettext_lazy("重新办理"),
        (S.ANSWERED, S.FED_BACK, S.CLOSED, S.REJECTED, S.MERGED),
        S.VERIFYING,
        liaison_in_charge,
        (Field("reason", gettext_lazy("重新办理理由"), "text", required=True), PUBLIC_NOTE),
    ),
    Transition(
        "rate",
        gettext_lazy("评价"),
        (S.ANSWERED, S.FED_BACK, S.CLOSED),
        S.CLOSED,
        citizen,
        (
            Field("rating", gettext_lazy("评价"), "choice", required=True, choices=_choices(Rating)),
            Field("comment", gettext_lazy("意见"), "text"),
        ),
        targets=(S.CLOSED, S.VERIFYING),
        guard=_rate_guard,
    ),
)

TRANSITIONS: dict[str, Transition] = {t.action: t for t in _TABLE}
ACTIONS: tuple[str, ...] = tuple(TRANSITIONS)
# The actions staff, deputies and units take (the citizen's `rate` goes through the tracking code).
STAFF_ACTIONS: tuple[str, ...] = tuple(a for a in ACTIONS if a != "rate")


def fields_for(action: str) -> tuple[Field, ...]:
    return TRANSITIONS[action].fields


# --- Queries ------------------------------------------------------------------------------------


def state_allows(transition: Transition, opinion: Opinion) -> bool:
    return opinion.state in transition.sources and (transition.guard is None or transition.guard(opinion))


def allowed_actions(opinion: Opinion, user) -> list[str]:
    """The actions `user` may take on `opinion` now, in table order."""
    actor = user if isinstance(user, Actor) else actor_for(user)
    return [t.action for t in _TABLE if state_allows(t, opinion) and t.who(actor, opinion)]


def may_act(opinion: Opinion, user, action: str) -> bool:
    return action in allowed_actions(opinion, user)
