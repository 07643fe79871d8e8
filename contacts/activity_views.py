"""Pages of contact activities (§三(四)–(八), R-ACT-1, R-ACT-5): the list, logging and registering,
the activity's page, edits, amendments and confirmations.

Views parse input, call one service or selector, and render. Who may see what comes from
`deputies.permissions` and `contacts.selectors`: an object outside the caller's reach is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies import permissions as access
from feedback.selectors import opinions_visible_to
from songjiang_liaison.forms import apply_errors

from . import badges, selectors, services
from .forms import (
    ActivityForm,
    AmendActivityForm,
    ConfirmActivityForm,
    StaffActivityForm,
    YearForm,
    version_of,
)
from .models import Participation
from .view_helpers import (
    PAGE_SIZE,
    _list_queryset,
    _nav,
    _own_mandates,
    _query_without_page,
    _render,
    _require_staff,
    _safe_next,
    _staff_deputies,
)


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
    return _render(
        request,
        "contacts/activity_list.html",
        {"page": page, "year": year, "deputy": deputy, "query_string": _query_without_page(request)},
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
            apply_errors(form, error)
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
            apply_errors(form, error)
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
            apply_errors(form, error, rename={"participants": "deputies"})
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
