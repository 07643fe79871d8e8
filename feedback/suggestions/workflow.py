"""The suggestion workflow (§四(三), R-OP-5): one table of transitions, each with its own `clean`
and `effect`, and one entry point.

draft ─submit→ submitted (the deputy; a motion needs its confirmed co-signers)
draft/submitted ─confirm→ (a co-signer confirms; counts from then on)
submitted ─assign→ assigned (the registering office: lead unit, co-units, "difficult"; due 3/6 months)
handling ─consult→ (a handling unit records its consultation with the deputy, §四(三))
handling ─co_report→ (a co-unit reports its part to the lead unit)
handling ─reply→ answered, or in_progress with a plan and a promised date (the lead unit, after consulting)
answered ─rate→ closed; "dissatisfied" once → rehandling (1 month), then closed whatever the rating
assigned ─extend→ (the office approves an extension with a reason, never past 6 months)
submitted/handling ─mark_key→ (the Standing Committee office: key suggestion and its supervising leader)

`apply_action` is the only writer of `Suggestion.state` after creation: it checks the actor's right
(403), the state (409), the data (400), then writes with a compare-and-set on the expected state and
row version, appends a `SuggestionEvent` and writes its notifications in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import deadlines
from ..workflow import ActionConflict, ActionNotAllowed
from . import permissions as p
from .models import (
    HANDLING_STATES,
    ConsultMethod,
    ReplyCategory,
    Suggestion,
    SuggestionAttachment,
    SuggestionConsultation,
    SuggestionEvent,
    SuggestionExtension,
    SuggestionKind,
    SuggestionRating,
    SuggestionReply,
    SuggestionState,
    UnitRole,
)

S = SuggestionState
MAX_TEXT = 20000


@dataclass(frozen=True)
class Field:
    """One piece of data an action takes; the pages and the API build their forms from these."""

    name: str
    label: str
    kind: str  # text, choice, organization, organizations, date, bool, int, file, user
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


@dataclass
class Effect:
    target: str
    updates: dict[str, Any] = field(default_factory=dict)
    after: Callable[[Suggestion], None] | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    who: Callable[[p.SuggestionActor, Suggestion], bool]
    clean: Callable[[Suggestion, p.SuggestionActor, dict], dict]
    effect: Callable[[Suggestion, p.SuggestionActor, dict, datetime.datetime], Effect]
    fields: tuple[Field, ...] = ()
    # None when the action may be taken; otherwise why not (a 409 with this message).
    guard: Callable[[Suggestion], str | None] | None = None


def _choices(text_choices) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in text_choices.choices)


# --- Data helpers ------------------------------------------------------------------------------------


def _text(data, name, errors, *, required=True, max_length=MAX_TEXT) -> str:
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


def _choice(data, name, choices, errors, *, required=True) -> str:
    value = data.get(name) or ""
    if not value:
        if required:
            errors[name] = _("此项为必填项。")
        return ""
    if value not in choices.values:
        errors[name] = _("请选择有效的选项。")
        return ""
    return value


def _date(data, name, errors, *, required=True) -> datetime.date | None:
    value = data.get(name)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not value:
        if required:
            errors[name] = _("此项为必填项。")
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = _("请输入有效的日期（YYYY-MM-DD）。")
        return None


def _id(value) -> int | None:
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ids(value) -> list[int] | None:
    """A list of ids (None when one of them is not an id)."""
    if value in (None, ""):
        return []
    if isinstance(value, str | int):
        value = [value]
    ids = [_id(v) for v in value]
    return None if any(i is None for i in ids) else ids


def _bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- Rules used by several steps ---------------------------------------------------------------------


def required_co_signers(suggestion: Suggestion) -> int:
    """A motion needs this many confirmed co-signers (settings, by congress level); others none."""
    if suggestion.kind != SuggestionKind.MOTION:
        return 0
    level = suggestion.congress.level if suggestion.congress_id else "district"
    return settings.SUGGESTION_MOTION_CO_SIGNERS.get(level, 0)


def confirmed_co_signers(suggestion: Suggestion) -> int:
    return suggestion.co_signers.filter(confirmed_at__isnull=False).count()


def round_started_at(suggestion: Suggestion) -> datetime.datetime | None:
    """When the current round of handling began: the assignment, or the dissatisfied rating that
    sent it back."""
    if suggestion.rehandle_count and suggestion.rated_at:
        return suggestion.rated_at
    return suggestion.assigned_at


def lead_consulted(suggestion: Suggestion) -> bool:
    """§四(三): the lead unit recorded a consultation with the deputy in this round."""
    start = round_started_at(suggestion)
    loaded = getattr(suggestion, "_prefetched_objects_cache", {}).get("consultations")
    if loaded is not None:  # the page read them with the suggestion (`selectors.suggestions_for`)
        return any(
            c.organization_id == suggestion.lead_unit_id and (start is None or c.created_at >= start)
            for c in loaded
        )
    consultations = suggestion.consultations.filter(organization_id=suggestion.lead_unit_id)
    if start is not None:
        consultations = consultations.filter(created_at__gte=start)
    return consultations.exists()


def office_for(suggestion: Suggestion):
    """The office that registers and assigns: the personnel and deputy work office for the district
    congress, the town office (镇人大主席团办事机构) for a town congress."""
    from deputies.models import Level, Organization, OrganizationKind

    congress = suggestion.congress
    if congress is not None and congress.level == Level.TOWN:
        return Organization.objects.serving(congress.region)
    return Organization.objects.filter(kind=OrganizationKind.PERSONNEL_OFFICE).order_by("pk").first()


# --- submit ------------------------------------------------------------------------------------------


def _clean_submit(s: Suggestion, actor, data: dict) -> dict:
    errors = {}
    if not s.title.strip():
        errors["title"] = _("请填写标题。")
    if not s.content.strip():
        errors["content"] = _("请填写内容。")
    needed = required_co_signers(s)
    if needed and confirmed_co_signers(s) < needed:
        errors["co_signers"] = _("议案须有%(n)d名以上代表附议并在平台上确认，目前已确认%(done)d名。") % {
            "n": needed,
            "done": confirmed_co_signers(s),
        }
    office = office_for(s)
    if office is None:
        errors["office"] = _("机构名册中没有负责交办的机构，请联系管理员。")
    _raise(errors)
    return {"office": office}


def _submit(s, actor, d, now) -> Effect:
    due = deadlines.suggestion_assignment_due_for(now)
    data = {"office": d["office"].pk, "due_at": due.isoformat()}

    def after(suggestion: Suggestion) -> None:
        # The drafts routing left for its source opinions are superseded (`services`).
        from .services import remove_drafts_covered_by

        if removed := remove_drafts_covered_by(suggestion):
            data["removed_drafts"] = removed

    return Effect(
        S.SUBMITTED, {"submitted_at": now, "office": d["office"], "due_at": due}, after=after, data=data
    )


# --- confirm (co-signer) -------------------------------------------------------------------------


def _clean_nothing(s, actor, data) -> dict:
    return {}


def _confirm(s, actor, d, now) -> Effect:
    def after(suggestion: Suggestion) -> None:
        suggestion.co_signers.filter(deputy_id__in=actor.deputy_ids, confirmed_at__isnull=True).update(
            confirmed_at=now
        )

    return Effect(s.state, after=after, data={"deputies": sorted(actor.deputy_ids)})


# --- assign ------------------------------------------------------------------------------------------


def handling_units_for(suggestion: Suggestion | None):
    """The handling units a suggestion may be assigned to: a town congress's suggestions go to the
    units of that town (its presidium assigns them to the town's units, not the district's or another
    town's); the district congress's to any handling unit."""
    from django.db.models import Q

    from deputies.models import Level, Organization

    units = Organization.objects.handling_units()
    congress = suggestion.congress if suggestion is not None and suggestion.congress_id else None
    if congress is not None and congress.level == Level.TOWN:
        town = congress.region_id  # the town itself; its units sit in it or in its villages
        units = units.filter(
            Q(region_id=town) | Q(region__parent_id=town) | Q(region__parent__parent_id=town)
        )
    return units


def _clean_assign(s, actor, data) -> dict:
    errors = {}
    lead_id = _id(data.get("lead_unit"))
    co_ids = _ids(data.get("co_units"))
    units = handling_units_for(s)
    lead = units.filter(pk=lead_id).first() if lead_id is not None else None
    if lead is None:
        errors["lead_unit"] = _("请选择名册中的承办单位作为主办单位。")
    co_units = []
    if co_ids is None:
        errors["co_units"] = _("请选择名册中的承办单位。")
    else:
        wanted = set(co_ids) - {lead_id}
        co_units = list(units.filter(pk__in=wanted).order_by("pk"))
        if len(co_units) != len(wanted):
            errors["co_units"] = _("请选择名册中的承办单位。")
    _raise(errors)
    return {"lead_unit": lead, "co_units": co_units, "difficult": _bool(data.get("difficult"))}


def _assign(s, actor, d, now) -> Effect:
    due = deadlines.suggestion_due(now, difficult=d["difficult"])
    lead, co_units = d["lead_unit"], d["co_units"]
    updates = {
        "assigned_at": now,
        "lead_unit": lead,
        "difficult": d["difficult"],
        "reply_due_at": due,
        "due_at": due,
        "co_units_due_at": deadlines.co_units_due(now) if co_units else None,
    }

    def after(suggestion: Suggestion) -> None:
        suggestion.handling_units.set([lead, *co_units])
        _assign_source_opinions(suggestion, actor, lead, due, now)

    return Effect(
        S.ASSIGNED,
        updates,
        after=after,
        data={
            "lead_unit": lead.pk,
            "co_units": [u.pk for u in co_units],
            "difficult": d["difficult"],
            "due_at": due.isoformat(),
        },
    )


# --- consult, co_report, reply -------------------------------------------------------------------


def _clean_consult(s, actor, data) -> dict:
    errors = {}
    day = _date(data, "date", errors)
    if day is not None and day > timezone.localdate():
        errors["date"] = _("沟通日期不能晚于今天。")
    method = _choice(data, "method", ConsultMethod, errors)
    view = _text(data, "deputy_view", errors, max_length=5000)
    _raise(errors)
    return {"date": day, "method": method, "deputy_view": view}


def _consult(s, actor, d, now) -> Effect:
    def after(suggestion: Suggestion) -> None:
        SuggestionConsultation.objects.create(
            suggestion=suggestion,
            organization_id=actor.org_id,
            date=d["date"],
            method=d["method"],
            deputy_view=d["deputy_view"],
            recorded_by=actor.user,
        )

    return Effect(s.state, after=after, data={"date": d["date"].isoformat(), "method": d["method"]})


def _clean_co_report(s, actor, data) -> dict:
    errors = {}
    content = _text(data, "content", errors)
    _raise(errors)
    return {"content": content}


def _co_report(s, actor, d, now) -> Effect:
    def after(suggestion: Suggestion) -> None:
        SuggestionReply.objects.create(
            suggestion=suggestion,
            organization_id=actor.org_id,
            role=UnitRole.CO,
            content=d["content"],
            replied_by=actor.user,
        )

    return Effect(s.state, after=after, data={"unit": actor.org_id})


def _reply_guard(s: Suggestion) -> str | None:
    if not lead_consulted(s):
        return _("答复前须先记录与代表的沟通情况（§四(三)）。")
    return None


def _clean_reply(s, actor, data) -> dict:
    from .uploads import checked_file

    errors = {}
    category = _choice(data, "category", ReplyCategory, errors)
    content = _text(data, "content", errors)
    promised = _date(data, "promised_date", errors, required=category == ReplyCategory.IN_PROGRESS)
    if category == ReplyCategory.IN_PROGRESS and promised is not None and promised <= timezone.localdate():
        errors["promised_date"] = _("承诺解决时间须晚于今天。")
    if category != ReplyCategory.IN_PROGRESS:
        promised = None
    document = None
    if data.get("document"):
        try:
            document = checked_file(data["document"])
        except ValidationError as exc:
            errors["document"] = exc.messages[0]
    _raise(errors)
    return {"category": category, "content": content, "promised_date": promised, "document": document}


def _reply(s, actor, d, now) -> Effect:
    category = d["category"]
    updates = {
        "answer": d["content"],
        "reply_category": category,
        "answered_at": now,
        "first_replied_at": s.first_replied_at or now,
        "promised_date": d["promised_date"],
    }
    if category == ReplyCategory.IN_PROGRESS:
        target = S.IN_PROGRESS
        updates["due_at"] = deadlines.end_of_day(d["promised_date"])
    else:
        target = S.ANSWERED
        updates["due_at"] = None

    def after(suggestion: Suggestion) -> None:
        document = None
        if d["document"] is not None:
            name, content = d["document"]
            document = SuggestionAttachment.objects.create(
                suggestion=suggestion, file=content, name=name, is_reply=True, uploaded_by=actor.user
            )
        SuggestionReply.objects.create(
            suggestion=suggestion,
            organization_id=actor.org_id,
            role=UnitRole.LEAD,
            category=category,
            content=d["content"],
            promised_date=d["promised_date"],
            document=document,
            replied_by=actor.user,
        )
        _reply_to_source_opinions(suggestion, actor, category, d["content"], now)

    data = {"category": category}
    if d["promised_date"]:
        data["promised_date"] = d["promised_date"].isoformat()
    return Effect(target, updates, after=after, data=data)


# --- rate ----------------------------------------------------------------------------------------


def _clean_rate(s, actor, data) -> dict:
    errors = {}
    rating = _choice(data, "rating", SuggestionRating, errors)
    comment = _text(
        data, "comment", errors, required=rating == SuggestionRating.DISSATISFIED, max_length=2000
    )
    _raise(errors)
    return {"rating": rating, "comment": comment}


def _rate(s, actor, d, now) -> Effect:
    updates = {"rating": d["rating"], "rating_comment": d["comment"], "rated_at": now}
    if d["rating"] == SuggestionRating.DISSATISFIED and s.rehandle_count == 0:
        # Handled again once, within a month; the supervisor hears of it (notifications).
        due = deadlines.rehandle_due(now)
        # (`reply_due_at` keeps the statutory date the first reply is measured against.)
        updates.update({"rehandle_count": s.rehandle_count + 1, "due_at": due})
        return Effect(S.REHANDLING, updates, data={"rating": d["rating"], "due_at": due.isoformat()})
    updates.update({"closed_at": now, "due_at": None})
    return Effect(S.CLOSED, updates, data={"rating": d["rating"]})


# --- extend, mark_key ----------------------------------------------------------------------------------


def _clean_extend(s, actor, data) -> dict:
    errors = {}
    months = _id(data.get("months"))
    reason = _text(data, "reason", errors, max_length=2000)
    new_due = None
    if months is None or months < 1:
        errors["months"] = _("请填写延期月数（至少1个月）。")
    else:
        try:
            new_due = deadlines.extended_suggestion_due(
                assigned_at=s.assigned_at, current_due=s.reply_due_at, months=months
            )
        except ValueError:
            errors["months"] = _("延期后的答复期限不能超过交办之日起6个月。")
    _raise(errors)
    return {"months": months, "reason": reason, "new_due": new_due}


def _extend(s, actor, d, now) -> Effect:
    new_due = d["new_due"]

    def after(suggestion: Suggestion) -> None:
        SuggestionExtension.objects.create(
            suggestion=suggestion,
            months=d["months"],
            reason=d["reason"],
            approved_by=actor.user,
            previous_due_at=s.reply_due_at,
            new_due_at=new_due,
        )

    return Effect(
        s.state,
        {"reply_due_at": new_due, "due_at": new_due},
        after=after,
        data={"months": d["months"], "due_at": new_due.isoformat()},
    )


def _clean_mark_key(s, actor, data) -> dict:
    from accounts.models import Role, User

    errors = {}
    supervisor_id = _id(data.get("supervisor"))
    leaders = User.objects.filter(is_active=True, role__in=(Role.COMMITTEE_MEMBER, Role.ADMIN))
    supervisor = leaders.filter(pk=supervisor_id).first() if supervisor_id is not None else None
    if supervisor is None:
        errors["supervisor"] = _("请选择督办领导（常委会组成人员）。")
    _raise(errors)
    return {"supervisor": supervisor}


def _mark_key(s, actor, d, now) -> Effect:
    return Effect(
        s.state, {"is_key": True, "supervisor": d["supervisor"]}, data={"supervisor": d["supervisor"].pk}
    )


def _any(*predicates):
    def check(actor, suggestion) -> bool:
        return any(predicate(actor, suggestion) for predicate in predicates)

    return check


# --- The table -----------------------------------------------------------------------------------------

_TABLE = (
    Transition("submit", gettext_lazy("提交"), (S.DRAFT,), p.proposer, _clean_submit, _submit),
    Transition(
        "confirm",
        gettext_lazy("确认附议"),
        (S.DRAFT, S.SUBMITTED),
        p.pending_co_signer,
        _clean_nothing,
        _confirm,
    ),
    Transition(
        "assign",
        gettext_lazy("交办"),
        (S.SUBMITTED,),
        p.registering_office,
        _clean_assign,
        _assign,
        (
            Field("lead_unit", gettext_lazy("主办单位"), "organization", required=True),
            Field("co_units", gettext_lazy("协办单位"), "organizations"),
            Field("difficult", gettext_lazy("涉及面广、办理难度大（6个月）"), "bool"),
        ),
    ),
    Transition(
        "consult",
        gettext_lazy("记录办前沟通"),
        HANDLING_STATES,
        p.handling_unit,
        _clean_consult,
        _consult,
        (
            Field("date", gettext_lazy("沟通日期"), "date", required=True),
            Field(
                "method", gettext_lazy("沟通方式"), "choice", required=True, choices=_choices(ConsultMethod)
            ),
            Field("deputy_view", gettext_lazy("代表意见"), "text", required=True),
        ),
    ),
    Transition(
        "co_report",
        gettext_lazy("协办单位反馈"),
        HANDLING_STATES,
        p.co_unit,
        _clean_co_report,
        _co_report,
        (Field("content", gettext_lazy("协办意见"), "text", required=True),),
    ),
    Transition(
        "reply",
        gettext_lazy("答复"),
        HANDLING_STATES,
        p.lead_unit,
        _clean_reply,
        _reply,
        (
            Field(
                "category", gettext_lazy("答复类别"), "choice", required=True, choices=_choices(ReplyCategory)
            ),
            Field(
                "content", gettext_lazy("答复内容（解决措施、计划或不能采纳的理由）"), "text", required=True
            ),
            Field("promised_date", gettext_lazy("承诺解决时间（正在解决时必填）"), "date"),
            Field("document", gettext_lazy("答复文件"), "file"),
        ),
        guard=_reply_guard,
    ),
    Transition(
        "rate",
        gettext_lazy("评价"),
        (S.ANSWERED,),
        p.proposer,
        _clean_rate,
        _rate,
        (
            Field(
                "rating", gettext_lazy("评价"), "choice", required=True, choices=_choices(SuggestionRating)
            ),
            Field("comment", gettext_lazy("评价意见（不满意时必填）"), "text"),
        ),
    ),
    Transition(
        "extend",
        gettext_lazy("延期"),
        (S.ASSIGNED,),
        p.registering_office,
        _clean_extend,
        _extend,
        (
            Field("months", gettext_lazy("延期月数"), "int", required=True),
            Field("reason", gettext_lazy("延期理由"), "text", required=True),
        ),
    ),
    Transition(
        "mark_key",
        gettext_lazy("列为重点督办"),
        (S.SUBMITTED, *HANDLING_STATES),
        p.standing_office,
        _clean_mark_key,
        _mark_key,
        (Field("supervisor", gettext_lazy("督办领导"), "user", required=True),),
    ),
)

TRANSITIONS: dict[str, Transition] = {t.action: t for t in _TABLE}
ACTIONS: tuple[str, ...] = tuple(TRANSITIONS)


def _state_allows(transition: Transition, suggestion: Suggestion) -> bool:
    return suggestion.state in transition.sources


def allowed_actions(suggestion: Suggestion, user) -> list[str]:
    """The actions `user` may take on `suggestion` now, in table order."""
    actor = p.actor_for(user)
    return [
        t.action
        for t in _TABLE
        if _state_allows(t, suggestion)
        and t.who(actor, suggestion)
        and (t.guard is None or t.guard(suggestion) is None)
    ]


# --- The entry point -------------------------------------------------------------------------------


def apply_action(
    *,
    suggestion: Suggestion,
    action: str,
    actor,
    data: dict | None = None,
    expected_state: str | None = None,
    now: datetime.datetime | None = None,
) -> Suggestion:
    """Take `action` on `suggestion` as `actor`. Raises ActionNotAllowed (403), ActionConflict (409:
    wrong state, a missing precondition, or someone else acted first), ValidationError (400)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ActionNotAllowed(_("没有这项操作。"))
    who = p.actor_for(actor)
    now = now or timezone.now()
    expected = expected_state or suggestion.state
    if not transition.who(who, suggestion):
        raise ActionNotAllowed(_("您无权对这件建议执行“%(action)s”。") % {"action": transition.label})
    if expected != suggestion.state or not _state_allows(transition, suggestion):
        raise ActionConflict(_("这件建议的状态已经变化，请刷新后再试。"))
    if transition.guard is not None and (reason := transition.guard(suggestion)):
        raise ActionConflict(reason)
    cleaned = transition.clean(suggestion, who, data or {})

    with transaction.atomic():
        effect = transition.effect(suggestion, who, cleaned, now)
        updated = Suggestion.objects.filter(
            pk=suggestion.pk, state=expected, updated_at=suggestion.updated_at
        ).update(state=effect.target, updated_at=now, **effect.updates)
        if updated != 1:  # another person got there first
            raise ActionConflict(_("其他人刚刚处理了这件建议，请刷新后再试。"))
        if effect.after is not None:
            effect.after(suggestion)
        event = SuggestionEvent.objects.create(
            suggestion=suggestion,
            action=action,
            from_state=expected,
            to_state=effect.target,
            actor=who.user,
            data=effect.data,
        )
        from .notifications import notify_event

        suggestion.refresh_from_db()
        notify_event(suggestion, event)
    return suggestion


def record_created(suggestion: Suggestion, *, actor) -> SuggestionEvent:
    """The first timeline entry of a new draft (called by `services.create_draft`)."""
    return SuggestionEvent.objects.create(
        suggestion=suggestion,
        action="create",
        from_state="",
        to_state=suggestion.state,
        actor=getattr(actor, "user", actor),
    )


# --- Back to the people (§四(三), §四(二)): the source opinions follow their suggestion -----------------


def _assign_source_opinions(suggestion: Suggestion, actor, lead, due, now) -> None:
    """Source opinions still waiting at the office are assigned to the lead unit with the
    suggestion's due date, through the opinion workflow (so their citizens see it in their timeline)."""
    from .. import workflow as opinion_workflow
    from ..models import OpinionState

    data = {"units": [lead.pk]}
    if deadlines.local_day(due) >= timezone.localdate():  # (the demo replays past dates)
        data["due_date"] = deadlines.local_day(due)
    for opinion in suggestion.source_opinions.filter(state=OpinionState.ROUTED):
        try:
            with transaction.atomic():
                opinion_workflow.apply_action(
                    opinion=opinion,
                    action="assign",
                    actor=_opinion_actor(actor),
                    data=data,
                    now=now,
                )
        except (opinion_workflow.WorkflowError, ValidationError):
            continue  # not this office's to assign: it stays with its own body


def _opinion_actor(actor):
    """The same person acting in the opinion workflow (the demo's system actor stays an administrator)."""
    from .. import workflow as opinion_workflow

    if actor.user is None and actor.is_admin:
        return opinion_workflow.Actor(user=None, role=actor.role, is_admin=True)
    return actor.user


_OUTCOME = {
    ReplyCategory.SOLVED: "solved",
    ReplyCategory.IN_PROGRESS: "partly",
    ReplyCategory.REFERENCE: "unsolvable",
}


def _reply_to_source_opinions(suggestion: Suggestion, actor, category: str, content: str, now) -> None:
    """The lead unit's reply becomes its reply to the source opinions assigned to it, and their chain
    continues (relay to the deputy, feedback to the citizen, the citizen's rating)."""
    from .. import workflow as opinion_workflow
    from ..models import OpinionState

    opinions = suggestion.source_opinions.filter(
        state=OpinionState.ASSIGNED,
        assignments__organization_id=actor.org_id,
        assignments__replied_at__isnull=True,
    ).distinct()
    for opinion in opinions:
        try:
            with transaction.atomic():
                opinion_workflow.apply_action(
                    opinion=opinion,
                    action="reply",
                    actor=_opinion_actor(actor),
                    data={"outcome": _OUTCOME[category], "text": content},
                    now=now,
                )
        except (opinion_workflow.WorkflowError, ValidationError):
            continue
