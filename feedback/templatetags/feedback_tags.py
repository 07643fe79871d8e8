"""Presentation helpers for opinion pages: state and deadline badges (colour always with text)."""

from django import template
from django.utils.translation import gettext_lazy as _

from feedback.models import OpinionState

register = template.Library()

# Bootstrap contextual classes; the badge always carries the state's words as well.
STATE_BADGE_CLASSES = {
    OpinionState.RECEIVED: "text-bg-primary",
    OpinionState.MODERATION: "text-bg-warning",
    OpinionState.ANSWERED: "text-bg-success",
    OpinionState.VERIFYING: "text-bg-info",
    OpinionState.ROUTED: "text-bg-info",
    OpinionState.ASSIGNED: "text-bg-warning",
    OpinionState.REPLIED: "text-bg-primary",
    OpinionState.RELAYED: "text-bg-primary",
    OpinionState.FED_BACK: "text-bg-success",
    OpinionState.CLOSED: "text-bg-secondary",
    OpinionState.REJECTED: "text-bg-dark",
    OpinionState.MERGED: "text-bg-secondary",
}

# What each state means to a citizen, in plain words (shown on the public tracking page).
PUBLIC_STATE_EXPLANATIONS = {
    OpinionState.RECEIVED: _("您的意见已收到，正在等待代表或联络机构处理。"),
    OpinionState.MODERATION: _("您的意见已收到，正在进行人工审核。"),
    OpinionState.ANSWERED: _("代表已直接答复您的意见。"),
    OpinionState.VERIFYING: _("工作人员正在核实您反映的情况。"),
    OpinionState.ROUTED: _("您的意见已转交有关机构。"),
    OpinionState.ASSIGNED: _("您的意见已交承办单位办理。"),
    OpinionState.REPLIED: _("承办单位已经答复，代表将向您反馈。"),
    OpinionState.RELAYED: _("答复已送达代表，代表将向您反馈。"),
    OpinionState.FED_BACK: _("代表已向您反馈办理结果，欢迎评价。"),
    OpinionState.CLOSED: _("您的意见已办结。"),
    OpinionState.REJECTED: _("您的意见不予受理，原因见下方说明。"),
    OpinionState.MERGED: _("您的意见与相同内容的意见合并办理。"),
}

DEADLINE_BADGES = {
    "on_time": ("text-bg-success", _("按期")),
    "due_soon": ("text-bg-warning", _("即将到期")),
    "overdue": ("text-bg-danger", _("已超期")),
    "long_overdue": ("text-bg-dark", _("严重超期")),
}


@register.filter
def public_note(text: str) -> str:
    """A note on the timeline: the system's own notes (workflow.steps.SYSTEM_NOTES) in the reader's
    language; what people wrote, as written."""
    from django.utils.translation import gettext

    from feedback.workflow.steps import SYSTEM_NOTES

    return gettext(text) if text in SYSTEM_NOTES else text


@register.filter
def state_badge_class(state: str) -> str:
    return STATE_BADGE_CLASSES.get(state, "text-bg-secondary")


@register.filter
def public_state_explanation(state: str) -> str:
    return PUBLIC_STATE_EXPLANATIONS.get(state, "")


@register.simple_tag
def tracking_explanation(opinion) -> str:
    """The state in plain words for this opinion (no deputy named when none handles it)."""
    from feedback.tracking import explanation

    return explanation(opinion)


@register.simple_tag
def tracking_next_step(opinion) -> str:
    """The next step and its date, for the tracking page."""
    from feedback.tracking import next_step

    return next_step(opinion)


@register.inclusion_tag("feedback/_state_badge.html")
def state_badge(opinion):
    return {"state": opinion.state, "label": opinion.get_state_display()}


@register.inclusion_tag("feedback/_deadline_badge.html")
def deadline_badge(status):
    """`status` is what `feedback.deadlines.deadline_status` returns (a key or an object with `.key`)."""
    key = getattr(status, "value", None) or getattr(status, "key", None) or status
    if not key or key not in DEADLINE_BADGES:
        return {"css": "", "label": ""}
    css, label = DEADLINE_BADGES[key]
    return {"css": css, "label": label}


PROFILE_SUGGESTIONS = 10


@register.inclusion_tag("feedback/suggestions/_profile.html")
def deputy_suggestions(deputy):
    """A deputy's published motions and suggestions on their public profile (§四(三)): the latest
    ones with their state and lead unit, and a link to all of them (one query)."""
    from feedback.models import Suggestion

    latest = list(
        Suggestion.objects.published()
        .filter(deputy=deputy)
        .select_related("lead_unit")
        .order_by("-submitted_at", "-pk")[: PROFILE_SUGGESTIONS + 1]
    )
    return {
        "deputy": deputy,
        "suggestions": latest[:PROFILE_SUGGESTIONS],
        "more": len(latest) > PROFILE_SUGGESTIONS,
    }
