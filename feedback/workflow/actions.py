"""Each workflow action's own checks (`clean_*`) and effects (`effect_*`), one pair per transition.

`steps.clean_data` checks every text and choice field from the transition's field list (`table.py`)
and then calls the action's `clean_<action>` for what the list cannot say (ids, dates, who answers for
which unit); `steps.effect_of` starts an `Effect` (the usual target, the notes) and lets the action's
`effect_<action>` fill in what changes. An action with neither only moves the opinion's state.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import deadlines, routing
from ..models import (
    Assignment,
    DeadlineKind,
    Opinion,
    Outcome,
    Rating,
    RejectReason,
    RouteLevel,
    SuggestionKind,
)
from .hooks import draft_suggestion
from .steps import (
    MERGED_NOTE,
    Effect,
    _bool,
    _choice,
    _id,
    _is_difficult,
    _merge_target_error,
    _text,
    current_round,
)
from .table import ActionConflict, Actor, S, Transition

Cleaner = Callable[[Transition, Opinion, Actor, dict, dict, dict], None]
Applier = Callable[[Effect, Opinion, Actor, dict, Any], None]
CLOSED = {"due_at": None, "due_kind": ""}  # an opinion that waits for no one has no deadline

# --- Checks ----------------------------------------------------------------------------------------


def clean_route(transition, opinion, actor, data, out, errors) -> None:
    from deputies.models import Deputy, Level

    level = out["level"]
    if level:
        try:
            out["organization"] = routing.route_target(level, opinion.region)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if level != RouteLevel.DISTRICT:
        return
    out["kind"] = out.get("kind") or SuggestionKind.SUGGESTION
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


def clean_assign(transition, opinion, actor, data, out, errors) -> None:
    from deputies.models import Organization

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
    out["due_date"] = _due_date(data.get("due_date"), errors)


def _due_date(value, errors: dict) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            errors["due_date"] = _("请输入有效的日期（YYYY-MM-DD）。")
            return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        errors["due_date"] = _("请输入有效的日期（YYYY-MM-DD）。")
        return None
    if value < timezone.localdate():
        errors["due_date"] = _("答复期限不能早于今天。")
    return value


def clean_reply(transition, opinion, actor, data, out, errors) -> None:
    unit_id = _id(data.get("unit"))
    open_assignments = opinion.assignments.filter(replied_at__isnull=True)
    # A unit answers for itself; only the body the opinion is with (or an administrator) records a
    # reply on a unit's behalf, e.g. one that came on paper.
    records_for_others = actor.is_admin or (actor.is_liaison and opinion.organization_id == actor.org_id)
    if actor.has_open_assignment(opinion) and unit_id in (None, actor.org_id):
        out["assignment"] = open_assignments.filter(organization_id=actor.org_id).first()
        if out["assignment"] is None:  # a colleague's reply landed since the permission check
            raise ActionConflict(_("其他人刚刚处理了这条意见，请刷新后再试。"))
    elif not records_for_others:
        errors["unit"] = _("只能答复本单位承办的事项。")
    else:
        assignment = open_assignments.filter(organization_id=unit_id).first() if unit_id else None
        if assignment is None:
            errors["unit"] = _("请选择尚未答复的承办单位。")
        out["assignment"] = assignment


def clean_reject(transition, opinion, actor, data, out, errors) -> None:
    if out["reason"] and not out["public_note"]:
        # Written for the citizen: in the portal's language, whatever the language of the staff.
        with translation.override(settings.LANGUAGE_CODE):
            out["public_note"] = _("经审查，您反映的事项%(reason)s，依照规定不予受理。") % {
                "reason": RejectReason(out["reason"]).label
            }


def clean_merge(transition, opinion, actor, data, out, errors) -> None:
    from ..permissions import opinions_visible_to

    out["public_note"] = out["public_note"] or MERGED_NOTE
    out["target"] = None
    target_id = _id(data.get("target"))
    if target_id is None:
        errors["target"] = _("请填写要合并至的意见编号。")
        return
    if target_id == opinion.pk:
        errors["target"] = _("不能合并至本条意见。")
        return
    if actor.is_admin:
        visible = Opinion.objects.all()
    elif actor.user is not None:
        visible = opinions_visible_to(actor.user)
    else:
        visible = Opinion.objects.none()
    target = visible.filter(pk=target_id).first()
    if target is None:
        errors["target"] = _("找不到可合并的意见。")
    elif target.is_final:
        errors["target"] = _merge_target_error(target)
    else:
        out["target"] = target


CLEANERS: dict[str, Cleaner] = {
    "route": clean_route,
    "assign": clean_assign,
    "reply": clean_reply,
    "reject": clean_reject,
    "merge": clean_merge,
}

# --- Effects ---------------------------------------------------------------------------------------


def effect_answer(effect, opinion, actor, d, now) -> None:
    effect.updates = {"public_reply": effect.public_note, "fed_back_at": now, **CLOSED}


effect_feedback = effect_answer  # the same change: the citizen has the answer


def effect_verify(effect, opinion, actor, d, now) -> None:
    effect.updates = {"verify_method": d["method"]}
    effect.event_data = {"method": d["method"]}


def effect_route(effect, opinion, actor, d, now) -> None:
    level, org = d["level"], d["organization"]
    effect.updates = {
        "level": level,
        "organization": org,
        "routed_at": now,
        "due_at": deadlines.reply_due_for(now, level),
        "due_kind": DeadlineKind.REPLY,
    }
    effect.event_data = {"level": level, "organization": org.pk}
    if level != RouteLevel.DISTRICT:
        return
    district_deputy = d["deputy"]
    if opinion.deputy_id and opinion.deputy_id != district_deputy.pk:
        effect.updates["origin_deputy"] = opinion.deputy  # §四(二): it comes back down to them
    effect.updates["deputy"] = district_deputy
    effect.event_data.update({"deputy": district_deputy.pk, "kind": d["kind"], "difficult": d["difficult"]})
    if d["difficult"]:
        effect.updates["due_at"] = deadlines.suggestion_due(now, difficult=True)

    def after(op: Opinion) -> None:
        # §四(一)3: the district deputy finds a draft ready to complete and submit (`hooks`).
        draft_suggestion(opinion=op, deputy=district_deputy, kind=d["kind"], difficult=d["difficult"])

    effect.after = after


def effect_assign(effect, opinion, actor, d, now) -> None:
    units = d["units"]
    if d["due_date"]:
        due = deadlines.end_of_day(d["due_date"])
    elif opinion.level == RouteLevel.DISTRICT:
        due = deadlines.suggestion_due(now, difficult=_is_difficult(opinion))
    else:
        due = deadlines.reply_due_for(now, opinion.level or RouteLevel.STREET)
    effect.updates = {"due_at": due, "due_kind": DeadlineKind.REPLY}
    effect.event_data = {"units": [u.pk for u in units], "due_at": due.isoformat()}

    def after(op: Opinion) -> None:
        Assignment.objects.bulk_create(
            [
                Assignment(opinion=op, organization=unit, assigned_by=actor.user, assigned_at=now, due_at=due)
                for unit in units
            ]
        )

    effect.after = after


def effect_reply(effect, opinion, actor, d, now) -> None:
    assignment: Assignment = d["assignment"]
    remaining = opinion.assignments.filter(replied_at__isnull=True).exclude(pk=assignment.pk).count()
    effect.target = S.ASSIGNED if remaining else S.REPLIED
    # Only this round's replies make up the outcome and the reply: after a reopen, the answers of the
    # round the citizen was dissatisfied with are history, not part of the new result.
    replied = list(current_round(opinion).filter(replied_at__isnull=False).select_related("organization"))
    texts = [
        *(f"{a.organization.name}：{a.reply_text}" for a in replied),
        f"{assignment.organization.name}：{d['text']}",
    ]
    outcomes = {a.outcome for a in replied} | {d["outcome"]}
    effect.updates = {
        "outcome": d["outcome"] if len(outcomes) == 1 else Outcome.PARTLY,
        "reply_text": "\n\n".join(texts),
    }
    if not remaining:
        effect.updates.update(
            {"replied_at": now, "due_at": deadlines.feedback_due(now), "due_kind": DeadlineKind.FEEDBACK}
        )
    effect.event_data = {"unit": assignment.organization_id, "outcome": d["outcome"]}
    effect.internal_note = effect.internal_note or d["text"]

    def after(op: Opinion) -> None:
        updated = Assignment.objects.filter(pk=assignment.pk, replied_at__isnull=True).update(
            replied_at=now, outcome=d["outcome"], reply_text=d["text"]
        )
        if updated != 1:
            raise ActionConflict(_("该承办单位已经答复过了。"))

    effect.after = after


def effect_close(effect, opinion, actor, d, now) -> None:
    effect.updates = {"closed_at": now, **CLOSED}


def effect_reject(effect, opinion, actor, d, now) -> None:
    effect.updates = {
        "reject_reason": d["reason"],
        "public_reply": effect.public_note,
        "closed_at": now,
        **CLOSED,
    }
    effect.event_data = {"reason": d["reason"]}


def effect_merge(effect, opinion, actor, d, now) -> None:
    effect.updates = {"merged_into": d["target"], "closed_at": now, **CLOSED}
    effect.event_data = {"target": d["target"].pk}


def effect_reopen(effect, opinion, actor, d, now) -> None:
    note = effect.internal_note
    effect.internal_note = d["reason"] if not note else f"{d['reason']}\n{note}"
    effect.updates = {
        "closed_at": None,
        "merged_into": None,
        "reject_reason": "",
        "due_at": deadlines.route_due_for(now),
        "due_kind": DeadlineKind.ROUTE,
    }


def effect_rate(effect, opinion, actor, d, now) -> None:
    rating = d["rating"]
    effect.updates = {"rating": rating, "rating_comment": d["comment"], "rated_at": now}
    effect.event_data = {"rating": rating}
    effect.internal_note = d["comment"]
    if rating != Rating.DISSATISFIED:
        effect.target = S.CLOSED
        effect.updates.update({"closed_at": opinion.closed_at or now, **CLOSED})
        return
    # Back to the liaison body's queue (the street or town body of the place concerned).
    effect.target = S.VERIFYING
    effect.updates.update(
        {"closed_at": None, "due_at": deadlines.route_due_for(now), "due_kind": DeadlineKind.ROUTE}
    )
    body = routing.liaison_body_for(opinion.region)
    if body is not None:
        effect.updates["organization"] = body


EFFECTS: dict[str, Applier] = {
    "answer": effect_answer,
    "verify": effect_verify,
    "route": effect_route,
    "assign": effect_assign,
    "reply": effect_reply,
    "feedback": effect_feedback,
    "close": effect_close,
    "reject": effect_reject,
    "merge": effect_merge,
    "reopen": effect_reopen,
    "rate": effect_rate,
}


# --- The two entry points the engine calls ----------------------------------------------------------


def clean_data(transition: Transition, opinion: Opinion, actor: Actor, data: dict) -> dict:
    """Validate and normalise the data of one action; ValidationError with field errors.

    The transition's fields (`table.py`) say what is required: every text and choice field is checked
    from its declaration here; an action's own `clean` (`actions.CLEANERS`) checks the rest (ids,
    dates, who may answer for which unit)."""
    errors: dict[str, str] = {}
    data = dict(data or {})
    out: dict[str, Any] = {
        "internal_note": _text(data, "internal_note", required=False, errors=errors),
        "public_note": _text(data, "public_note", required=False, errors=errors),
    }
    for spec in transition.fields:
        if spec.kind == "text":
            out[spec.name] = _text(
                data, spec.name, required=spec.required, errors=errors, max_length=spec.max_length
            )
        elif spec.kind == "choice":
            out[spec.name] = _choice(
                data,
                spec.name,
                [value for value, _label in spec.choices],
                required=spec.required,
                errors=errors,
            )
    clean = CLEANERS.get(transition.action)
    if clean is not None:
        clean(transition, opinion, actor, data, out, errors)
    if errors:
        raise ValidationError(errors)
    return out


def effect_of(transition: Transition, opinion: Opinion, actor: Actor, d: dict, now) -> Effect:
    """What the action changes (`actions.EFFECTS`); an action without effects only moves the state."""
    effect = Effect(
        target=transition.target,
        updates={},
        internal_note=d.get("internal_note", ""),
        public_note=d.get("public_note", ""),
    )
    apply = EFFECTS.get(transition.action)
    if apply is not None:
        apply(effect, opinion, actor, d, now)
    return effect
