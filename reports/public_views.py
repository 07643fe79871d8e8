"""Public open-data pages of the reports app: response times (`reports.response_times`) as a page
with tables and charts, CSV files (one per table) and JSON, each with its licence and date."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from songjiang_liaison.replica import reads_from_replica

from . import response_times as rt
from .forms import parse_year
from .views import YEARS_SHOWN, bad_year


def _year_or_none(request):
    try:
        return parse_year(request.GET.get("year"))
    except ValidationError:
        return None


@require_GET
@reads_from_replica
def response_times(request):
    """GET reports/response-times/?year=YYYY: how quickly each body answers, for everyone."""
    year = _year_or_none(request)
    if year is None:
        return bad_year(request)
    figures = rt.response_times(year)
    this_year = timezone.localdate().year
    chart = {
        "places": [row.place for row in figures.bodies],
        "routed_in_time_rate": [row.routed_in_time_rate for row in figures.bodies],
        "on_time_rate": [row.on_time_rate for row in figures.bodies],
        "units": [row.name for row in figures.units],
        "unit_median_days": [row.median_days for row in figures.units],
    }
    return render(
        request,
        "reports/response_times.html",
        {
            "figures": figures,
            "tables": rt.tables(figures),
            "year": year,
            "years": list(range(this_year, this_year - YEARS_SHOWN, -1)),
            "chart_data": chart,
            "map_values": {row.pk: row.received for row in figures.bodies},
            "licence": rt.licence(),
            "licence_url": rt.licence_url(),
        },
    )


@require_GET
@reads_from_replica
def response_times_csv(request, table):
    """One table as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    year = _year_or_none(request)
    if year is None:
        return bad_year(request)
    figures = rt.response_times(year)
    if rt.table(figures, table) is None:
        raise Http404
    response = HttpResponse("\ufeff" + rt.csv_text(figures, table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="response-times-{year}-{table}.csv"'
    return response


@require_GET
@reads_from_replica
def response_times_json(request):
    year = _year_or_none(request)
    if year is None:
        return bad_year(request)
    body = json.dumps(rt.response_times(year).as_dict(), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="response-times-{year}.json"'
    return response
