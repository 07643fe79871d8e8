"""Voters' views of their deputy's work and their questions (§二(五)): the public form (on the deputy's
profile and on a report's public page), the report's public page with the approved questions and the
deputy's answers, and the work page where the liaison body moderates and the deputy answers.

Rules and writes: `contacts.question_services`; who sees what: `contacts.selectors` through
`deputies.permissions`. The public pages never render a submitter's name or phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from deputies import permissions as access
from deputies.models import Deputy
from feedback import abuse
from songjiang_liaison.forms import apply_errors

from . import question_services, selectors
from .models import VoterQuestionState, VoterReport
from .question_forms import AnswerForm, MeetingQuestionForm, RejectForm, VoterQuestionForm
from .view_helpers import _render

PAGE_SIZE = 20
RATE_SCOPE = "voter_question"


# --- Public ----------------------------------------------------------------------------------------


def _public_deputy(pk: int) -> Deputy:
    return get_object_or_404(Deputy.objects.serving().select_related("person", "congress"), pk=pk)


def _public_report(pk: int) -> VoterReport:
    """A held report, or a plan announced in public (a plan not made public is nobody's business)."""
    return get_object_or_404(
        VoterReport.objects.publicly_known().select_related(
            "deputy__person", "deputy__congress", "constituency", "venue"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def ask(request, deputy_id):
    """A voter sends a view of the deputy's work or a question (anonymous allowed). Rate-limited per
    client address like the opinion form; it shows in public once the liaison body approved it."""
    deputy = _public_deputy(deputy_id)
    form = VoterQuestionForm(
        request.POST or None, deputy=deputy, initial={"report": request.GET.get("report")}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                abuse.check_rate_limit(abuse.client_ip(request), scope=RATE_SCOPE)
            except abuse.RateLimited:
                form.add_error(None, _("提交过于频繁，请稍后再试。"))
                status = 429
            else:
                try:
                    question_services.ask_online(deputy=deputy, **form.service_kwargs())
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(
                        request, _("已收到您的意见或询问，经联络机构审核后公开，代表将作出答复。")
                    )
                    return redirect(reverse("deputies:profile", args=[deputy.pk]) + "#voter-questions")
    return render(
        request, "contacts/voter_question_ask.html", {"deputy": deputy, "form": form}, status=status
    )


def public_report(request, pk):
    """A report to voters in public: the report, the approved views and questions with the deputy's
    answers, and the form to send one (while the deputy serves)."""
    report = _public_report(pk)
    questions = list(selectors.public_voter_questions(report=report))
    serving = Deputy.objects.serving().filter(pk=report.deputy_id).exists()
    form = VoterQuestionForm(deputy=report.deputy, initial={"report": report.pk}) if serving else None
    return render(
        request,
        "contacts/voter_report_public.html",
        {"report": report, "questions": questions, "form": form},
    )


# --- Work page: moderation and answers --------------------------------------------------------------


def _work_queryset(user):
    return (
        selectors.voter_questions_visible_to(user)
        .select_related("deputy__person", "report", "moderated_by")
        .order_by("-created_at", "-id")
    )


@login_required
def question_queue(request):
    """The liaison body's questions to moderate and the deputy's questions to answer."""
    if not access.may_open_voter_questions(request.user):
        raise PermissionDenied
    questions = _work_queryset(request.user)
    show = "all" if request.GET.get("show") == "all" else "open"
    if show == "open":
        questions = questions.filter(
            Q(state=VoterQuestionState.PENDING) | Q(state=VoterQuestionState.APPROVED, answer="")
        )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "contacts/voter_questions.html",
        {
            "page": page,
            "show": show,
            "query_string": f"show={show}",
            "may_moderate": access.may_moderate_voter_questions(request.user),
            "own_ids": set(access.own_deputy_ids(request.user)),
            "answer_form": AnswerForm(),
            "reject_form": RejectForm(),
        },
        section="voter_questions",
    )


def _acted(request, call, success: str):
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(reverse("contacts:voter_questions") + f"?{request.GET.urlencode()}")


@login_required
@require_POST
def question_moderate(request, pk, action):
    """Approve or (with a reason) reject a pending view or question; another office's answers 404."""
    question = get_object_or_404(
        selectors.voter_questions_to_moderate(request.user).select_related("deputy__person"), pk=pk
    )
    if action == "approve":
        return _acted(
            request, lambda: question_services.approve(actor=request.user, question=question), _("已公开。")
        )
    if action == "reject":
        reason = request.POST.get("reason", "")
        return _acted(
            request,
            lambda: question_services.reject(actor=request.user, question=question, reason=reason),
            _("已标记为不予公开。"),
        )
    raise Http404


@login_required
@require_POST
def question_answer(request, pk):
    """The deputy answers a view or question addressed to them; another deputy's answers 404."""
    question = get_object_or_404(selectors.voter_questions_to_answer(request.user), pk=pk)
    text = request.POST.get("answer", "")
    return _acted(
        request,
        lambda: question_services.answer(actor=request.user, question=question, text=text),
        _("答复已保存。"),
    )


@login_required
def question_record(request, report_id):
    """Record a view or question raised at a report meeting: the deputy of the report, or liaison
    staff for deputies in their jurisdiction (others: 404)."""
    reports = VoterReport.objects.filter(deputy__in=access.deputies_in_jurisdiction(request.user))
    if not (access.is_staff(request.user) or access.is_deputy(request.user)):
        raise Http404
    report = get_object_or_404(reports.select_related("deputy__person"), pk=report_id)
    form = MeetingQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question_services.record_at_meeting(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已记录。"))
            return redirect("contacts:voter_question_record", report_id=report.pk)
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("记录报告会上选民的意见和询问"),
            "intro": _("%(date)s %(name)s代表的履职情况报告。")
            % {"date": report.date.isoformat(), "name": report.deputy.person.name},
            "intro_more": _("联络机构记录的即公开；代表本人记录的经联络机构审核后公开。"),
            "back_url": reverse("contacts:voter_reports"),
        },
        section="voter_questions",
    )
