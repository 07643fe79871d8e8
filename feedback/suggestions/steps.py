"""The pieces the suggestion workflow's steps are made of (`workflow`): what an action takes
(`Field`), what it does (`Effect`), one row of the table (`Transition`), and the parsing of the data
an action receives from a page or the API (field errors collected, then raised at once)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import permissions as p
from .models import Suggestion, SuggestionState

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
