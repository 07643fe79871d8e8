"""The transition table: who may take which action from which state, and what it needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from songjiang_liaison import errors

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
from ..permissions import (
    Actor,
    actor_for,
    any_of,
    assigned_unit,
    citizen,
    current_body,
    deputy_in_charge,
    liaison_in_charge,
)

S = OpinionState
MAX_NOTE = 5000


class WorkflowError(errors.ServiceError):
    """A refused action; the API's exception handler answers each kind with its status code."""


class ActionNotAllowed(WorkflowError, errors.NotAllowed):
    """The actor may not take this action on this opinion (HTTP 403)."""


class ActionConflict(WorkflowError, errors.Conflict):
    """The opinion is not (or no longer) in a state where the action applies (HTTP 409)."""


# --- What each action needs ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One piece of data an action takes; pages and the API build their forms from these."""

    name: str
    label: str
    kind: str  # text, choice, organizations, opinion, deputy, date, bool
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    max_length: int = MAX_NOTE  # for text


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
            Field("comment", gettext_lazy("意见"), "text", max_length=1000),
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
