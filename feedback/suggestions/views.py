"""Suggestion pages: the deputy's drafting page, the working list (deputies, the office, handling
units), one suggestion with a form per allowed action, attachments, and the public list. Views
parse, call one service, selector or the workflow, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deputies.models import Deputy
from songjiang_liaison.forms import apply_errors

from . import forms as f
from . import permissions as p
from . import selectors, services, workflow
from .models import Suggestion, SuggestionAttachment, SuggestionState

PAGE_SIZE = 20


def _visible(user, pk) -> Suggestion:
    suggestion = selectors.suggestion_for(user, pk)
    if suggestion is None:
        raise Http404
    return suggestion


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- the working list ----------------------------------------------------------------------------------


@login_required
@require_GET
def work(request):
    """Deputies: their drafts, suggestions and co-signing invitations; the office: what it registers;
    units: what they lead or co-handle; supervisors: what they supervise, overdue first."""
    form = f.WorkFilterForm(request.GET or None)
    suggestions = selectors.work_list(request.user)
    if form.is_valid():
        suggestions = selectors.filter_suggestions(
            suggestions, q=form.cleaned_data["q"], state=form.cleaned_data["state"]
        )
    now = timezone.now()
    return render(
        request,
        "feedback/suggestions/work.html",
        {
            "form": form,
            "page": _page(request, suggestions),
            "query_string": _query_string(request),
            "may_draft": p.may_draft(request.user),
            "overdue": list(selectors.overdue_for_supervisor(request.user, now)[:50]),
            "now": now,
        },
    )


# --- drafting ------------------------------------------------------------------------------------------


def _draft_form(request, data=None, files=None, initial=None, mandate=None):
    mandate = mandate or services.proposing_mandate(request.user)
    co_signers = (
        Deputy.objects.serving()
        .filter(congress_id=mandate.congress_id)
        .exclude(pk=mandate.pk)
        .select_related("person")
        .order_by("person__name")
        if mandate
        else Deputy.objects.none()
    )
    opinions = services.source_opinion_choices(request.user)[:100]
    return f.DraftForm(data, files, initial=initial, co_signer_choices=co_signers, opinion_choices=opinions)


@login_required
@require_http_methods(["GET", "POST"])
def new(request):
    """A new draft; `?opinions=1,2` starts it from those routed opinions."""
    if not p.may_draft(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = _draft_form(request, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                suggestion = services.create_draft(
                    user=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    session=data["session"],
                    co_signers=data["co_signers"],
                    source_opinions=data["source_opinions"],
                    attachments=data["attachments"],
                    confidential=data["confidential"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("草稿已保存。提交前仅您和附议代表可见。"))
                return redirect("feedback:suggestion_detail", pk=suggestion.pk)
    else:
        wanted = [i for i in request.GET.get("opinions", "").split(",") if i.strip().isdigit()]
        form = _draft_form(request, initial={"source_opinions": wanted, "kind": "suggestion"})
    return render(request, "feedback/suggestions/draft.html", {"form": form, "suggestion": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    suggestion = _visible(request.user, pk)
    if not p.proposer(p.actor_for(request.user), suggestion):
        raise PermissionDenied
    if suggestion.state != SuggestionState.DRAFT:
        messages.warning(request, _("建议已提交，不能再修改。"))
        return redirect("feedback:suggestion_detail", pk=pk)
    if request.method == "POST":
        form = _draft_form(request, request.POST, request.FILES, mandate=suggestion.deputy)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_draft(
                    suggestion=suggestion,
                    user=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    content=data["content"],
                    session=data["session"],
                    co_signers=data["co_signers"],
                    source_opinions=data["source_opinions"],
                    attachments=data["attachments"],
                    confidential=data["confidential"],
                )
            except (workflow.ActionConflict, workflow.ActionNotAllowed) as exc:
                messages.warning(request, exc.message)
                return redirect("feedback:suggestion_detail", pk=pk)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("草稿已保存。"))
                return redirect("feedback:suggestion_detail", pk=pk)
    else:
        form = _draft_form(
            request,
            initial={
                "kind": suggestion.kind,
                "session": suggestion.session,
                "title": suggestion.title,
                "content": suggestion.content,
                "co_signers": [str(c.deputy_id) for c in suggestion.co_signers.all()],
                "source_opinions": [str(o.pk) for o in suggestion.source_opinions.all()],
                "confidential": not suggestion.is_public,
            },
            mandate=suggestion.deputy,
        )
    return render(request, "feedback/suggestions/draft.html", {"form": form, "suggestion": suggestion})


# --- one suggestion ----------------------------------------------------------------------------------


def _detail_context(request, suggestion, *, action_forms=None):
    actions = workflow.allowed_actions(suggestion, request.user)
    forms = {}
    for name in actions:
        transition = workflow.TRANSITIONS[name]
        forms[name] = (action_forms or {}).get(name) or f.ActionForm(
            prefix=name, transition=transition, suggestion=suggestion
        )
    return {
        "suggestion": suggestion,
        "actions": [(name, workflow.TRANSITIONS[name].label, forms[name]) for name in actions],
        "is_proposer": p.proposer(p.actor_for(request.user), suggestion),
        "required_co_signers": workflow.required_co_signers(suggestion),
        "confirmed_co_signers": sum(1 for c in suggestion.co_signers.all() if c.confirmed_at),
        "events": suggestion.events.select_related("actor"),
        "now": timezone.now(),
    }


@login_required
@require_GET
def detail(request, pk):
    suggestion = _visible(request.user, pk)
    return render(request, "feedback/suggestions/detail.html", _detail_context(request, suggestion))


@login_required
@require_POST
def act(request, pk, action):
    """One workflow action: refused → 403, stale page → 409, invalid data → the form's errors."""
    suggestion = _visible(request.user, pk)
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    form = f.ActionForm(
        request.POST, request.FILES, prefix=action, transition=transition, suggestion=suggestion
    )
    expected = request.POST.get("expected_state") or suggestion.state
    status = 200
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        for name in ("lead_unit", "supervisor"):
            if name in data:
                data[name] = data[name].pk
        if "co_units" in data:
            data["co_units"] = [u.pk for u in data["co_units"]]
        try:
            workflow.apply_action(
                suggestion=suggestion, action=action, actor=request.user, data=data, expected_state=expected
            )
        except workflow.ActionNotAllowed as exc:
            raise PermissionDenied from exc
        except workflow.ActionConflict as exc:
            messages.warning(request, exc.message)
            status = 409
        except ValidationError as exc:
            apply_errors(form, exc)
            status = 400
        else:
            messages.success(request, _("操作成功：%(action)s") % {"action": transition.label})
            return redirect("feedback:suggestion_detail", pk=pk)
    else:
        status = 400
    suggestion = _visible(request.user, pk)
    context = _detail_context(request, suggestion, action_forms={action: form})
    context["open_action"] = action
    return render(request, "feedback/suggestions/detail.html", context, status=status)


@require_GET
def attachment(request, pk, file_pk):
    """A file of a suggestion: the deputy's attachments for those who may see the suggestion;
    reply documents of published suggestions also for the public."""
    suggestion = selectors.suggestion_for(request.user, pk)
    files = SuggestionAttachment.objects.filter(suggestion_id=pk)
    if suggestion is None or not request.user.is_authenticated:
        files = files.filter(is_reply=True, suggestion__in=Suggestion.objects.published())
    found = files.filter(pk=file_pk).first()
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


# --- the public list -----------------------------------------------------------------------------------


@require_GET
def public_list(request):
    """The deputies' motions and suggestions and what became of them (§四(三), §五, R-OP-5): state,
    lead unit, due date, reply and whether it came on time; never drafts or confidential ones."""
    from ..forms import SuggestionFilterForm

    form = SuggestionFilterForm(request.GET or None)
    found = form.filter(selectors.public_suggestions())
    return render(
        request,
        "feedback/suggestions.html",
        {
            "form": form,
            "page": _page(request, found),
            "query_string": _query_string(request),
            "now": timezone.now(),
        },
    )
