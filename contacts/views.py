"""Pages for contact activities and the performance record (§三(四)–(八), §五(三)–(五), R-ACT-1…7).

Views parse input, call one service or selector, and render. Who may see what comes from
`deputies.permissions` and `contacts.selectors`: an object outside the caller's reach is a 404.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from deputies import permissions as access
from deputies.models import Congress, Deputy
from feedback.selectors import opinions_visible_to

from . import badges, quotas, selectors, services
from .forms import (
    ActivityForm,
    AmendActivityForm,
    AttendanceForm,
    CloseYearForm,
    ConfirmActivityForm,
    ExemptionForm,
    MeetingArrangeForm,
    MeetingDeclineForm,
    MeetingRecordForm,
    MeetingRequestForm,
    ResearchReportForm,
    StaffActivityForm,
    TrainingPlanForm,
    VoterReportForm,
    YearForm,
    version_of,
)
from .models import (
    MeetingState,
    Participation,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
    VoterReport,
)
from .plan_forms import ScheduledTrainingSessionForm

PAGE_SIZE = 20


# --- Helpers --------------------------------------------------------------------------------------


def _own_mandates(user):
    return Deputy.objects.filter(person__user=user).select_related("person", "congress", "constituency")


def _nav(user, *, has_mandates: bool | None = None) -> dict:
    if has_mandates is None:
        has_mandates = access.is_deputy(user)
    return {"is_deputy": has_mandates, "is_staff": access.is_staff(user), "is_admin": access.is_admin(user)}


def _render(request, template, context, *, section):
    context.setdefault("nav", _nav(request.user))
    context["section"] = section
    return render(request, template, context)


def _apply_errors(form, error: ValidationError, *, rename: dict | None = None) -> None:
    """Put a service's ValidationError back on the form's fields (or at the top when no field fits)."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields else None, field_messages)


def _require_staff(user) -> None:
    if not access.is_staff(user):
        raise PermissionDenied


def _year_range(mandates, year: int) -> list[int]:
    """The years a selector offers: those of the mandates, up to this year."""
    today = timezone.localdate()
    first = min((m.start_date.year for m in mandates), default=today.year)
    last = max(
        (min(m.end_date.year, today.year) if m.end_date else today.year for m in mandates),
        default=today.year,
    )
    years = set(range(first, last + 1)) | {year}
    return sorted(years, reverse=True)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _list_queryset(queryset):
    """Activities ready for a list: a fixed number of queries whatever the number of rows."""
    return queryset.select_related("constituency__region", "venue").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("deputy__person"))
    )


# --- My year --------------------------------------------------------------------------------------


def _without_mandates(user):
    """ "My year" of someone holding no mandate: staff go on to the overview; a deputy's account not
    yet linked to a mandate finds nothing (404); other roles may not open it (403)."""
    if access.is_staff(user):
        return redirect("contacts:overview")
    if not access.may_open_my_year(user):
        raise PermissionDenied
    raise Http404


@login_required
def my_year(request):
    """A deputy's progress toward the yearly quota (§三(六)), one section per mandate, with the
    activities and opinions behind each number."""
    mandates = list(_own_mandates(request.user))
    if not mandates:
        return _without_mandates(request.user)
    year = YearForm(request.GET).year_or_current()
    serving = [m for m in mandates if quotas.served_period(m.start_date, m.end_date, year)]
    ids = [m.pk for m in serving]
    progress = {
        p.deputy_id: p for p in quotas.progress_for_year(year, deputies=Deputy.objects.filter(pk__in=ids))
    }
    # What counts is the quota module's to say: the rows behind each number come from it.
    counted = {
        m.pk: set(quotas.counted_participations(m, year).values_list("activity_id", flat=True))
        for m in serving
    }
    rows = defaultdict(list)
    participations = (
        Participation.objects.filter(deputy_id__in=ids, activity__date__year=year)
        .select_related("activity", "activity__constituency")
        .order_by("-activity__date", "-activity_id")
    )
    for participation in participations:
        rows[participation.deputy_id].append(
            {
                "activity": participation.activity,
                "people_met": participation.people_met,
                "counts": participation.activity_id in counted[participation.deputy_id],
            }
        )
    opinions = list(
        quotas.counted_opinions(serving, year)
        .only("id", "content", "state", "received_at", "deputy_id")
        .order_by("-received_at")
    )
    sections = []
    for mandate in serving:
        sections.append(
            {
                "deputy": mandate,
                "anchor": f"m{mandate.pk}",
                "progress": progress[mandate.pk],
                "rows": rows[mandate.pk],
                "opinions": [o for o in opinions if o.deputy_id in (None, mandate.pk)],
            }
        )
    return _render(
        request,
        "contacts/my_year.html",
        {
            "year": year,
            "years": _year_range(mandates, year),
            "sections": sections,
            "nav": _nav(request.user, has_mandates=True),
        },
        section="my_year",
    )


# --- Activities -----------------------------------------------------------------------------------


@login_required
def activity_list(request):
    activities = selectors.activities_visible_to(request.user)
    year_form = YearForm(request.GET)
    year = year_form.cleaned_data.get("year") if year_form.is_valid() else None
    if year:
        activities = activities.in_year(year)
    deputy_id = request.GET.get("deputy", "")
    deputy = None
    if deputy_id.isdigit():
        deputy = get_object_or_404(
            access.deputies_in_jurisdiction(request.user).select_related("person"), pk=deputy_id
        )
        activities = activities.filter(participations__deputy=deputy)
    if request.GET.get("unconfirmed"):
        activities = activities.filter(confirmed_at__isnull=True)
    page = Paginator(_list_queryset(activities).order_by("-date", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "contacts/activity_list.html",
        {"page": page, "year": year, "deputy": deputy, "query_string": query.urlencode()},
        section="list",
    )


@login_required
def activity_create(request):
    """A deputy logs an activity from a phone (R-ACT-1); it counts at once (or once confirmed)."""
    mandates = list(_own_mandates(request.user))
    if not mandates:
        if access.is_staff(request.user):
            return redirect("contacts:register")
        raise Http404
    form = ActivityForm(request.POST or None, request.FILES or None, mandates=mandates, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_activity(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("活动已登记，年度进度已更新。"))
            year = form.cleaned_data["date"].year
            return redirect(f"{reverse('contacts:my_year')}?year={year}")
    return _render(
        request,
        "contacts/activity_form.html",
        {"form": form, "title": _("登记联系活动"), "nav": _nav(request.user, has_mandates=True)},
        section="create",
    )


@login_required
def activity_detail(request, pk):
    """One activity; its linked opinions only as far as the reader may see them (selector)."""
    activity = get_object_or_404(selectors.activity_pages_visible_to(request.user), pk=pk)
    closed = selectors.is_year_closed(activity.date.year)
    changeable = selectors.activities_changeable_by(request.user).filter(pk=activity.pk).exists()
    staff = access.is_staff(request.user)
    return _render(
        request,
        "contacts/activity_detail.html",
        {
            "activity": activity,
            "version": version_of(activity),
            "year_closed": closed,
            "can_edit": changeable and not closed,
            "can_amend": changeable and staff,
            "can_confirm": staff
            and changeable
            and not activity.is_confirmed
            and not activity.planned
            and not closed,
            "can_record_held": changeable and activity.planned and activity.date <= timezone.localdate(),
            "participants": badges.participant_badges(activity),
        },
        section="list",
    )


def _activity_initial(activity) -> dict:
    initial = {field: activity.serializable_value(field) for field in services.CHANGEABLE_FIELDS}
    initial["opinions"] = [o.pk for o in activity.opinions.all()]
    return initial


def _changeable_activity(request, pk):
    """The activity to edit or amend, its linked opinions limited to those the user may see."""
    activities = selectors.activities_changeable_by(request.user).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("deputy")),
        Prefetch("opinions", queryset=opinions_visible_to(request.user)),
    )
    return get_object_or_404(activities, pk=pk)


def _change_activity(request, activity, *, form_class, change, success_message, title):
    """The edit and amendment pages: one form over the activity, one service call, one message.

    The form carries the version of the activity the user opened; if someone changed the activity
    since, nothing is saved and the page opens again on the current record with a message."""
    form = form_class(
        request.POST or None,
        mandates=[p.deputy for p in activity.participations.all()],
        user=request.user,
        activity=activity,
        initial=_activity_initial(activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            change(actor=request.user, activity=activity, **form.service_kwargs())
        except ValidationError as error:
            if getattr(error, "code", None) == "conflict":
                messages.error(request, _("该活动已被他人修改，下面是最新内容，请核对后重新修改。"))
                return redirect(request.path)
            _apply_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect("contacts:detail", pk=activity.pk)
    return _render(
        request,
        "contacts/activity_form.html",
        {"form": form, "activity": activity, "title": title},
        section="list",
    )


@login_required
def activity_edit(request, pk):
    """Change an activity while its year is open (§三(六)); closed years take amendments."""
    activity = _changeable_activity(request, pk)
    if selectors.is_year_closed(activity.date.year):
        messages.warning(request, _("该年度已关闭，记录不能再修改；如需更正，请联系联络机构。"))
        return redirect("contacts:detail", pk=activity.pk)
    return _change_activity(
        request,
        activity,
        form_class=ActivityForm,
        change=services.update_activity,
        success_message=_("活动记录已修改。"),
        title=_("修改联系活动"),
    )


@login_required
def activity_amend(request, pk):
    """A liaison body's correction with a reason, kept in the record (also in a closed year)."""
    _require_staff(request.user)
    return _change_activity(
        request,
        _changeable_activity(request, pk),
        form_class=AmendActivityForm,
        change=services.amend_activity,
        success_message=_("更正已记录。"),
        title=_("更正联系活动"),
    )


@login_required
@require_POST
def activity_confirm(request, pk):
    """The deputy's liaison body confirms an activity the deputy logged (R-ACT-5): exactly the version
    the confirmer saw; if the deputy changed it since, nothing is confirmed and the page says so."""
    _require_staff(request.user)
    activity = get_object_or_404(selectors.activities_visible_to(request.user), pk=pk)
    detail_url = reverse("contacts:detail", args=[activity.pk])
    form = ConfirmActivityForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["version"]))
        return redirect(detail_url)
    try:
        services.confirm_activity(actor=request.user, activity=activity, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if getattr(error, "code", None) == "conflict":
            # Back to the activity itself, where the current figures are shown beside the button.
            return redirect(detail_url)
    else:
        messages.success(request, _("已确认该活动。"))
    return redirect(_safe_next(request, detail_url))


# --- Staff ----------------------------------------------------------------------------------------


def _staff_deputies(user):
    return access.deputies_in_jurisdiction(user).serving()


@login_required
def activity_register(request):
    """A liaison body registers an activity it organized for many of its deputies at once (R-ACT-5)."""
    _require_staff(request.user)
    form = StaffActivityForm(
        request.POST or None, request.FILES or None, deputies=_staff_deputies(request.user), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.register_activity_for_group(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            _apply_errors(form, error, rename={"participants": "deputies"})
        else:
            count = activity.participations.count()
            messages.success(request, _("已为 %(n)d 位代表登记该活动。") % {"n": count})
            return redirect("contacts:detail", pk=activity.pk)
    return _render(
        request,
        "contacts/activity_form.html",
        {"form": form, "title": _("统一登记联系活动"), "staff_form": True},
        section="register",
    )


@login_required
def confirm_queue(request):
    """Activities the caller's deputies logged themselves and nobody has confirmed yet."""
    _require_staff(request.user)
    activities = selectors.activities_visible_to(request.user).filter(confirmed_at__isnull=True)
    page = Paginator(_list_queryset(activities).order_by("date", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _render(request, "contacts/confirm_queue.html", {"page": page}, section="confirm")


@login_required
def overview(request):
    """Staff: the year's progress of every deputy in their jurisdiction, in one aggregate query."""
    if not access.may_view_progress_overview(request.user):
        raise PermissionDenied
    year = YearForm(request.GET).year_or_current()
    deputies = access.deputies_in_jurisdiction(request.user).filter(
        pk__in=quotas.deputies_serving_in_year(year).values("pk")
    )
    rows = quotas.progress_for_year(year, deputies=deputies)
    behind_only = bool(request.GET.get("behind"))
    if behind_only:
        rows = [row for row in rows if not row.compliant]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    query = request.GET.copy()
    query.pop("page", None)
    return _render(
        request,
        "contacts/overview.html",
        {
            "page": page,
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "behind_only": behind_only,
            "query_string": query.urlencode(),
            "can_exempt": access.is_staff(request.user),
        },
        section="overview",
    )


@login_required
def exemption_create(request):
    """Excuse a deputy from a year's quota, with a reason (§三(六) "一般")."""
    _require_staff(request.user)
    deputies = access.deputies_in_jurisdiction(request.user)
    initial = {}
    if request.GET.get("deputy", "").isdigit():
        initial["deputy"] = int(request.GET["deputy"])
    if request.GET.get("year", "").isdigit():
        initial["year"] = int(request.GET["year"])
    form = ExemptionForm(request.POST or None, deputies=deputies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_exemption(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("已免除该代表本年度的联系要求。"))
            return redirect(f"{reverse('contacts:overview')}?year={form.cleaned_data['year']}")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("免除年度联系要求"),
            "intro": _("代表因病、离岗学习等原因不能完成年度联系要求的，可以免除，并须写明原因。"),
            "back_url": reverse("contacts:overview"),
        },
        section="overview",
    )


@login_required
def close_year(request):
    """An administrator closes a past year: its activities become read-only; corrections are amendments."""
    if not access.is_admin(request.user):
        raise PermissionDenied
    form = CloseYearForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_year(actor=request.user, year=form.cleaned_data["year"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("%(year)d年度已关闭。") % {"year": form.cleaned_data["year"]})
            return redirect("contacts:close_year")
    closed = sorted(selectors.closed_years(), reverse=True)
    intro = _("关闭后，该年度的活动记录不能再修改，更正须写明原因并保留在履职档案中。")
    if closed:
        intro += " " + _("已关闭：%(years)s") % {"years": "、".join(str(y) for y in closed)}
    return _render(
        request,
        "contacts/simple_form.html",
        {"form": form, "title": _("关闭年度"), "intro": intro, "submit_label": _("关闭该年度")},
        section="overview",
    )


# --- Performance record ---------------------------------------------------------------------------


@login_required
def record(request, deputy_id):
    """履职档案 (R-ACT-5): everything of one mandate, for the deputy and staff in jurisdiction."""
    deputy = get_object_or_404(
        access.deputies_in_jurisdiction(request.user).select_related(
            "person", "congress", "constituency__region", "group"
        ),
        pk=deputy_id,
    )
    today = timezone.localdate()
    last_year = min(deputy.end_date.year if deputy.end_date else today.year, today.year)
    years = list(range(last_year, deputy.start_date.year - 1, -1))
    by_year_progress = quotas.progress_for_deputy_years(deputy, years)  # one query for all years
    progress = [by_year_progress[year] for year in years]
    counted = badges.counted_activity_ids(deputy)
    by_year = defaultdict(list)
    for activity in selectors.record_activities_of_deputy(deputy):
        by_year[activity.date.year].append(
            {
                "activity": activity,
                "people_met": activity.own_people_met,
                "badge": badges.badge(activity, activity.pk in counted),
            }
        )
    year_blocks = [
        {"year": y, "progress": p, "rows": by_year.get(y, [])} for y, p in zip(years, progress, strict=True)
    ]
    return _render(
        request,
        "contacts/record.html",
        {
            "deputy": deputy,
            "year_blocks": year_blocks,
            "voter_reports": list(selectors.voter_reports_of_deputy(deputy)),
            **selectors.record_entries(deputy),  # five side lists, one query
            "is_own": deputy.person.user_id == request.user.pk,
        },
        section="overview" if access.is_staff(request.user) else "my_year",
    )


# --- Reports to voters ----------------------------------------------------------------------------


def _deputies_for_forms(user):
    """Mandates the caller may record for: their own; staff: their jurisdiction's serving deputies."""
    if access.is_staff(user):
        return _staff_deputies(user)
    return Deputy.objects.filter(person__user=user)


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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error)
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
            _apply_errors(form, error, rename={"reason": "decline_reason"})
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
