"""The public archive of opinions: what a citizen agreed to publish and the staff approved.

An opinion is public only when all three hold:
1. the citizen agreed when submitting (`publish`, on the form and `POST /api/v1/opinions/`, default
   no), and the opinion is not confidential (a confidential opinion cannot be published at all);
2. the staff in charge approved the text to publish (`publication == approved`): the opinion and the
   answer as they will read in public (`public_content`, `public_answer`), checked here to carry no
   phone number and none of the submitter's name, phone or address; staff may withhold it instead,
   with a reason, at any time, also after approving it;
3. it is not in moderation nor merged into another one.

The public sees the approved texts, the place, category, state, dates and the states of the
timeline's steps. Never the submitter's name, phone or address, internal or public notes as written
(they may address the citizen by name), photos, the deputy's intake details or the tracking code.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import permissions
from .models import Opinion, OpinionEvent, OpinionState, Publication

# States the public never sees: unchecked submissions and opinions folded into another one.
HIDDEN_STATES = (OpinionState.MODERATION, OpinionState.MERGED)
PUBLIC_STATES = [(value, label) for value, label in OpinionState.choices if value not in HIDDEN_STATES]
PUBLIC_TEXT_MAX = 5000
WITHHELD_REASON_MAX = 500
REDACTED = "＊＊＊"
# Mainland mobile and fixed-line numbers, with or without separators (7+ digits in a row).
PHONE_LIKE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?(?:\d[-\s]?){6,}\d(?!\d)")

STEP_FIELDS = ("id", "opinion_id", "action", "to_state", "created_at")


# --- the citizen's consent (at intake) ----------------------------------------------------------------


def check_consent(*, publish: bool, confidential: bool) -> None:
    """A citizen who asks for confidentiality cannot also ask for publication."""
    if publish and confidential:
        raise ValidationError({"publish": _("要求保密的意见不能公开发布，请只选择其中一项。")})


# --- what the public sees ---------------------------------------------------------------------------


def published() -> QuerySet[Opinion]:
    """Every opinion the public may read (the three gates above), with what rows show."""
    return (
        Opinion.objects.filter(publish=True, confidential=False, publication=Publication.APPROVED)
        .exclude(state__in=HIDDEN_STATES)
        .select_related("region", "region__parent", "deputy__person")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=OpinionEvent.objects.exclude(to_state__in=HIDDEN_STATES).only(*STEP_FIELDS),
                to_attr="public_steps",
            )
        )
        .order_by("-received_at", "-pk")
    )


def published_categories() -> list[str]:
    """The categories published opinions carry (one query)."""
    opinions = Opinion.objects.filter(publish=True, confidential=False, publication=Publication.APPROVED)
    return list(opinions.exclude(category="").values_list("category", flat=True).distinct())


def search(
    opinions: QuerySet[Opinion],
    *,
    q: str = "",
    region=None,
    category: str = "",
    state: str = "",
    year: int | None = None,
) -> QuerySet[Opinion]:
    """The archive's filters: Chinese text (a substring of the approved texts or the category), the
    street or town (with its committees), category, state and year received (Asia/Shanghai)."""
    q = (q or "").strip()
    if q:
        opinions = opinions.filter(
            Q(public_content__icontains=q) | Q(public_answer__icontains=q) | Q(category__icontains=q)
        )
    if region:
        region_id = getattr(region, "pk", region)
        opinions = opinions.filter(Q(region_id=region_id) | Q(region__parent_id=region_id))
    if category:
        opinions = opinions.filter(category=category)
    if state:
        opinions = opinions.filter(state=state)
    if year:
        opinions = opinions.filter(received_at__year=year)
    return opinions


def published_opinion(pk) -> Opinion | None:
    """One published opinion by id; anything else (unpublished, withheld, confidential, missing)
    is None, which callers answer with 404."""
    try:
        return published().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def steps(opinion: Opinion) -> list[OpinionEvent]:
    """The public steps of the timeline: when and into which state, no notes."""
    if hasattr(opinion, "public_steps"):
        return opinion.public_steps
    return list(opinion.events.exclude(to_state__in=HIDDEN_STATES).only(*STEP_FIELDS))


# --- the staff's decision ----------------------------------------------------------------------------


def may_review(user, opinion: Opinion) -> bool:
    """Those who handle the opinion for the liaison body decide: administrators, staff of the body
    it is with, a street or town body for its own area (as `permissions.liaison_in_charge`)."""
    return permissions.liaison_in_charge(permissions.actor_for(user), opinion)


def needs_review(opinion: Opinion) -> bool:
    return opinion.publish and not opinion.confidential and opinion.publication == Publication.PENDING


def awaiting_review_q() -> Q:
    """The opinions awaiting the staff's publication review (the queue's 待审核公开 filter): the
    submitter agreed, nothing confidential, no decision yet, and in a state that may be published."""
    return Q(publish=True, confidential=False, publication=Publication.PENDING) & ~Q(state__in=HIDDEN_STATES)


def redact(text: str, opinion: Opinion) -> str:
    """A first draft of a public text: the submitter's name, phone and address and anything that
    looks like a phone number replaced by ＊＊＊. Staff read and correct it before approving."""
    for private in _private_values(opinion):
        text = text.replace(private, REDACTED)
    return PHONE_LIKE.sub(REDACTED, text)


def suggested_texts(opinion: Opinion) -> dict[str, str]:
    """What the approval form starts with: the approved texts if any, else redacted drafts."""
    return {
        "public_content": opinion.public_content or redact(opinion.content, opinion),
        "public_answer": opinion.public_answer or redact(opinion.public_reply, opinion),
    }


def _private_values(opinion: Opinion) -> list[str]:
    values = [opinion.submitter_name, opinion.submitter_phone, opinion.submitter_address]
    digits = re.sub(r"\D", "", opinion.submitter_phone or "")
    if digits:
        values.append(digits)
    # A one-character name would match everywhere; the surname alone says little.
    return [v.strip() for v in values if v and len(v.strip()) >= 2]


def _check_public_text(text: str, opinion: Opinion, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写要公开的内容。")})
    if len(text) > PUBLIC_TEXT_MAX:
        raise ValidationError({field: _("公开的内容不能超过%(max)d个字。") % {"max": PUBLIC_TEXT_MAX}})
    if PHONE_LIKE.search(text) or any(value in text for value in _private_values(opinion)):
        raise ValidationError(
            {field: _("公开的内容中含有提交人的姓名、电话、地址或电话号码，请删除后再公开。")}
        )
    return text


def _locked(opinion: Opinion, user) -> Opinion:
    if not may_review(user, opinion):
        raise PermissionDenied
    return Opinion.objects.select_for_update().get(pk=opinion.pk)


def approve(*, opinion: Opinion, user, public_content: str, public_answer: str = "") -> Opinion:
    """Publish the opinion with the texts as approved (checked for private details)."""
    with transaction.atomic():
        current = _locked(opinion, user)
        if not current.publish or current.confidential:
            raise ValidationError(_("提交人没有同意公开这条意见（或要求保密），不能公开。"))
        if current.state in HIDDEN_STATES:
            raise ValidationError(_("待审核或已合并的意见不能公开。"))
        current.public_content = _check_public_text(public_content, current, "public_content", required=True)
        current.public_answer = _check_public_text(public_answer, current, "public_answer", required=False)
        current.publication = Publication.APPROVED
        current.withheld_reason = ""
        current.published_at = current.published_at or timezone.now()
        current.publication_reviewed_by = user
        current.save(
            update_fields=[
                "public_content",
                "public_answer",
                "publication",
                "withheld_reason",
                "published_at",
                "publication_reviewed_by",
                "updated_at",
            ]
        )
    return current


def withhold(*, opinion: Opinion, user, reason: str) -> Opinion:
    """Keep (or take) the opinion out of the archive, with the reason recorded for staff."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"withheld_reason": _("请说明不予公开的理由。")})
    if len(reason) > WITHHELD_REASON_MAX:
        message = _("理由不能超过%(max)d个字。") % {"max": WITHHELD_REASON_MAX}
        raise ValidationError({"withheld_reason": message})
    with transaction.atomic():
        current = _locked(opinion, user)
        current.publication = Publication.WITHHELD
        current.withheld_reason = reason
        current.publication_reviewed_by = user
        current.save(
            update_fields=["publication", "withheld_reason", "publication_reviewed_by", "updated_at"]
        )
    return current
