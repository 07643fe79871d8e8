"""Pages of the rest of the performance record (§三(七)(八), §五(三)–(五), R-ACT-3…7): reports to
voters, research and inspection reports, training, and requests to meet an official.

Views parse input, call one service or selector, and render; the writes are in `record_services.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies import permissions as access
from deputies.models import Congress
from songjiang_liaison.forms import apply_errors

from . import selectors, services
from .forms import (
    AttendanceForm,
    MeetingArrangeForm,
    MeetingDeclineForm,
    MeetingRecordForm,
    MeetingRequestForm,
    ResearchReportForm,
    TrainingPlanForm,
    VoterReportForm,
)
from .models import MeetingState, TrainingAttendance, TrainingPlan, TrainingSession, VoterReport
from .plan_forms import ScheduledTrainingSessionForm
from .view_helpers import (
    PAGE_SIZE,
    _deputies_for_forms,
    _own_mandates,
    _render,
    _require_staff,
    _staff_deputies,
)

# --- Reports to voters ----------------------------------------------------------------------------


@login_required
def voter_reports(request):
    """Reports to voters (§三(七), R-ACT-3) and who has reported this term."""
    deputies = access.deputies_in_jurisdiction(request.user)
    reports = (
        VoterReport.objects.filter(deputy__in=deputies)
        .select_related("deputy__person", "deputy__congress", "constituency")
        .order_by("-date", "-id")
    )
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    status = list(
        selectors.with_voter_report_done(deputies.serving().select_related("person", "congress")).order_by(
            "voter_report_done", "person__name"
        )[:100]
    )
    return _render(
        request,
        "contacts/voter_reports.html",
        {
            "page": page,
            "status": status,
            "can_create": _deputies_for_forms(request.user).exists(),
            "today": timezone.localdate(),
        },
        section="voter_reports",
    )


@login_required
def voter_report_create(request):
    deputies = _deputies_for_forms(request.user)
    if not deputies.exists():
        raise PermissionDenied
    form = VoterReportForm(request.POST or None, request.FILES or None, deputies=deputies)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_voter_report(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("履职情况报告已记录。"))
            return redirect("contacts:voter_reports")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("记录向选民报告履职情况"),
            "intro": _("代表每届任期内至少向原选区选民报告一次履职情况，以口头报告为主。"),
            "back_url": reverse("contacts:voter_reports"),
        },
        section="voter_reports",
    )


# --- Research and inspection -----------------------------------------------------------------------


@login_required
def research(request):
    reports = selectors.research_reports_visible_to(request.user).prefetch_related("deputies__person")
    page = Paginator(reports.order_by("-date", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "contacts/research.html",
        {"page": page, "can_create": access.is_staff(request.user)},
        section="research",
    )


@login_required
def research_create(request):
    _require_staff(request.user)
    form = ResearchReportForm(
        request.POST or None, request.FILES or None, deputies=_staff_deputies(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["deputies"] = list(data["deputies"])
        try:
            services.record_research_report(actor=request.user, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("调研视察报告已记录。"))
            return redirect("contacts:research")
    return _render(
        request,
        "contacts/simple_form.html",
        {"form": form, "title": _("记录调研视察报告"), "back_url": reverse("contacts:research")},
        section="research",
    )


# --- Training -------------------------------------------------------------------------------------


def _training_plans(user):
    """Plans of the congresses whose deputies the caller sees (thin adapter: no selector for plans)."""
    congress_ids = access.deputies_in_jurisdiction(user).values("congress_id")
    return TrainingPlan.objects.filter(congress_id__in=congress_ids).select_related("congress")


@login_required
def training(request):
    plans = _training_plans(request.user).prefetch_related(
        Prefetch("sessions", queryset=TrainingSession.objects.order_by("date", "id"))
    )
    own_ids = access.own_deputy_ids(request.user)
    attendance = {
        a.session_id: a
        for a in TrainingAttendance.objects.filter(deputy_id__in=own_ids).only("session_id", "status")
    }
    page = Paginator(plans.order_by("-year", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "contacts/training.html",
        {"page": page, "attendance": attendance, "can_manage": access.is_staff(request.user)},
        section="training",
    )


@login_required
def training_plan_create(request):
    _require_staff(request.user)
    congresses = Congress.objects.filter(
        pk__in=access.deputies_in_jurisdiction(request.user).values("congress_id")
    )
    form = TrainingPlanForm(request.POST or None, congresses=congresses)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_training_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("培训计划已保存。"))
            return redirect("contacts:training")
    return _render(
        request,
        "contacts/simple_form.html",
        {"form": form, "title": _("新建培训计划"), "back_url": reverse("contacts:training")},
        section="training",
    )


@login_required
def training_session_create(request):
    _require_staff(request.user)
    plans = _training_plans(request.user)
    initial = {"plan": request.GET["plan"]} if request.GET.get("plan", "").isdigit() else {}
    form = ScheduledTrainingSessionForm(request.POST or None, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_training_session(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("培训课程已保存。"))
            return redirect("contacts:training")
    return _render(
        request,
        "contacts/simple_form.html",
        {"form": form, "title": _("新增培训课程"), "back_url": reverse("contacts:training")},
        section="training",
    )


@login_required
def training_attendance(request, session_id):
    """Staff record who attended a session: the serving deputies of its congress in their jurisdiction."""
    _require_staff(request.user)
    session = get_object_or_404(
        TrainingSession.objects.filter(plan__in=_training_plans(request.user)).select_related("plan"),
        pk=session_id,
    )
    deputies = (
        access.deputies_in_jurisdiction(request.user)
        .filter(congress_id=session.plan.congress_id)
        .serving(on=session.date)
        .select_related("person")
        .order_by("person__name")
    )
    current = dict(session.attendances.values_list("deputy_id", "status"))
    form = AttendanceForm(request.POST or None, deputies=deputies, current=current)
    if request.method == "POST" and form.is_valid():
        by_id = {d.pk: d for d in form.deputies}
        statuses = {by_id[deputy_id]: status for deputy_id, status in form.statuses().items()}
        services.record_attendances(actor=request.user, session=session, statuses=statuses)
        messages.success(request, _("出席情况已保存。"))
        return redirect("contacts:training")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("登记出席：%(title)s") % {"title": session.title},
            "back_url": reverse("contacts:training"),
        },
        section="training",
    )


# --- Meeting requests -----------------------------------------------------------------------------


@login_required
def meetings(request):
    requests_ = selectors.meeting_requests_visible_to(request.user).order_by("-requested_at", "-id")
    state = request.GET.get("state", "")
    if state in MeetingState.values:
        requests_ = requests_.filter(state=state)
    page = Paginator(requests_, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request,
        "contacts/meetings.html",
        {
            "page": page,
            "state": state,
            "states": MeetingState.choices,
            "can_request": bool(access.own_deputy_ids(request.user)),
            "can_manage": access.is_staff(request.user),
            "query_string": f"state={state}" if state else "",
        },
        section="meetings",
    )


@login_required
def meeting_create(request):
    mandates = _own_mandates(request.user)
    if not mandates.exists():
        raise PermissionDenied
    form = MeetingRequestForm(request.POST or None, mandates=mandates)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_meeting(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("约见申请已提交，联络机构将与您联系安排。"))
            return redirect("contacts:meetings")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("约见国家机关负责人"),
            "intro": _("代表可以约见本级国家机关负责人，由联络机构联系安排。"),
            "back_url": reverse("contacts:meetings"),
            "submit_label": _("提交申请"),
        },
        section="meetings",
    )


MEETING_ACTIONS = {
    "arrange": (MeetingArrangeForm, services.arrange_meeting, gettext_lazy("安排约见")),
    "record": (MeetingRecordForm, services.record_meeting, gettext_lazy("记录约见情况")),
    "decline": (MeetingDeclineForm, services.decline_meeting, gettext_lazy("未能安排约见")),
}


@login_required
def meeting_action(request, pk, action):
    """The liaison body arranges a meeting, records it, or declines with a reason (§五(五))."""
    _require_staff(request.user)
    if action not in MEETING_ACTIONS:
        raise Http404
    meeting = get_object_or_404(selectors.meeting_requests_visible_to(request.user), pk=pk)
    form_class, service, title = MEETING_ACTIONS[action]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "decline_reason" in data:
            data["reason"] = data.pop("decline_reason")
        try:
            service(actor=request.user, request=meeting, **data)
        except ValidationError as error:
            apply_errors(form, error, rename={"reason": "decline_reason"})
        else:
            messages.success(request, _("约见状态已更新。"))
            return redirect("contacts:meetings")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": str(title),
            "intro": f"{meeting.deputy.person.name} → {meeting.organ_name or meeting.organ}："
            f"{meeting.subject}",
            "back_url": reverse("contacts:meetings"),
        },
        section="meetings",
    )
