"""Drafts that routing left (§四(一)3) and that a submitted suggestion covers: the rule the workflow's
`submit` step applies (kept apart from drafting, `services`, which the workflow must not import)."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef

from .models import Suggestion, SuggestionAttachment, SuggestionCoSigner, SuggestionEvent, SuggestionState


def remove_drafts_covered_by(suggestion: Suggestion) -> list[int]:
    """When a deputy submits a suggestion written from several routed opinions, the drafts that routing
    left for those opinions (§四(一)3, one per opinion) are left over: each untouched one whose source
    opinions are all sources of the submitted suggestion is deleted. A draft the deputy edited, gave
    co-signers or attachments, or started themselves, stays. Returns the ids deleted."""
    sources = set(suggestion.source_opinions.values_list("pk", flat=True))
    if not sources:
        return []
    touched = SuggestionEvent.objects.filter(suggestion=OuterRef("pk")).exclude(
        action="create", actor__isnull=True
    )
    candidates = (
        Suggestion.objects.filter(
            deputy_id=suggestion.deputy_id,
            state=SuggestionState.DRAFT,
            opinion_id__in=sources,
            updated_at=F("created_at"),  # never changed since routing wrote it
        )
        .exclude(pk=suggestion.pk)
        .exclude(Exists(touched))
        .exclude(Exists(SuggestionCoSigner.objects.filter(suggestion=OuterRef("pk"))))
        .exclude(Exists(SuggestionAttachment.objects.filter(suggestion=OuterRef("pk"))))
        .prefetch_related("source_opinions")
    )
    leftover = [d.pk for d in candidates if {o.pk for o in d.source_opinions.all()} <= sources]
    if leftover:
        Suggestion.objects.filter(pk__in=leftover, state=SuggestionState.DRAFT).delete()
    return leftover
