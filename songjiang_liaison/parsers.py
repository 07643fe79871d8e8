"""Request parsers of the API (issue 12): a JSON body must be an object, and no text anywhere in a
body may hold a NUL character (PostgreSQL refuses it: a 500 otherwise). Both are a 400 with a clear
message, before any view reads the data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

NOT_AN_OBJECT = _("请求正文必须是一个 JSON 对象（{…}），不能是列表、字符串或数字。")
HAS_NUL = _("请求中含有不允许的空字符（NUL）。")


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False


class ObjectJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(NOT_AN_OBJECT)
        if contains_nul(data):
            raise ParseError(HAS_NUL)
        return data


class _NoNulMixin:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        data = getattr(parsed, "data", parsed)
        if any(contains_nul(key) or contains_nul(values) for key, values in data.lists()):
            raise ParseError(HAS_NUL)
        return parsed


class FormParser(_NoNulMixin, parsers.FormParser):
    pass


class MultiPartParser(_NoNulMixin, parsers.MultiPartParser):
    pass


DEFAULT = [ObjectJSONParser, FormParser, MultiPartParser]
