"""Public registry pages (R-REG-2, R-REG-3, R-REG-7, R-REG-8): anonymous, public fields only.

The templates render only public fields of a deputy; ``private_phone`` and ``staff_notes`` are never
passed to them in a form that would print them.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import DirectoryFilterForm, FindMyDeputyForm, RegionFilterForm
from .models import Deputy

PAGE_SIZE = 20


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    deputies = selectors.public_deputies(form.filters() if form.is_bound else selectors.DirectoryFilters())
    page = Paginator(deputies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/directory.html",
        {"form": form, "page": page, "deputies": page.object_list, "query_string": _query_string(request)},
    )


@require_GET
def profile(request, pk: int):
    try:
        deputy = selectors.public_deputy_profile(pk)
    except Deputy.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "deputies/profile.html", {"deputy": deputy})


@require_GET
def find_my_deputy(request):
    form = FindMyDeputyForm(request.GET or None)
    region = form.selected_region() if form.is_bound else None
    area = form.selected_area() if form.is_bound else None
    if area is not None and region is not None and area.parent_id != region.pk:
        area = None
    context = {
        "form": form,
        "region": region,
        "area": area,
        "areas": selectors.committees_of(region),
        "constituencies": selectors.constituencies_covering(area),
    }
    if request.headers.get("HX-Request") and request.GET.get("partial") == "areas":
        return render(request, "deputies/_find_areas.html", context)
    return render(request, "deputies/find.html", context)


@require_GET
def offices(request):
    form = RegionFilterForm(request.GET or None)
    region = form.selected_region() if form.is_bound else None
    venues = Paginator(selectors.public_venues(region), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/offices.html",
        {
            "form": form,
            "region": region,
            "bodies": selectors.liaison_bodies(region),
            "page": venues,
            "venues": venues.object_list,
            "duty_days": selectors.DUTY_DAYS_AHEAD,
            "query_string": _query_string(request),
        },
    )
