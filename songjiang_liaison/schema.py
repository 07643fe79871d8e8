"""The OpenAPI schema tells the truth (issue 12): `REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`.

drf-spectacular describes the success answer of each operation from its serializers; this class adds
what it cannot see, once for every operation instead of a decorator on each:

- the error answers an operation can give (`ERROR_RESPONSES`): 400 (bad input; every operation, since
  a NUL in the query is refused everywhere), 401 (credentials wrong or missing, where the view reads
  credentials), 403 (a signed-in caller who may not), 404 (unknown or invisible id, a page past the
  end), 413 (a body over MAX_REQUEST_BYTES), 429 (an operation with a rate limit), 414 (a request line
  over the web server's limit, answered as HTML by gunicorn/nginx before Django), 409 (an action on an
  object whose state no longer allows it);
- a query parameter given empty counts as not given, so `""` is one of its values;
- who may call without credentials: the view's own permission classes are asked about an anonymous
  caller, so an operation open to the public lists the empty security requirement `{}`;
- values as the API writes them: a read-only field with `default=None` or over a nullable model
  field may be null; a text or choice field that the model lets be blank comes back as
  `""` when it is not set (`""` is part of its enum; an e-mail address is `""` or an address), and a
  time is `HH:MM:SS` in the portal's time zone (not RFC 3339's `format: time`, which needs an offset).
"""

from __future__ import annotations

import copy
import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers

from .filters import BoundedFilterSet, bound_number_filters

TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "The offending fields (or `detail`, `non_field_errors`), each with its messages.",
    "additionalProperties": {},
}
ERROR_RESPONSES = {
    "400": ("请求有误：参数或数据不合规定（见各字段的说明）。", VALIDATION_ERROR),
    "401": ("未登录或凭据无效。", ERROR),
    "403": ("无权执行此操作。", ERROR),
    "404": ("对象不存在或不可见，或页码超出范围。", ERROR),
    "409": ("对象当前的状态不允许此操作（可能已被他人处理），请刷新后再决定。", ERROR),
    "413": ("请求内容超过 MAX_REQUEST_BYTES。", ERROR),
    "429": ("请求过于频繁，请稍后再试（见 Retry-After）。", ERROR),
}
URI_TOO_LONG = {
    "description": "请求行超过网关（nginx、gunicorn）的长度上限；网关以 HTML 答复。",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
BODY_METHODS = {"POST", "PUT", "PATCH"}
PAGE_PARAMETERS = {"page", "page_size"}


def _anonymous_request(method: str):
    class Anonymous:
        user = AnonymousUser()
        auth = None
        data = {}
        query_params = {}
        GET = {}

    request = Anonymous()
    request.method = method
    return request


def _model_field(field):
    """The model field a serializer field shows, when it maps one directly (else None)."""
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


class AutoSchema(SpectacularAutoSchema):
    # --- who may call without credentials -----------------------------------------------------------

    def _anonymous_allowed(self) -> bool:
        perms = self.view.get_permissions()
        request = _anonymous_request(self.method)
        for permission in perms:
            if isinstance(permission, permissions.AllowAny):
                continue
            try:
                if not permission.has_permission(request, self.view):
                    return False
            except Exception:  # a permission that needs a real request: assume it needs a caller
                return False
        return True

    def get_auth(self):
        auths = super().get_auth()
        if {} not in auths and self.view.get_authenticators() and self._anonymous_allowed():
            auths.append({})
        return auths

    # --- filters as the server reads them -----------------------------------------------------------

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        filters = copy.deepcopy(getattr(filterset_class, "base_filters", {}))
        if filterset_class and issubclass(filterset_class, BoundedFilterSet):
            bound_number_filters(filters)
        for parameter in parameters:
            schema = parameter.get("schema", {})
            flt = filters.get(parameter.get("name"))
            extra = getattr(flt, "extra", {})
            if schema.get("type") in ("integer", "number"):
                # BoundedFilterSet's bounds (songjiang_liaison/filters.py): beyond them, a 400.
                if extra.get("min_value") is not None:
                    schema["minimum"] = extra["min_value"]
                if extra.get("max_value") is not None:
                    schema["maximum"] = extra["max_value"]
                if extra.get("decimal_places") == 0:
                    schema["type"] = "integer"
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter.get("in") == "query" and parameter["name"] not in PAGE_PARAMETERS:
                _empty_means_unset(parameter)
        return operation

    # --- the error answers --------------------------------------------------------------------------

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        authenticated = bool(self.view.get_authenticators())
        if authenticated:
            codes.append("401")
            perms = self.view.get_permissions()
            if self.method not in permissions.SAFE_METHODS or not all(
                isinstance(p, permissions.AllowAny) for p in perms
            ):
                codes.append("403")
        # An id in the path, a query or a body may name nothing the caller can see; a page may be past
        # the end.
        codes.append("404")
        if self.method in BODY_METHODS:
            codes.append("413")
        if self.method == "POST" and re.search(r"\{[^}]+\}/[^{}]+/$", self.path):
            # An action on an object whose state no longer allows it (a lost race, a repeat).
            codes.append("409")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                description, schema = ERROR_RESPONSES[code]
                responses[code] = {
                    "content": {"application/json": {"schema": copy.deepcopy(schema)}},
                    "description": description,
                }
        if self.method in permissions.SAFE_METHODS and "414" not in responses:
            responses["414"] = copy.deepcopy(URI_TOO_LONG)
        return responses

    # --- values as the API writes them --------------------------------------------------------------

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if not isinstance(schema, dict):
            return schema
        if isinstance(field, serializers.TimeField):
            _time_as_written(schema)
        if direction == "response" and field.read_only:
            if getattr(field, "default", None) is None and field.default is not serializers.empty:
                # `default=None` on a read-only field: null when the related record is missing.
                schema["nullable"] = True
            model_field = _model_field(field)
            if isinstance(model_field, models.CharField | models.TextField) and model_field.blank:
                _allow_blank(schema)
            if getattr(model_field, "null", False):
                _allow_null(schema)  # e.g. a nested record behind a nullable foreign key
        return schema


def _time_as_written(schema: dict) -> None:
    for option in [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]:
        if option.get("format") == "time":
            del option["format"]
            option["pattern"] = TIME_PATTERN
            option.setdefault("description", "HH:MM[:SS]（上海时间）")


def _allow_blank(schema: dict) -> None:
    if "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
    elif schema.get("format") in ("email", "uri"):
        written = {key: schema.pop(key) for key in ("type", "format")}
        schema["anyOf"] = [written, {"type": "string", "maxLength": 0}]


def _allow_null(schema: dict) -> None:
    if schema.get("nullable"):
        return
    if "$ref" in schema:
        schema["allOf"] = [{"$ref": schema.pop("$ref")}]
    schema["nullable"] = True


def _empty_means_unset(parameter: dict) -> None:
    """A query parameter given empty (`?year=`, `?deputy=`) counts as not given: filters do not filter,
    defaults apply. So `""` is an accepted value, whatever the parameter's type."""
    schema = parameter.get("schema", {})
    if "enum" in schema:
        if "" not in schema["enum"]:
            schema["enum"] = [*schema["enum"], ""]
    elif schema.get("type") not in (None, "string") or schema.get("format"):
        parameter["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
