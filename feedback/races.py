"""Telling a lost race from a refusal (issue 12): a caller refused an action they could take a moment
ago lost a race (409), "you may not" (403) is for callers who never could. Used by the API and the
pages alike; the permission rules themselves stay in `workflow`."""

from __future__ import annotations

from . import workflow


def lost_race(user, opinion, action: str) -> bool:
    """Refused now, but allowed had their unit's assignment still been open: a colleague (or a second
    click) answered it in between."""
    transition = workflow.TRANSITIONS.get(action)
    actor = workflow.actor_for(user)
    if transition is None or actor.org_id is None:
        return False
    had_assignment = opinion.assignments.filter(organization_id=actor.org_id).exists()
    actor._assigned[opinion.pk] = had_assignment
    return had_assignment and transition.who(actor, opinion)
