"""Pages of progress toward the yearly quota (§三(六), R-ACT-2, R-ACT-5): a deputy's year, the staff
overview, the performance record (履职档案), exemptions and closing a year.

Views parse input, call one service or selector, and render; the reads are in `progress_selectors.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access
from songjiang_liaison.forms import apply_errors

from . import progress_selectors, selectors, services
from .forms import CloseYearForm, ExemptionForm, YearForm
from .view_helpers import (
    _nav,
    _own_mandates,
    _query_without_page,
    _render,
    _require_staff,
    _year_range,
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
    return _render(
        request,
        "contacts/my_year.html",
        {
            "year": year,
            "years": _year_range(mandates, year),
            "sections": progress_selectors.my_year_sections(mandates, year),
            "nav": _nav(request.user, has_mandates=True),
        },
        section="my_year",
    )


# --- Staff ----------------------------------------------------------------------------------------


@login_required
def overview(request):
    """Staff: the year's progress of every deputy in their jurisdiction, filtered and paged in SQL."""
    if not access.may_view_progress_overview(request.user):
        raise PermissionDenied
    year = YearForm(request.GET).year_or_current()
    behind_only = bool(request.GET.get("behind"))
    page = progress_selectors.overview_page(
        request.user, year, behind_only=behind_only, page_number=request.GET.get("page")
    )
    today = timezone.localdate()
    return _render(
        request,
        "contacts/overview.html",
        {
            "page": page,
            "year": year,
            "years": list(range(today.year, today.year - 6, -1)),
            "behind_only": behind_only,
            "query_string": _query_without_page(request),
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
            apply_errors(form, error)
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
            apply_errors(form, error)
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
    deputy = get_object_or_404(progress_selectors.record_deputies(request.user), pk=deputy_id)
    return _render(
        request,
        "contacts/record.html",
        {
            "deputy": deputy,
            **progress_selectors.performance_record(deputy),
            "is_own": deputy.person.user_id == request.user.pk,
        },
        section="overview" if access.is_staff(request.user) else "my_year",
    )
