"""Each action's data (validated into field errors) and its effects on the opinion and related rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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
    VerifyMethod,
)
from .table import MAX_NOTE, ActionConflict, Actor, S, Transition

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
        # A unit answers for itself; only the body the opinion is with (or an administrator)
        # records a reply on a unit's behalf, e.g. one that came on paper.
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
    elif action == "feedback":
        out["public_note"] = _text(data, "public_note", required=True, errors=errors)
    elif action == "reject":
        out["reason"] = _choice(data, "reason", RejectReason, required=True, errors=errors)
        if out["reason"] and not out["public_note"]:
            # Written for the citizen: in the portal's language, whatever the language of the staff.
            with translation.override(settings.LANGUAGE_CODE):
                out["public_note"] = _("经审查，您反映的事项%(reason)s，依照规定不予受理。") % {
                    "reason": RejectReason(out["reason"]).label
                }
    elif action == "merge":
        from ..selectors import opinions_visible_to

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
            target = visible.filter(pk=target_id).first()
            if target is None:
                errors["target"] = _("找不到可合并的意见。")
            elif target.is_final:
                errors["target"] = _merge_target_error(target)
                target = None
        out["target"] = target
        out["public_note"] = out["public_note"] or MERGED_NOTE
    elif action == "reopen":
        out["reason"] = _text(data, "reason", required=True, errors=errors)
    elif action == "rate":
        out["rating"] = _choice(data, "rating", Rating, required=True, errors=errors)
        out["comment"] = _text(data, "comment", required=False, errors=errors, max_length=1000)
    if errors:
        raise ValidationError(errors)
    return out


def _merge_target_error(target: Opinion) -> str:
    return _("意见 #%(id)s %(state)s，不能作为合并目标，请合并至仍在办理中的意见。") % {
        "id": target.pk,
        "state": target.get_state_display(),
    }


# --- Notes the system writes for the citizen -------------------------------------------------------
#
# Stored as written here, in the portal's language (not in the language of whoever acted), and shown
# translated to the reader by the `public_note` template filter (feedback_tags).
RECEIVED_NOTE = gettext_noop("您的意见已收到。")
MERGED_NOTE = gettext_noop("您反映的事项已与内容相同的意见合并办理。")
SYSTEM_NOTES = frozenset({RECEIVED_NOTE, MERGED_NOTE})


# --- Checks under lock ----------------------------------------------------------------------------


def lock_related(transition: Transition, opinion: Opinion, cleaned: dict) -> None:
    """Inside the action's transaction, before the compare-and-set: lock the other rows the action
    relies on and check them again, since `clean_data` read them without a lock."""
    if transition.action == "merge":
        cleaned["target"] = _locked_merge_target(opinion, cleaned["target"])


def _locked_merge_target(opinion: Opinion, target: Opinion) -> Opinion:
    """Lock the opinion and its merge target and re-read the target: one that has meanwhile been
    merged (perhaps into this very opinion), rejected or closed is refused, so two people merging A
    into B and B into A at the same moment cannot leave both merged and out of every queue.

    Both rows are locked in one query ordered by id (PostgreSQL sorts before it locks), so the two
    merges wait for each other instead of deadlocking; the second then sees the first's result."""
    rows = Opinion.objects.select_for_update().filter(pk__in=(opinion.pk, target.pk)).order_by("pk")
    current = {row.pk: row for row in rows}.get(target.pk)
    if current is None:
        raise ValidationError({"target": _("找不到可合并的意见。")})
    if current.is_final:
        raise ValidationError({"target": _merge_target_error(current)})
    return current


# --- Effects ------------------------------------------------------------------------------------


@dataclass
class Effect:
    target: str
    updates: dict[str, Any]
    after: Callable[[Opinion], None] | None = None  # related rows, written after the compare-and-set
    event_data: dict[str, Any] = field(default_factory=dict)
    internal_note: str = ""
    public_note: str = ""


def effect_of(transition: Transition, opinion: Opinion, actor: Actor, d: dict, now) -> Effect:
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
                # §四(一)3: the district deputy finds a draft ready to complete and submit.
                from ..suggestions.services import draft_from_routed_opinion

                draft_from_routed_opinion(opinion=op, deputy=deputy, kind=d["kind"], difficult=d["difficult"])

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
    elif action == "reply":
        assignment: Assignment = d["assignment"]
        remaining = opinion.assignments.filter(replied_at__isnull=True).exclude(pk=assignment.pk).count()
        target = S.ASSIGNED if remaining else S.REPLIED
        # Only this round's replies make up the outcome and the reply: after a reopen, the answers
        # of the round the citizen was dissatisfied with are history, not part of the new result.
        replied = list(current_round(opinion).filter(replied_at__isnull=False).select_related("organization"))
        texts = [
            *(f"{a.organization.name}：{a.reply_text}" for a in replied),
            f"{assignment.organization.name}：{d['text']}",
        ]
        outcomes = {a.outcome for a in replied} | {d["outcome"]}
        combined = d["outcome"] if len(outcomes) == 1 else Outcome.PARTLY
        reply_text = "\n\n".join(texts)
        updates = {"outcome": combined, "reply_text": reply_text}
        if not remaining:
            updates.update(
                {"replied_at": now, "due_at": deadlines.feedback_due(now), "due_kind": DeadlineKind.FEEDBACK}
            )
        data = {"unit": assignment.organization_id, "outcome": d["outcome"]}
        note = note or d["text"]

        def after(op: Opinion, assignment=assignment, d=d) -> None:
            updated = Assignment.objects.filter(pk=assignment.pk, replied_at__isnull=True).update(
                replied_at=now, outcome=d["outcome"], reply_text=d["text"]
            )
            if updated != 1:
                raise ActionConflict(_("该承办单位已经答复过了。"))
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


def current_round(opinion: Opinion):
    """The assignments of the current round of handling.

    A round starts each time the opinion is routed: the first time, and again after a reopen or a
    "dissatisfied" rating sent it back (§四(二)). `route` stamps `routed_at`, and `assign` is taken
    only from `routed`, so this round's assignments are those made at or after `routed_at`. Earlier
    ones belong to rounds already answered; they stay on record (their rows and the timeline)."""
    assignments = opinion.assignments.all()
    if opinion.routed_at is None:  # never routed through the workflow: a single round
        return assignments
    return assignments.filter(assigned_at__gte=opinion.routed_at)


def _is_difficult(opinion: Opinion) -> bool:
    return opinion.source_of_suggestions.filter(difficult=True).exists()
