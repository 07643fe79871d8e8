"""What the pages of contacts share: the menu flags, rendering with a section, service errors onto a
form, the caller's mandates, and the safe `next` address."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from deputies import permissions as access
from deputies.models import Deputy

from .models import Participation

PAGE_SIZE = 20


def _own_mandates(user):
    return Deputy.objects.filter(person__user=user).select_related("person", "congress", "constituency")


def _nav(user, *, has_mandates: bool | None = None) -> dict:
    if has_mandates is None:
        has_mandates = access.is_deputy(user)
    return {"is_deputy": has_mandates, "is_staff": access.is_staff(user), "is_admin": access.is_admin(user)}


def _render(request, template, context, *, section):
    context.setdefault("nav", _nav(request.user))
    context["section"] = section
    return render(request, template, context)


def _require_staff(user) -> None:
    if not access.is_staff(user):
        raise PermissionDenied


def _year_range(mandates, year: int) -> list[int]:
    """The years a selector offers: those of the mandates, up to this year."""
    today = timezone.localdate()
    first = min((m.start_date.year for m in mandates), default=today.year)
    last = max(
        (min(m.end_date.year, today.year) if m.end_date else today.year for m in mandates),
        default=today.year,
    )
    years = set(range(first, last + 1)) | {year}
    return sorted(years, reverse=True)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _list_queryset(queryset):
    """Activities ready for a list: a fixed number of queries whatever the number of rows."""
    return queryset.select_related("constituency__region", "venue").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("deputy__person"))
    )


def _staff_deputies(user):
    return access.deputies_in_jurisdiction(user).serving()


def _deputies_for_forms(user):
    """Mandates the caller may record for: their own; staff: their jurisdiction's serving deputies."""
    if access.is_staff(user):
        return _staff_deputies(user)
    return Deputy.objects.filter(person__user=user)


def _query_without_page(request) -> str:
    """The page's query string without its page number, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
