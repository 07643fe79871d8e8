"""Voters' views of their deputy's work and their questions (§二(五) "听取选民对代表履职的意见，回答选民的
询问"): raised at a report meeting or online, moderated by the liaison body, answered by the deputy.
Called as `question_services.approve(...)` etc. (names too generic to re-export in `contacts.services`).

- Online (the deputy's public profile or a report's public page): anyone, anonymous allowed; the
  caller applies the rate limit (`feedback.abuse.check_rate_limit`, scope "voter_question"). Always
  waits for moderation.
- At a report meeting: the deputy of the report or liaison staff in jurisdiction record it; what staff
  record is approved at once, what the deputy records waits for the liaison body like an online one.
- Moderation (approve, reject with a reason): liaison staff for deputies in their jurisdiction and
  administrators; a compare-and-set on the pending state, so of two moderators exactly one wins.
- The answer: the deputy themself only, for a question not rejected; they may correct it later.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phones import normalize_mobile
from deputies import permissions as access

from .checks import require_staff_for
from .models import (
    VoterQuestion,
    VoterQuestionChannel,
    VoterQuestionKind,
    VoterQuestionState,
    VoterReport,
)

MAX_CONTENT = 1000
MAX_ANSWER = 3000


def _check_text(content: str, kind: str, errors: dict) -> str:
    content = (content or "").strip()
    if not content:
        errors["content"] = _("请填写意见或询问的内容。")
    elif len(content) > MAX_CONTENT:
        errors["content"] = _("内容不能超过%(max)d字。") % {"max": MAX_CONTENT}
    if kind not in VoterQuestionKind.values:
        errors["kind"] = _("请选择类别。")
    return content


def _check_report(report, deputy, errors: dict) -> None:
    if report is not None and report.deputy_id != deputy.pk:
        errors["report"] = _("所选的报告不是这位代表的履职情况报告。")


def ask_online(
    *,
    deputy,
    content: str,
    kind: str = VoterQuestionKind.QUESTION,
    report: VoterReport | None = None,
    submitter_name: str = "",
    submitter_phone: str = "",
) -> VoterQuestion:
    """A voter's view or question sent online to a serving deputy; waits for moderation."""
    errors: dict = {}
    content = _check_text(content, kind, errors)
    _check_report(report, deputy, errors)
    phone = (submitter_phone or "").strip()
    if phone:
        phone = normalize_mobile(phone) or ""
        if not phone:
            errors["submitter_phone"] = _("请输入正确的手机号码（11位）。")
    if errors:
        raise ValidationError(errors)
    return VoterQuestion.objects.create(
        deputy=deputy,
        report=report,
        kind=kind,
        channel=VoterQuestionChannel.ONLINE,
        content=content,
        submitter_name=(submitter_name or "").strip()[:50],
        submitter_phone=phone,
    )


def record_at_meeting(
    *,
    actor,
    report: VoterReport,
    content: str,
    kind: str = VoterQuestionKind.QUESTION,
    submitter_name: str = "",
) -> VoterQuestion:
    """A view or question raised at a report meeting, recorded by the deputy or the liaison body."""
    deputy = report.deputy
    own = deputy.pk in access.own_deputy_ids(actor)
    if not own:
        require_staff_for(actor, [deputy])
    errors: dict = {}
    content = _check_text(content, kind, errors)
    if errors:
        raise ValidationError(errors)
    staff = not own
    return VoterQuestion.objects.create(
        deputy=deputy,
        report=report,
        kind=kind,
        channel=VoterQuestionChannel.MEETING,
        content=content,
        submitter_name=(submitter_name or "").strip()[:50],
        state=VoterQuestionState.APPROVED if staff else VoterQuestionState.PENDING,
        moderated_by=actor if staff else None,
        moderated_at=timezone.now() if staff else None,
        created_by=actor,
    )


def _moderate(actor, question: VoterQuestion, state: str, reason: str = "") -> VoterQuestion:
    if not access.may_moderate_voter_questions(actor):
        raise PermissionDenied(_("选民意见和询问由联络机构审核。"))
    require_staff_for(actor, [question.deputy])
    now = timezone.now()
    changed = VoterQuestion.objects.filter(pk=question.pk, state=VoterQuestionState.PENDING).update(
        state=state, rejection_reason=reason, moderated_by=actor, moderated_at=now
    )
    if not changed:
        raise ValidationError(_("该条意见已由他人审核。"), code="conflict")
    question.state, question.rejection_reason = state, reason
    question.moderated_by, question.moderated_at = actor, now
    return question


def approve(*, actor, question: VoterQuestion) -> VoterQuestion:
    """Publish a pending view or question (the liaison body in jurisdiction)."""
    return _moderate(actor, question, VoterQuestionState.APPROVED)


def reject(*, actor, question: VoterQuestion, reason: str) -> VoterQuestion:
    """Keep a pending view or question out of public view, with a reason (always required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明不予公开的原因。")})
    return _moderate(actor, question, VoterQuestionState.REJECTED, reason[:300])


def answer(*, actor, question: VoterQuestion, text: str) -> VoterQuestion:
    """The deputy's answer (their own questions only; not to a rejected one). It shows in public
    once the question is approved."""
    if question.deputy_id not in access.own_deputy_ids(actor):
        raise PermissionDenied(_("只有被询问的代表本人可以答复。"))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": _("请填写答复。")})
    if len(text) > MAX_ANSWER:
        raise ValidationError({"answer": _("答复不能超过%(max)d字。") % {"max": MAX_ANSWER}})
    now = timezone.now()
    changed = (
        VoterQuestion.objects.filter(pk=question.pk)
        .exclude(state=VoterQuestionState.REJECTED)
        .update(answer=text, answered_at=now)
    )
    if not changed:
        raise ValidationError(_("该条意见不予公开，无需答复。"), code="conflict")
    question.answer, question.answered_at = text, now
    return question
