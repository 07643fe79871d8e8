"""Rules several steps of the suggestion workflow share (§四(三)): how many co-signers a motion needs,
when the current round of handling began and whether the lead unit consulted the deputy in it, and
which office registers and assigns."""

from __future__ import annotations

import datetime

from django.conf import settings

from .models import Suggestion, SuggestionKind


def required_co_signers(suggestion: Suggestion) -> int:
    """A motion needs this many confirmed co-signers (settings, by congress level); others none."""
    if suggestion.kind != SuggestionKind.MOTION:
        return 0
    level = suggestion.congress.level if suggestion.congress_id else "district"
    return settings.SUGGESTION_MOTION_CO_SIGNERS.get(level, 0)


def confirmed_co_signers(suggestion: Suggestion) -> int:
    return suggestion.co_signers.filter(confirmed_at__isnull=False).count()


def round_started_at(suggestion: Suggestion) -> datetime.datetime | None:
    """When the current round of handling began: the assignment, or the dissatisfied rating that
    sent it back."""
    if suggestion.rehandle_count and suggestion.rated_at:
        return suggestion.rated_at
    return suggestion.assigned_at


def lead_consulted(suggestion: Suggestion) -> bool:
    """§四(三): the lead unit recorded a consultation with the deputy in this round."""
    start = round_started_at(suggestion)
    loaded = getattr(suggestion, "_prefetched_objects_cache", {}).get("consultations")
    if loaded is not None:  # the page read them with the suggestion (`selectors.suggestions_for`)
        return any(
            c.organization_id == suggestion.lead_unit_id and (start is None or c.created_at >= start)
            for c in loaded
        )
    consultations = suggestion.consultations.filter(organization_id=suggestion.lead_unit_id)
    if start is not None:
        consultations = consultations.filter(created_at__gte=start)
    return consultations.exists()


def office_for(suggestion: Suggestion):
    """The office that registers and assigns: the personnel and deputy work office for the district
    congress, the town office (镇人大主席团办事机构) for a town congress."""
    from deputies.models import Level, Organization, OrganizationKind

    congress = suggestion.congress
    if congress is not None and congress.level == Level.TOWN:
        return Organization.objects.serving(congress.region)
    return Organization.objects.filter(kind=OrganizationKind.PERSONNEL_OFFICE).order_by("pk").first()
