"""Who hears of each step of a suggestion, in their own language, exactly once per step (the key
names the event and the recipient). Written in the workflow's transaction; e-mail and SMS go out
after commit (`accounts.notify`)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notify import Message, by_language, notify_many

from .models import Suggestion, SuggestionEvent, SuggestionState

KIND = "suggestion"


def suggestion_url(suggestion: Suggestion) -> str:
    return reverse("feedback:suggestion_detail", args=[suggestion.pk])


def _staff(*org_ids) -> list[User]:
    ids = [i for i in org_ids if i]
    if not ids:
        return []
    return list(
        User.objects.filter(
            is_active=True, organization_id__in=ids, role__in=(Role.LIAISON_STAFF, Role.UNIT_STAFF)
        ).order_by("pk")
    )


def _proposer(suggestion: Suggestion) -> list[User]:
    user = suggestion.deputy.person.user
    return [user] if user is not None else []


def _recipients(suggestion: Suggestion, event: SuggestionEvent) -> list[User]:
    action = event.action
    units = [u.pk for u in suggestion.handling_units.all()]
    if action == "submit":
        return _staff(suggestion.office_id)
    if action in ("assign", "extend"):
        return _staff(*units) + _proposer(suggestion)
    if action == "consult":
        return _proposer(suggestion)
    if action == "co_report":
        return _staff(suggestion.lead_unit_id)
    if action == "reply":
        return _proposer(suggestion) + _staff(suggestion.office_id)
    if action == "rate" and event.to_state == SuggestionState.REHANDLING:
        # "Dissatisfied": back to the lead unit, and the supervisor hears of it.
        supervisors = [suggestion.supervisor] if suggestion.supervisor_id else []
        return _staff(suggestion.lead_unit_id, suggestion.office_id) + supervisors
    if action == "mark_key" and suggestion.supervisor_id:
        return [suggestion.supervisor]
    return []


def _text(suggestion: Suggestion, event: SuggestionEvent) -> tuple[str, str]:
    title = suggestion.title
    texts = {
        "submit": (_("新的代表建议待交办：%(title)s"), _("请在5个工作日内交办。")),
        "assign": (_("代表建议已交办：%(title)s"), _("请按期办理，答复前与代表沟通。")),
        "extend": (_("代表建议已延期：%(title)s"), _("答复期限已按批准延长。")),
        "consult": (_("承办单位已与您沟通：%(title)s"), ""),
        "co_report": (_("协办单位已反馈意见：%(title)s"), ""),
        "reply": (_("代表建议已答复：%(title)s"), _("请查看答复并评价办理结果。")),
        "rate": (_("代表对建议答复不满意，需重新办理：%(title)s"), _("请在1个月内重新办理并答复。")),
        "mark_key": (_("您被确定为重点督办建议的督办领导：%(title)s"), ""),
    }
    head, body = texts[event.action]
    return head % {"title": title}, body


def notify_event(suggestion: Suggestion, event: SuggestionEvent) -> int:
    recipients = {u.pk: u for u in _recipients(suggestion, event) if u is not None}
    if not recipients:
        return 0
    messages = []
    for language, users in by_language(recipients.values()).items():
        with translation.override(language):
            title, body = _text(suggestion, event)
        messages += [
            Message(
                recipient=user,
                kind=KIND,
                title=title[:200],
                body=body,
                url=suggestion_url(suggestion),
                key=f"suggestion-event:{event.pk}:user:{user.pk}",
            )
            for user in users
        ]
    return notify_many(messages)


def invite_co_signers(suggestion: Suggestion, deputy_ids) -> int:
    """Ask newly added co-signers to confirm in the portal."""
    users = list(
        User.objects.filter(Q(person__mandates__in=deputy_ids), is_active=True).distinct().order_by("pk")
    )
    messages = []
    for language, group in by_language(users).items():
        with translation.override(language):
            title = _("请确认附议代表建议：%(title)s") % {"title": suggestion.title}
            body = _("%(name)s代表邀请您附议，确认后才计入附议人数。") % {
                "name": suggestion.deputy.person.name
            }
        messages += [
            Message(
                recipient=user,
                kind=KIND,
                title=title[:200],
                body=body,
                url=suggestion_url(suggestion),
                key=f"suggestion-cosign:{suggestion.pk}:user:{user.pk}",
            )
            for user in group
        ]
    return notify_many(messages)
