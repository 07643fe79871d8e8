"""The opinion workflow (§四, R-OP-2…4): one table of transitions and one entry point.

received ─answer→ answered (the deputy answers directly, §四(一))
received ─verify→ verifying (visits, forums, research, §四(一))
received/verifying ─route→ routed (by level, feedback/routing.py, §四(一) 1–5)
routed ─assign→ assigned (one or more handling units, with a due date)
assigned ─reply→ replied (solved / partly solved / cannot be solved now, §四(二))
replied ─relay→ relayed (the reply reaches the deputy; down to the lower-level deputy, §四(二))
relayed ─feedback→ fed_back (the deputy or the office tells the people, in public words, §四(二))
answered/fed_back ─close→ closed; ─rate→ (the citizen) closed, or back to verifying if dissatisfied
…─reject→ rejected (statutory reason, with a notice) · ─merge→ merged · closed… ─reopen→ verifying

`apply_action` is the only writer of `Opinion.state` after intake: it checks the actor's right,
validates the data, writes the new state with a compare-and-set on the expected state, appends an
`OpinionEvent` in the same transaction, and enqueues notifications after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import scoping
from accounts.models import Role

from . import deadlines, routing
from .models import (
    Assignment,
    DeadlineKind,
    Opinion,
    OpinionEvent,
    OpinionState,
    Outcome,
    Rating,
    RejectReason,
    RouteLevel,
    Suggestion,
    SuggestionKind,
    SuggestionState,
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
    if scoping.is_anonymous(user):
        return Actor(user=None)
    region_ids: frozenset[int] = frozenset()
    if scoping.jurisdiction_region(user) is not None:
        region_ids = frozenset(scoping.regions_in_jurisdiction(user).values_list("id", flat=True))
    return Actor(
        user=user,
        deputy_ids=frozenset(scoping.own_deputy_ids(user)),
        org_id=user.organization_id if scoping.staff_organization(user) is not None else None,
        role=scoping.role_of(user),
        is_admin=scoping.is_admin(user),
        district_wide=scoping.is_district_wide(user),
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


def _state_allows(transition: Transition, opinion: Opinion) -> bool:
    return opinion.state in transition.sources and (transition.guard is None or transition.guard(opinion))


def allowed_actions(opinion: Opinion, user) -> list[str]:
    """The actions `user` may take on `opinion` now, in table order."""
    actor = user if isinstance(user, Actor) else actor_for(user)
    return [t.action for t in _TABLE if _state_allows(t, opinion) and t.who(actor, opinion)]


def may_act(opinion: Opinion, user, action: str) -> bool:
    return action in allowed_actions(opinion, user)


# --- Data validation -------------------------------------------------------------------------------


def _text(data: dict, name: str, *, required: bool, errors: dict, max_length: int = MAX_NOTE) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        errors[name] = _("格式不正确。")
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = _("此项为必填项。")
    elif len(value) > max_length:
        errors[name] = _("不能超过%(max)d个字。") % {"max": max_length}
    return value


def _choice(data: dict, name: str, choices, *, required: bool, errors: dict) -> str:
    value = data.get(name) or ""
    if not value:
        if required:
            errors[name] = _("此项为必填项。")
        return ""
    if value not in choices.values:
        errors[name] = _("请选择有效的选项。")
        return ""
    return value


def _id(value) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def clean_data(transition: Transition, opinion: Opinion, actor: Actor, data: dict) -> dict:
    """Validate and normalise the data of one action; ValidationError with field errors."""
    from deputies.models import Deputy, Level, Organization

    errors: dict[str, str] = {}
    data = dict(data or {})
    out: dict[str, Any] = {
        "internal_note": _text(data, "internal_note", required=False, errors=errors),
        "public_note": _text(data, "public_note", required=False, errors=errors),
    }
    action = transition.action
    if action == "answer":
        out["public_note"] = _text(data, "public_note", required=True, errors=errors)
    elif action == "verify":
        out["method"] = _choice(data, "method", VerifyMethod, required=True, errors=errors)
        out["internal_note"] = _text(data, "internal_note", required=True, errors=errors)
    elif action == "route":
        level = _choice(data, "level", RouteLevel, required=True, errors=errors)
        out["level"] = level
        if level:
            try:
                out["organization"] = routing.route_target(level, opinion.region)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if level == RouteLevel.DISTRICT:
            out["kind"] = _choice(data, "kind", SuggestionKind, required=False, errors=errors) or (
                SuggestionKind.SUGGESTION
            )
            out["difficult"] = _bool(data.get("difficult"))
            deputy_id = _id(data.get("deputy"))
            current = opinion.deputy
            if deputy_id is not None:
                district_deputy = Deputy.objects.serving().district().filter(pk=deputy_id).first()
                if district_deputy is None:
                    errors["deputy"] = _("请选择在任的区人大代表。")
                out["deputy"] = district_deputy
            elif current is not None and current.congress.level == Level.DISTRICT:
                out["deputy"] = current
            else:
                errors["deputy"] = _("区级层面的意见须由区人大代表提出，请选择区人大代表。")
    elif action == "assign":
        raw = data.get("units") or []
        if isinstance(raw, str | int):
            raw = [raw]
        ids = {i for i in (_id(v) for v in raw) if i is not None}
        units = list(Organization.objects.handling_units().filter(pk__in=ids))
        if not ids:
            errors["units"] = _("请至少选择一个承办单位。")
        elif len(units) != len(ids):
            errors["units"] = _("请选择名册中的承办单位。")
        out["units"] = units
        due_date = data.get("due_date")
        if due_date:
            if isinstance(due_date, str):
                try:
                    due_date = datetime.date.fromisoformat(due_date)
                except ValueError:
                    errors["due_date"] = _("请输入有效的日期（YYYY-MM-DD）。")
                    due_date = None
            if isinstance(due_date, datetime.datetime):
                due_date = due_date.date()
            if isinstance(due_date, datetime.date) and due_date < timezone.localdate():
                errors["due_date"] = _("答复期限不能早于今天。")
        out["due_date"] = due_date or None
    elif action == "reply":
        out["outcome"] = _choice(data, "outcome", Outcome, required=True, errors=errors)
        out["text"] = _text(data, "text", required=True, errors=errors)
        unit_id = _id(data.get("unit"))
        open_assignments = opinion.assignments.filter(replied_at__isnull=True)
        if actor.has_open_assignment(opinion) and unit_id in (None, actor.org_id):
            out["assignment"] = open_assignments.get(organization_id=actor.org_id)
        else:
            assignment = open_assignments.filter(organization_id=unit_id).first() if unit_id else None
            if assignment is None:
                errors["unit"] = _("请选择尚未答复的承办单位。")
            out["assignment"] = assignment
    elif action == "feedback":
        out["public_note"] = _text(data, "public_note", required=True, errors=errors)
    elif action == "reject":
        out["reason"] = _choice(data, "reason", RejectReason, required=True, errors=errors)
        if out["reason"] and not out["public_note"]:
            out["public_note"] = _("经审查，您反映的事项%(reason)s，依照规定不予受理。") % {
                "reason": RejectReason(out["reason"]).label
            }
    elif action == "merge":
        from .selectors import opinions_visible_to

        target_id = _id(data.get("target"))
        target = None
        if target_id is None:
            errors["target"] = _("请填写要合并至的意见编号。")
        elif target_id == opinion.pk:
            errors["target"] = _("不能合并至本条意见。")
        else:
            if actor.is_admin:
                visible = Opinion.objects.all()
            elif actor.user is not None:
                visible = opinions_visible_to(actor.user)
            else:
                visible = Opinion.objects.none()
            target = visible.filter(pk=target_id).exclude(state=S.MERGED).first()
            if target is None:
                errors["target"] = _("找不到可合并的意见。")
        out["target"] = target
        out["public_note"] = out["public_note"] or _("您反映的事项已与内容相同的意见合并办理。")
    elif action == "reopen":
        out["reason"] = _text(data, "reason", required=True, errors=errors)
    elif action == "rate":
        out["rating"] = _choice(data, "rating", Rating, required=True, errors=errors)
        out["comment"] = _text(data, "comment", required=False, errors=errors, max_length=1000)
    if errors:
        raise ValidationError(errors)
    return out


# --- Effects ------------------------------------------------------------------------------------


@dataclass
class Effect:
    target: str
    updates: dict[str, Any]
    after: Callable[[Opinion], None] | None = None  # related rows, written after the compare-and-set
    event_data: dict[str, Any] = field(default_factory=dict)
    internal_note: str = ""
    public_note: str = ""


def _effect(transition: Transition, opinion: Opinion, actor: Actor, d: dict, now) -> Effect:
    action = transition.action
    note, public = d.get("internal_note", ""), d.get("public_note", "")
    updates: dict[str, Any] = {}
    after = None
    data: dict[str, Any] = {}
    target = transition.target

    if action == "answer":
        updates = {"public_reply": public, "fed_back_at": now, "due_at": None, "due_kind": ""}
    elif action == "verify":
        updates = {"verify_method": d["method"]}
        data = {"method": d["method"]}
    elif action == "route":
        level, org = d["level"], d["organization"]
        updates = {
            "level": level,
            "organization": org,
            "routed_at": now,
            "due_at": deadlines.reply_due_for(now, level),
            "due_kind": DeadlineKind.REPLY,
        }
        data = {"level": level, "organization": org.pk}
        if level == RouteLevel.DISTRICT:
            district_deputy = d["deputy"]
            if opinion.deputy_id and opinion.deputy_id != district_deputy.pk:
                updates["origin_deputy"] = opinion.deputy  # §四(二): it comes back down to them
            updates["deputy"] = district_deputy
            data.update({"deputy": district_deputy.pk, "kind": d["kind"], "difficult": d["difficult"]})
            if d["difficult"]:
                updates["due_at"] = deadlines.suggestion_due(now, difficult=True)

            def after(op: Opinion, d=d, deputy=district_deputy) -> None:
                Suggestion.objects.create(
                    kind=d["kind"],
                    title=op.content.strip().splitlines()[0][:60],
                    content=op.content,
                    deputy=deputy,
                    opinion=op,
                    difficult=d["difficult"],
                    submitted_at=now,
                    # A confidential opinion is never published, not even as a suggestion's text.
                    is_public=not op.confidential,
                )
    elif action == "assign":
        units = d["units"]
        if d["due_date"]:
            due = deadlines.end_of_day(d["due_date"])
        elif opinion.level == RouteLevel.DISTRICT:
            due = deadlines.suggestion_due(now, difficult=_is_difficult(opinion))
        else:
            due = deadlines.reply_due_for(now, opinion.level or RouteLevel.STREET)
        updates = {"due_at": due, "due_kind": DeadlineKind.REPLY}
        data = {"units": [u.pk for u in units], "due_at": due.isoformat()}

        def after(op: Opinion, units=units, due=due) -> None:
            Assignment.objects.bulk_create(
                [
                    Assignment(
                        opinion=op,
                        organization=unit,
                        assigned_by=actor.user,
                        assigned_at=now,
                        due_at=due,
                    )
                    for unit in units
                ]
            )
            suggestion = op.suggestions.filter(state=SuggestionState.SUBMITTED).first()
            if suggestion is not None:
                suggestion.handling_units.add(*units)
                suggestion.state = SuggestionState.ASSIGNED
                suggestion.assigned_at = now
                suggestion.due_at = due
                suggestion.save(update_fields=["state", "assigned_at", "due_at"])
    elif action == "reply":
        assignment: Assignment = d["assignment"]
        remaining = opinion.assignments.filter(replied_at__isnull=True).exclude(pk=assignment.pk).count()
        target = S.ASSIGNED if remaining else S.REPLIED
        texts = [
            *(
                f"{a.organization.name}：{a.reply_text}"
                for a in opinion.assignments.filter(replied_at__isnull=False).select_related("organization")
            ),
            f"{assignment.organization.name}：{d['text']}",
        ]
        outcomes = {*opinion.assignments.filter(replied_at__isnull=False).values_list("outcome", flat=True)}
        outcomes.add(d["outcome"])
        combined = d["outcome"] if len(outcomes) == 1 else Outcome.PARTLY
        updates = {"outcome": combined, "reply_text": "\n\n".join(texts)}
        if not remaining:
            updates.update(
                {"replied_at": now, "due_at": deadlines.feedback_due(now), "due_kind": DeadlineKind.FEEDBACK}
            )
        data = {"unit": assignment.organization_id, "outcome": d["outcome"]}
        note = note or d["text"]

        def after(op: Opinion, assignment=assignment, d=d, remaining=remaining) -> None:
            updated = Assignment.objects.filter(pk=assignment.pk, replied_at__isnull=True).update(
                replied_at=now, outcome=d["outcome"], reply_text=d["text"]
            )
            if updated != 1:
                raise ActionConflict(_("该承办单位已经答复过了。"))
            if not remaining:
                Suggestion.objects.filter(opinion=op, state=SuggestionState.ASSIGNED).update(
                    state=SuggestionState.ANSWERED, answered_at=now, answer=op.reply_text
                )
    elif action == "relay":
        pass
    elif action == "feedback":
        updates = {"public_reply": public, "fed_back_at": now, "due_at": None, "due_kind": ""}
    elif action == "close":
        updates = {"closed_at": now, "due_at": None, "due_kind": ""}
    elif action == "reject":
        updates = {
            "reject_reason": d["reason"],
            "public_reply": public,
            "closed_at": now,
            "due_at": None,
            "due_kind": "",
        }
        data = {"reason": d["reason"]}
    elif action == "merge":
        updates = {"merged_into": d["target"], "closed_at": now, "due_at": None, "due_kind": ""}
        data = {"target": d["target"].pk}
    elif action == "reopen":
        note = d["reason"] if not note else f"{d['reason']}\n{note}"
        updates = {
            "closed_at": None,
            "merged_into": None,
            "reject_reason": "",
            "due_at": deadlines.route_due_for(now),
            "due_kind": DeadlineKind.ROUTE,
        }
    elif action == "rate":
        rating = d["rating"]
        updates = {"rating": rating, "rating_comment": d["comment"], "rated_at": now}
        data = {"rating": rating}
        note = d["comment"]
        if rating == Rating.DISSATISFIED:
            # Back to the liaison body's queue (the street or town body of the place concerned).
            target = S.VERIFYING
            body = routing.liaison_body_for(opinion.region)
            updates.update(
                {
                    "closed_at": None,
                    "due_at": deadlines.route_due_for(now),
                    "due_kind": DeadlineKind.ROUTE,
                }
            )
            if body is not None:
                updates["organization"] = body
        else:
            target = S.CLOSED
            updates.update({"closed_at": opinion.closed_at or now, "due_at": None, "due_kind": ""})
    return Effect(
        target=target, updates=updates, after=after, event_data=data, internal_note=note, public_note=public
    )


def _is_difficult(opinion: Opinion) -> bool:
    return opinion.suggestions.filter(difficult=True).exists()


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
    changed the opinion first), ValidationError (bad data, with field errors).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionNotAllowed(_("没有这项操作。"))
    who = actor if isinstance(actor, Actor) else actor_for(actor)
    now = now or timezone.now()
    expected = expected_state or opinion.state
    if not transition.who(who, opinion):
        raise ActionNotAllowed(_("您无权对这条意见执行“%(action)s”。") % {"action": transition.label})
    if expected != opinion.state or not _state_allows(transition, opinion):
        raise ActionConflict(_("这条意见的状态已经变化，请刷新后再试。"))
    cleaned = clean_data(transition, opinion, who, data or {})

    with transaction.atomic():
        effect = _effect(transition, opinion, who, cleaned, now)
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
    user = None if scoping.is_anonymous(actor) else actor
    event = OpinionEvent.objects.create(
        opinion=opinion,
        action="receive",
        from_state="",
        to_state=opinion.state,
        actor=user,
        internal_note=internal_note,
        public_note=_("您的意见已收到。"),
    )
    if notify:
        _notify_after_commit(event.pk)
    return event


def _notify_after_commit(event_id: int) -> None:
    from .tasks import notify_opinion_event

    transaction.on_commit(lambda: notify_opinion_event.delay(event_id))


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
