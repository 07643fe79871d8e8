"""Refuse hostile requests before any view reads them (issue 12):

- a body larger than MAX_REQUEST_BYTES (by its Content-Length) is a 413 before a byte of it is read
  (nginx's `client_max_body_size` does the same in front; Django's DATA_UPLOAD_MAX_MEMORY_SIZE caps
  the form fields read into memory);
- a NUL character in the path, the query string or a form body is a 400 (PostgreSQL cannot store it,
  Django's URL resolver and forms would pass it on). JSON bodies are checked by the API's parsers
  (`songjiang_liaison.parsers`)."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .parsers import HAS_NUL, contains_nul

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def refusal(request, status: int, message):
    """A JSON body on the API, the portal's error page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": str(message)}, status=status)
    from django.shortcuts import render

    return render(request, f"errors/{status}.html", {"message": message}, status=status)


def _has_nul(request) -> bool:
    if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method == "POST" and not _is_api(request) and request.content_type in FORM_TYPES:
        return any(contains_nul(key) or contains_nul(values) for key, values in request.POST.lists())
    return False


def _too_large(request) -> bool | None:
    """True over the limit, None for a Content-Length that is not a number."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length > settings.MAX_REQUEST_BYTES or length < 0


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        too_large = _too_large(request)
        if too_large is None:
            return refusal(request, 400, _("请求头 Content-Length 不正确。"))
        if too_large:
            limit = settings.MAX_REQUEST_BYTES / 2**20
            message = _("提交的内容过大：一次最多 %(mb).0f MB。") % {"mb": limit}
            return refusal(request, 413, message)
        if _has_nul(request):
            return refusal(request, 400, HAS_NUL)
        return self.get_response(request)
