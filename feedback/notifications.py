"""Who hears about each transition: whoever must act next (in-app inbox, e-mail where known), and
the citizen when there is something to tell them (a direct answer, the feedback, a non-acceptance
notice): a text message to the mobile number they left, only with their consent and never with
anything but the public words and the tracking code.

Exactly once per event and recipient: the notification key is `opinion-event:<event>:<user>` (it does
not depend on the language). Each message is written in its recipient's language (`User.language`);
text messages to citizens, who have no account, are in the portal's default language (Chinese).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notify import by_language, notify

from .models import Opinion, OpinionEvent, OpinionState, SubmitterNotice

S = OpinionState
_MOBILE = re.compile(r"1[3-9]\d{9}$")
# Transitions the citizen is told about by text message (the tracking page shows all of them).
SUBMITTER_NOTICES = ("answer", "feedback", "reject")
SMS_TEXT_LIMIT = 140


def opinion_url(opinion: Opinion) -> str:
    try:
        return reverse("feedback:detail", args=[opinion.pk])
    except NoReverseMatch:
        return f"/opinions/{opinion.pk}/"


def staff_of(*organization_ids) -> list[User]:
    ids = [i for i in organization_ids if i]
    if not ids:
        return []
    return list(
        User.objects.filter(
            organization_id__in=ids, is_active=True, role__in=(Role.LIAISON_STAFF, Role.UNIT_STAFF)
        )
    )


def deputy_users(opinion: Opinion, *, origin: bool = True) -> list[User]:
    """The deputies' active logins: a deactivated one counts as none, so that an opinion received for
    that deputy goes to the responsible body instead of nobody."""
    users = []
    for deputy in (opinion.deputy, opinion.origin_deputy if origin else None):
        if deputy is not None and deputy.person.user_id and deputy.person.user.is_active:
            users.append(deputy.person.user)
    return users


def recipients_for(event: OpinionEvent) -> list[User]:
    opinion = event.opinion
    to, action = event.to_state, event.action
    if action == "receive":
        if opinion.flagged_spam:
            return []
        if to == S.MODERATION:
            return staff_of(opinion.organization_id)
        return deputy_users(opinion) or staff_of(opinion.organization_id)
    if action == "route":
        return staff_of(opinion.organization_id) + deputy_users(opinion, origin=False)
    if action == "assign":
        return staff_of(*event.data.get("units", []))
    if action == "reply":
        return staff_of(opinion.organization_id) + (deputy_users(opinion) if to == S.REPLIED else [])
    if action == "relay":
        return deputy_users(opinion)
    if action in ("reopen", "rate") and to == S.VERIFYING:
        return staff_of(opinion.organization_id) + deputy_users(opinion)
    if action in ("reject", "merge", "close", "answer", "feedback"):
        return deputy_users(opinion) if action in ("reject", "merge") else []
    return []


def message_body(opinion: Opinion) -> str:
    """The start of the opinion's text, which staff see in their inbox and may get by e-mail or text
    message. A confidential opinion's text never leaves the portal: the message says so, and its
    link opens the opinion for those allowed to see it."""
    if opinion.confidential:
        return _("该意见要求保密，内容不在通知中显示，请登录平台查看。")
    return opinion.content[:140]


def notify_event(event_id: int) -> int:
    """Send the inbox messages for one event; returns how many were created."""
    event = (
        OpinionEvent.objects.select_related(
            "opinion", "opinion__deputy__person__user", "opinion__origin_deputy__person__user", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
    opinion = event.opinion
    notify_submitter(event)
    recipients = {}
    for user in recipients_for(event):
        if user.pk != event.actor_id:
            recipients.setdefault(user.pk, user)
    sent = 0
    for language, users in by_language(recipients.values()).items():
        with translation.override(language):
            title = _("社情民意 #%(id)s：%(state)s") % {"id": opinion.pk, "state": S(event.to_state).label}
            body = message_body(opinion)
        for user in users:
            if notify(
                recipient=user,
                kind=f"opinion_{event.action}",
                title=title,
                body=body,
                url=opinion_url(opinion),
                key=f"opinion-event:{event.pk}:{user.pk}",
            ):
                sent += 1
    return sent


def submitter_mobile(opinion: Opinion) -> str:
    """The mainland mobile number the citizen left, as 11 digits, or "" (none, or not a mobile)."""
    digits = re.sub(r"\D", "", opinion.submitter_phone or "")[-11:]
    return digits if _MOBILE.match(digits) else ""


def submitter_will_be_texted(opinion: Opinion) -> bool:
    """Whether the citizen will get text messages about this opinion: they left a mobile number and
    agreed to be contacted, and the portal sends texts (not only to its log)."""
    from accounts.sms import will_deliver

    return bool(opinion.consent and submitter_mobile(opinion)) and will_deliver("notice")


def notify_submitter(event: OpinionEvent) -> bool:
    """Text the citizen the public words of an answer, a feedback or a non-acceptance notice."""
    from accounts.sms import send_sms

    opinion = event.opinion
    if event.action not in SUBMITTER_NOTICES or not opinion.consent:
        return False
    digits = submitter_mobile(opinion)
    if not digits:
        return False
    with translation.override(settings.LANGUAGE_CODE):  # not the language of the staff member acting
        text = _("【松江人大】您反映的意见（查询码%(code)s）%(state)s：%(note)s") % {
            "code": opinion.tracking_code,
            "state": S(event.to_state).label,
            "note": event.public_note,
        }
    if len(text) > SMS_TEXT_LIMIT:
        text = text[: SMS_TEXT_LIMIT - 1] + "…"
    # Exactly once: the notice row is locked while the message goes out and stamped after it; a send
    # that fails rolls the row back, so a retry sends, and a repeat finds the stamp and stops.
    with transaction.atomic():
        notice, _created = SubmitterNotice.objects.select_for_update().get_or_create(event=event)
        if notice.sent_at is not None:
            return False
        send_sms(phone=digits, text=text)
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True
