"""What the opinion workflow hands on to the suggestions package without importing it (issue 11: the
suggestion workflow drives its source opinions through this one, so an import back would close a
circle). Routing an opinion to district level for a suggestion (§四(一)3) leaves the district deputy a
draft: `feedback.suggestions.services.draft_from_routed_opinion`, registered at start
(`FeedbackConfig.ready`)."""

from __future__ import annotations

from collections.abc import Callable

_drafter: Callable | None = None


def register_suggestion_drafter(drafter: Callable) -> None:
    global _drafter
    _drafter = drafter


def draft_suggestion(*, opinion, deputy, kind: str, difficult: bool):
    """Leave `deputy` a draft suggestion from `opinion` (inside the opinion's `route` transition)."""
    if _drafter is None:
        raise RuntimeError("No suggestion drafter registered (feedback.apps.FeedbackConfig.ready).")
    return _drafter(opinion=opinion, deputy=deputy, kind=kind, difficult=difficult)
