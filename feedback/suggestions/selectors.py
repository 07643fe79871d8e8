"""Reads of suggestions: the working lists (through `permissions.visible_to`) and the public list,
with what rows show fetched up front (a constant number of queries for any page size)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from .models import Suggestion, SuggestionCoSigner
from .permissions import visible_to


def _public_related(suggestions: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    return suggestions.select_related("deputy__person", "congress", "lead_unit").prefetch_related(
        "handling_units"
    )


def public_suggestions() -> QuerySet[Suggestion]:
    """Published suggestions (submitted, not confidential), for the public page, API and profiles."""
    return _public_related(Suggestion.objects.published()).order_by("-submitted_at", "-pk")


def suggestions_for(user) -> QuerySet[Suggestion]:
    """What `user` may open, with everything the working serializer shows."""
    return (
        _public_related(visible_to(user))
        .select_related("office")
        .prefetch_related(
            Prefetch("co_signers", queryset=SuggestionCoSigner.objects.select_related("deputy__person")),
            "source_opinions",
        )
        # Four small lists in one query (`songjiang_liaison.prefetch`).
        .prefetch_together("attachments", "consultations", "replies", "extensions")
        .order_by("-created_at", "-pk")
    )


def work_list(user) -> QuerySet[Suggestion]:
    """The working list's rows: what `user` may open, with what a row shows."""
    return visible_to(user).select_related("deputy__person", "lead_unit").order_by("-created_at", "-pk")


def suggestion_for(user, pk) -> Suggestion | None:
    """One suggestion by id if `user` may see it (callers answer 404 otherwise)."""
    return suggestions_for(user).filter(pk=pk).first()


def filter_suggestions(
    suggestions: QuerySet[Suggestion],
    *,
    q: str = "",
    kind: str = "",
    state: str = "",
    year: int | None = None,
    unit=None,
    deputy=None,
) -> QuerySet[Suggestion]:
    """Search (title, content, answer) and filters: kind, state, year of submission, handling unit
    (lead or co-unit), proposing deputy."""
    if q:
        q = q.strip()
        suggestions = suggestions.filter(
            Q(title__icontains=q) | Q(content__icontains=q) | Q(answer__icontains=q)
        )
    if kind:
        suggestions = suggestions.filter(kind=kind)
    if state:
        suggestions = suggestions.filter(state=state)
    if year:
        suggestions = suggestions.filter(submitted_at__year=year)
    if unit:
        suggestions = suggestions.filter(handling_units=getattr(unit, "pk", unit)).distinct()
    if deputy:
        suggestions = suggestions.filter(deputy_id=getattr(deputy, "pk", deputy))
    return suggestions


def source_suggestions_of(opinion) -> QuerySet[Suggestion]:
    """The published suggestions an opinion fed into, shown on the citizen's tracking page."""
    return Suggestion.objects.published().filter(source_opinions=opinion).select_related("lead_unit")


def overdue_for_supervisor(user, now) -> QuerySet[Suggestion]:
    """§五: the key suggestions a supervising leader supervises that are past their due date."""
    return (
        Suggestion.objects.handling()
        .filter(supervisor=user, due_at__lt=now)
        .select_related("deputy__person", "lead_unit")
        .order_by("due_at", "pk")
    )
