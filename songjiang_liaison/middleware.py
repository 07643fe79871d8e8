"""Refuse hostile requests before any view reads them (issue 12): a NUL character in the path, the
query string or a form body is a 400 (PostgreSQL cannot store it, Django's URL resolver and forms would
pass it on). JSON bodies are checked by the API's parsers (`songjiang_liaison.parsers`)."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from django.http import JsonResponse

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


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            return refusal(request, 400, HAS_NUL)
        return self.get_response(request)
