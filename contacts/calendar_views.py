"""Planned activities: announcing them, recording them once held, the public calendar and its
iCalendar feeds (§五(三)). Rules and writes are in `contacts/services.py`; what the public sees in
`contacts/calendar.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access
from deputies.models import ContactPoint, Deputy
from songjiang_liaison.forms import apply_errors

from . import calendar, selectors, services
from .forms import CalendarFilterForm, PlanActivityForm, RecordPlanForm, StaffPlanActivityForm
from .models import VoterReport
from .plan_forms import VoterReportHeldForm, VoterReportPlanForm
from .view_helpers import _deputies_for_forms, _nav, _own_mandates, _render, _staff_deputies

PAGE_SIZE = 20


@login_required
def plan_create(request):
    """A deputy (their own mandate) or a liaison body (its deputies, a group) announces an activity."""
    mandates = list(_own_mandates(request.user))
    staff = access.is_staff(request.user)
    if mandates:
        form = PlanActivityForm(request.POST or None, mandates=mandates, user=request.user)
        log = services.log_activity
    elif staff:
        form = StaffPlanActivityForm(
            request.POST or None, deputies=_staff_deputies(request.user), user=request.user
        )
        log = services.register_activity_for_group
    else:
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            activity = log(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            apply_errors(form, error, rename={"participants": "deputies"})
        else:
            messages.success(request, _("活动计划已发布；活动举行后，请登记活动情况。"))
            return redirect("contacts:detail", pk=activity.pk)
    return _render(
        request,
        "contacts/activity_form.html",
        {
            "form": form,
            "title": _("发布活动计划"),
            "plan_form": True,
            "staff_form": not mandates,
            "nav": _nav(request.user, has_mandates=bool(mandates)),
        },
        section="plan",
    )


@login_required
def plan_held(request, pk):
    """The organiser turns a plan whose day has come into the record, in one step."""
    activity = get_object_or_404(selectors.activities_changeable_by(request.user), pk=pk, planned=True)
    detail_url = reverse("contacts:detail", args=[activity.pk])
    if activity.date > timezone.localdate():
        messages.warning(request, _("活动尚未举行，举行之后才能登记活动情况。"))
        return redirect(detail_url)
    form = RecordPlanForm(request.POST or None, request.FILES or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_planned_activity(
                actor=request.user,
                activity=activity,
                people_reached=data["people_reached"],
                summary=data["summary"],
                photos=data["photos"],
                version=data["version"],
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "conflict":
                messages.error(request, " ".join(error.messages))
                return redirect(detail_url)
            apply_errors(form, error)
        else:
            messages.success(request, _("活动情况已登记，年度进度已更新。"))
            return redirect(detail_url)
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("登记活动情况"),
            "intro": _("%(date)s 的活动计划“%(title)s”：登记后即成为活动记录，计入年度联系要求。")
            % {"date": activity.date.isoformat(), "title": calendar.title(activity)},
            "back_url": detail_url,
            "submit_label": _("保存活动情况"),
        },
        section="list",
    )


# --- Reports to the voters, announced ahead -----------------------------------------------------------


@login_required
def voter_report_plan(request):
    """The deputy (own mandates) or the liaison body (its deputies) announces a report to the voters."""
    deputies = _deputies_for_forms(request.user)
    if not deputies.exists():
        raise Http404
    form = VoterReportPlanForm(request.POST or None, deputies=deputies)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.plan_voter_report(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("报告计划已发布；选民可在报告的公开页面提前提出意见和询问。"))
            return redirect("voters:report", pk=report.pk)
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("发布向选民报告履职情况的计划"),
            "intro": _("公布后出现在公开的活动日历、代表主页和日历订阅中；报告举行后请记录报告情况。"),
            "back_url": reverse("contacts:voter_reports"),
        },
        section="voter_reports",
    )


@login_required
def voter_report_held(request, pk):
    """Record a planned report once held, in one step (the deputy or the liaison body; others 404)."""
    reports = VoterReport.objects.filter(deputy__in=_deputies_for_forms(request.user), planned=True)
    report = get_object_or_404(reports.select_related("deputy__person"), pk=pk)
    if report.date > timezone.localdate():
        messages.warning(request, _("报告尚未举行，举行之后才能记录报告情况。"))
        return redirect("contacts:voter_reports")
    form = VoterReportHeldForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_held_voter_report(actor=request.user, report=report, **form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) == "conflict":
                messages.error(request, " ".join(error.messages))
                return redirect("contacts:voter_reports")
            apply_errors(form, error)
        else:
            messages.success(request, _("报告情况已记录。"))
            return redirect("contacts:voter_reports")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("记录报告情况"),
            "intro": _("%(date)s %(name)s代表的履职情况报告。")
            % {"date": report.date.isoformat(), "name": report.deputy.person.name},
            "back_url": reverse("contacts:voter_reports"),
            "submit_label": _("保存报告情况"),
        },
        section="voter_reports",
    )


# --- Public ----------------------------------------------------------------------------------------


def calendar_page(request):
    """The public calendar of announced activities, by street or town and venue, paginated."""
    form = CalendarFilterForm(request.GET or None)
    region = venue = None
    if form.is_bound and form.is_valid():
        region, venue = form.cleaned_data.get("region"), form.cleaned_data.get("venue")
    page = Paginator(calendar.upcoming_events(region=region, venue=venue), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    feed_url = reverse("calendar:venue_feed", args=[venue.pk]) if venue else reverse("calendar:district_feed")
    return render(
        request,
        "contacts/calendar.html",
        {
            "form": form,
            "page": page,
            "events": page.object_list,
            "venue": venue,
            "region": region,
            "feed_url": feed_url,
            "query_string": query.urlencode(),
        },
    )


def _feed(request, activities, name: str) -> HttpResponse:
    body = calendar.ics(
        activities,
        name=name,
        url=request.build_absolute_uri(reverse("calendar:page")),
        host=request.get_host(),
        root=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


def district_feed(request):
    return _feed(request, calendar.feed_events(), _("松江区人大代表联系群众活动"))


def deputy_feed(request, pk):
    deputy = get_object_or_404(Deputy.objects.select_related("person"), pk=pk)
    return _feed(
        request,
        calendar.feed_events(deputy=deputy),
        _("%(name)s代表的活动") % {"name": deputy.person.name},
    )


def venue_feed(request, pk):
    venue = get_object_or_404(ContactPoint, pk=pk)
    return _feed(request, calendar.feed_events(venue=venue), _("%(name)s的活动") % {"name": venue.name})
