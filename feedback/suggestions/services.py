"""Drafting a suggestion (§四(一)3): the deputy writes it, names co-signers of the same congress,
attaches documents and links the opinions it grew from. A draft is private until submitted
(`workflow.apply_action(action="submit")`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy

from ..models import OpinionState
from . import permissions as p
from . import uploads, workflow
from .models import Suggestion, SuggestionAttachment, SuggestionCoSigner, SuggestionKind, SuggestionState

MAX_TITLE = 200
MAX_CONTENT = 20000
# Opinions a suggestion may not grow from: not (yet, or any more) a matter anyone handles.
UNUSABLE_OPINION_STATES = (OpinionState.MODERATION, OpinionState.REJECTED, OpinionState.MERGED)


def proposing_mandate(user, deputy_id=None) -> Deputy | None:
    """The caller's serving mandate that proposes: the one named, else their district mandate first."""
    actor = p.actor_for(user)
    mandates = Deputy.objects.serving().filter(pk__in=actor.deputy_ids).select_related("congress")
    if deputy_id not in (None, ""):
        return mandates.filter(pk=workflow._id(deputy_id)).first()
    return mandates.order_by("congress__level", "pk").first()


def source_opinion_choices(user):
    """The opinions a deputy may start a suggestion from: theirs, visible to them, still handled."""
    from ..selectors import opinions_visible_to

    actor = p.actor_for(user)
    return (
        opinions_visible_to(user)
        .filter(deputy_id__in=actor.deputy_ids)
        .exclude(state__in=UNUSABLE_OPINION_STATES)
        .order_by("-received_at", "-pk")
    )


def _clean(*, user, mandate, kind, title, content, session, co_signers, source_opinions, errors):
    if kind not in SuggestionKind.values:
        errors["kind"] = _("请选择有效的选项。")
    title = (title or "").strip()
    content = (content or "").strip()
    if not title:
        errors["title"] = _("此项为必填项。")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("不能超过%(max)d个字。") % {"max": MAX_TITLE}
    if not content:
        errors["content"] = _("此项为必填项。")
    elif len(content) > MAX_CONTENT:
        errors["content"] = _("不能超过%(max)d个字。") % {"max": MAX_CONTENT}
    if session not in (None, ""):
        session = workflow._id(session)
        if session is None or not 1 <= session <= 99:
            errors["session"] = _("请填写会议次数（1–99）。")
    else:
        session = None
    co_ids = workflow._ids(co_signers)
    co_deputies = []
    if co_ids is None:
        errors["co_signers"] = _("请选择同一届人民代表大会的在任代表。")
    elif mandate is not None:
        wanted = set(co_ids) - {mandate.pk}
        co_deputies = list(Deputy.objects.serving().filter(pk__in=wanted, congress_id=mandate.congress_id))
        if len(co_deputies) != len(wanted):
            errors["co_signers"] = _("请选择同一届人民代表大会的在任代表。")
    opinion_ids = workflow._ids(source_opinions)
    opinions = []
    if opinion_ids is None:
        errors["source_opinions"] = _("请选择您可以查看的社情民意。")
    elif opinion_ids:
        opinions = list(source_opinion_choices(user).filter(pk__in=set(opinion_ids)))
        if len(opinions) != len(set(opinion_ids)):
            errors["source_opinions"] = _("请选择您可以查看的社情民意。")
    return title, content, session, co_deputies, opinions


def create_draft(
    *,
    user,
    kind: str,
    title: str,
    content: str,
    session=None,
    co_signers=(),
    source_opinions=(),
    attachments=(),
    confidential: bool = False,
    deputy=None,
) -> Suggestion:
    """A new draft of the caller's (a serving deputy); ValidationError with field errors."""
    errors: dict[str, str] = {}
    mandate = proposing_mandate(user, deputy)
    if mandate is None:
        errors["deputy"] = _("只有在任代表可以提出议案、建议。")
    title, content, session, co_deputies, opinions = _clean(
        user=user,
        mandate=mandate,
        kind=kind,
        title=title,
        content=content,
        session=session,
        co_signers=co_signers,
        source_opinions=source_opinions,
        errors=errors,
    )
    files = []
    try:
        files = uploads.checked_files(attachments)
    except ValidationError as exc:
        errors["attachments"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        suggestion = Suggestion.objects.create(
            kind=kind,
            title=title,
            content=content,
            session=session,
            deputy=mandate,
            congress=mandate.congress,
            state=SuggestionState.DRAFT,
            # A confidential opinion is never published, not even through a suggestion grown from it.
            is_public=not confidential and not any(o.confidential for o in opinions),
            opinion=opinions[0] if opinions else None,
        )
        suggestion.source_opinions.set(opinions)
        SuggestionCoSigner.objects.bulk_create(
            [SuggestionCoSigner(suggestion=suggestion, deputy=d) for d in co_deputies]
        )
        _attach(suggestion, files, user)
        workflow.record_created(suggestion, actor=user)
        from .notifications import invite_co_signers

        invite_co_signers(suggestion, [d.pk for d in co_deputies])
    return suggestion


def update_draft(*, suggestion: Suggestion, user, **changes) -> Suggestion:
    """Change a draft (the proposer only, and only while it is a draft). Co-signers who stay keep
    their confirmation; new ones are invited."""
    actor = p.actor_for(user)
    if not p.proposer(actor, suggestion):
        raise workflow.ActionNotAllowed(_("只有提出代表可以修改草稿。"))
    if suggestion.state != SuggestionState.DRAFT:
        raise workflow.ActionConflict(_("建议已提交，不能再修改。"))
    errors: dict[str, str] = {}
    current_co = list(suggestion.co_signers.values_list("deputy_id", flat=True))
    title, content, session, co_deputies, opinions = _clean(
        user=user,
        mandate=suggestion.deputy,
        kind=changes.get("kind", suggestion.kind),
        title=changes.get("title", suggestion.title),
        content=changes.get("content", suggestion.content),
        session=changes.get("session", suggestion.session),
        co_signers=changes.get("co_signers", current_co),
        source_opinions=changes.get(
            "source_opinions", list(suggestion.source_opinions.values_list("pk", flat=True))
        ),
        errors=errors,
    )
    files = []
    try:
        files = uploads.checked_files(changes.get("attachments"))
    except ValidationError as exc:
        errors["attachments"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        updated = Suggestion.objects.filter(
            pk=suggestion.pk, state=SuggestionState.DRAFT, updated_at=suggestion.updated_at
        ).update(
            kind=changes.get("kind", suggestion.kind),
            title=title,
            content=content,
            session=session,
            is_public=not changes.get("confidential", not suggestion.is_public)
            and not any(o.confidential for o in opinions),
            opinion=opinions[0] if opinions else None,
            # `update()` does not touch auto_now: the new version for the next compare-and-set.
            updated_at=timezone.now(),
        )
        if updated != 1:
            raise workflow.ActionConflict(_("这件建议刚刚被修改或提交，请刷新后再试。"))
        suggestion.refresh_from_db()
        suggestion.source_opinions.set(opinions)
        keep = {d.pk for d in co_deputies}
        suggestion.co_signers.exclude(deputy_id__in=keep).delete()
        new = keep - set(current_co)
        SuggestionCoSigner.objects.bulk_create(
            [SuggestionCoSigner(suggestion=suggestion, deputy_id=i) for i in sorted(new)]
        )
        _attach(suggestion, files, user)
        from .notifications import invite_co_signers

        invite_co_signers(suggestion, sorted(new))
    return suggestion


def _attach(suggestion: Suggestion, files, user) -> None:
    SuggestionAttachment.objects.bulk_create(
        [
            SuggestionAttachment(suggestion=suggestion, file=content, name=name, uploaded_by=user)
            for name, content in files
        ]
    )


def draft_from_routed_opinion(*, opinion, deputy: Deputy, kind: str, difficult: bool) -> Suggestion:
    """§四(一)3: an opinion routed to district level leaves the district deputy a draft, with the
    opinion as its source, to complete (and join with other opinions) and submit. Written inside the
    opinion's `route` transition."""
    first_line = opinion.content.strip().splitlines()[0] if opinion.content.strip() else ""
    now = timezone.now()
    suggestion = Suggestion.objects.create(
        # One time for both: a draft whose version is still its creation time was never edited
        # (`remove_drafts_covered_by`).
        created_at=now,
        updated_at=now,
        kind=kind,
        title=first_line[:60],
        content=opinion.content,
        deputy=deputy,
        congress_id=deputy.congress_id,
        opinion=opinion,
        difficult=difficult,
        state=SuggestionState.DRAFT,
        # A confidential opinion is never published, not even as a suggestion's text.
        is_public=not opinion.confidential,
    )
    suggestion.source_opinions.add(opinion)
    workflow.record_created(suggestion, actor=None)
    return suggestion
