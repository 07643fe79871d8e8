"""Back to the people (§四(三), §四(二)): the source opinions follow their suggestion. When the office
assigns a suggestion, its source opinions still waiting there are assigned to the lead unit; the lead
unit's reply becomes its reply to them. Both go through the opinion workflow, so the citizens see it in
their timelines. The suggestion workflow calls this; the opinion workflow never calls back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import deadlines
from .. import workflow as opinion_workflow
from ..models import OpinionState
from .models import ReplyCategory, Suggestion


def assign_source_opinions(suggestion: Suggestion, actor, lead, due, now) -> None:
    """Source opinions still waiting at the office are assigned to the lead unit with the
    suggestion's due date, through the opinion workflow (so their citizens see it in their timeline)."""
    data = {"units": [lead.pk]}
    if deadlines.local_day(due) >= timezone.localdate():  # (the demo replays past dates)
        data["due_date"] = deadlines.local_day(due)
    for opinion in suggestion.source_opinions.filter(state=OpinionState.ROUTED):
        try:
            with transaction.atomic():
                opinion_workflow.apply_action(
                    opinion=opinion,
                    action="assign",
                    actor=_opinion_actor(actor),
                    data=data,
                    now=now,
                )
        except (opinion_workflow.WorkflowError, ValidationError):
            continue  # not this office's to assign: it stays with its own body


def _opinion_actor(actor):
    """The same person acting in the opinion workflow (the demo's system actor stays an administrator)."""
    if actor.user is None and actor.is_admin:
        return opinion_workflow.Actor(user=None, role=actor.role, is_admin=True)
    return actor.user


_OUTCOME = {
    ReplyCategory.SOLVED: "solved",
    ReplyCategory.IN_PROGRESS: "partly",
    ReplyCategory.REFERENCE: "unsolvable",
}


def reply_to_source_opinions(suggestion: Suggestion, actor, category: str, content: str, now) -> None:
    """The lead unit's reply becomes its reply to the source opinions assigned to it, and their chain
    continues (relay to the deputy, feedback to the citizen, the citizen's rating)."""
    opinions = suggestion.source_opinions.filter(
        state=OpinionState.ASSIGNED,
        assignments__organization_id=actor.org_id,
        assignments__replied_at__isnull=True,
    ).distinct()
    for opinion in opinions:
        try:
            with transaction.atomic():
                opinion_workflow.apply_action(
                    opinion=opinion,
                    action="reply",
                    actor=_opinion_actor(actor),
                    data={"outcome": _OUTCOME[category], "text": content},
                    now=now,
                )
        except (opinion_workflow.WorkflowError, ValidationError):
            continue
