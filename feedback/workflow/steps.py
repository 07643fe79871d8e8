"""Each action's data (validated into field errors) and its effects on the opinion and related rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import (
    Opinion,
)
from .table import MAX_NOTE, Transition

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
    if value not in choices:
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
