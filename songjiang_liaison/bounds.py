"""Sane bounds on every value a person types (issue 12), for every form and serializer at once:

- every date and date-time lies within `DATES` (years 1900–2100): year 0001 or 9999 is a field error,
  not an `OverflowError` or a time zone offset of `+08:05:43`;
- every text field without a declared `max_length` gets `MAX_TEXT_LENGTH` characters (fields that
  declare their own keep it): a 1,000,000-character subject is a 400 naming the field.

`install()` (called once from `ops.apps.OpsConfig.ready`) wraps the form and serializer field classes
of Django and Django REST framework, so the admin, the pages, the filters and the API share the rule
without each form repeating it.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

DATES = (datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))
MAX_TEXT_LENGTH = 20_000
OUT_OF_RANGE = _("日期须在 %(first)s 至 %(last)s 之间。")

_installed = False


def out_of_range(value) -> bool:
    if value is None:
        return False
    day = value.date() if isinstance(value, datetime.datetime) else value
    return not DATES[0] <= day <= DATES[1]


def _message() -> str:
    return str(OUT_OF_RANGE) % {"first": DATES[0].isoformat(), "last": DATES[1].isoformat()}


def _bounded_form_field(cls) -> None:
    original = cls.to_python

    def to_python(self, value):
        result = original(self, value)
        if out_of_range(result):
            raise ValidationError(_message(), code="date_range")
        return result

    cls.to_python = to_python


def _bounded_serializer_field(cls) -> None:
    original = cls.to_internal_value

    def to_internal_value(self, value):
        try:
            result = original(self, value)
        except OverflowError as exc:  # a naive year-one time made aware in Asia/Shanghai
            raise serializers.ValidationError(_message(), code="date_range") from exc
        if out_of_range(result):
            raise serializers.ValidationError(_message(), code="date_range")
        return result

    cls.to_internal_value = to_internal_value


TOO_LONG = _("内容过长：最多 %(limit)s 个字，目前有 %(count)s 个字。")


def _text_cap(value) -> None:
    """Strings only: some fields built on CharField clean to other types (a datetime version stamp)."""
    if isinstance(value, str) and len(value) > MAX_TEXT_LENGTH:
        raise ValidationError(
            str(TOO_LONG) % {"limit": MAX_TEXT_LENGTH, "count": len(value)}, code="max_length"
        )


def _drf_text_cap(value) -> None:
    try:
        _text_cap(value)
    except ValidationError as exc:
        raise serializers.ValidationError(exc.messages[0], code="max_length") from exc


def _capped_text(cls, validator) -> None:
    original = cls.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if getattr(self, "max_length", None) is None:
            self.validators.append(validator)

    cls.__init__ = __init__


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    for cls in (forms.DateField, forms.DateTimeField):
        _bounded_form_field(cls)
    for cls in (serializers.DateField, serializers.DateTimeField):
        _bounded_serializer_field(cls)
    _capped_text(forms.CharField, _text_cap)
    _capped_text(serializers.CharField, _drf_text_cap)
