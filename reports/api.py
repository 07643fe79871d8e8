"""API v1 of the reports: `GET /api/v1/reports/compliance/?year=YYYY[&format=json|csv|xlsx]`.

Rows carry `deputy` (id), `name` and the measures of the progress contract (each of
`constituency_contacts`, `centralized_contacts`, `people_reached`, `opinions_reflected` as
`{done, required}`, plus `compliant`, `behind_pace`, `exempt`), scoped like the report page:
administrators the district, liaison staff their street or town, committee members their linked
deputies; anyone else 403. A street, town or group outside the caller's jurisdiction → 404.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies import permissions as access

from . import exports, handling, selectors
from .forms import parse_filters, parse_year
from .views import file_response, handling_file_response

urlpatterns = []


class CanViewReports(permissions.BasePermission):
    def has_permission(self, request, view):
        return access.may_view_compliance(request.user)


class FilesAreNotRenderers(DefaultContentNegotiation):
    """`?format=csv|xlsx` names a file this view builds itself, not a DRF renderer: answer with JSON
    negotiation and let the view return the file."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type


# `?format=` chooses the answer's type: the schema lists all three (schemathesis checks each type).
REPORT_RESPONSES = {
    (200, "application/json"): OpenApiTypes.OBJECT,
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, exports.CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
}


class ComplianceReportView(APIView):
    """The yearly compliance report (§三(六), §三(七))."""

    permission_classes = [permissions.IsAuthenticated, CanViewReports]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FilesAreNotRenderers

    @extend_schema(
        summary="年度代表履职情况报表",
        tags=["reports"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度，默认今年"),
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"], description="默认 json"
            ),
            OpenApiParameter("level", OpenApiTypes.STR, enum=["district", "town"]),
            OpenApiParameter("region", OpenApiTypes.INT, description="街道或镇"),
            OpenApiParameter("group", OpenApiTypes.INT, description="代表小组"),
            OpenApiParameter("compliant", OpenApiTypes.STR, enum=["yes", "no"]),
            OpenApiParameter("sort", OpenApiTypes.STR, description="排序字段，前加 - 为倒序"),
        ],
        responses=REPORT_RESPONSES,
    )
    def get(self, request):
        params = request.query_params
        year = parse_year(params.get("year"))  # a ValidationError is a 400 (songjiang_liaison.api)
        filters = parse_filters(params, user=request.user, year=year)
        report = selectors.compliance_report(user=request.user, year=year, filters=filters)
        fmt = params.get("format") or "json"
        if fmt in ("csv", "xlsx"):
            return file_response(report, fmt)
        if fmt != "json":
            raise ValidationError({"format": ["json, csv, xlsx"]})
        return Response(report.as_dict())


class HandlingStatsView(APIView):
    """Handling statistics of the opinions the caller may see (§四)."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FilesAreNotRenderers

    @extend_schema(
        summary="社情民意办理统计",
        tags=["reports"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度，默认今年"),
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv", "xlsx"], description="默认 json"
            ),
        ],
        responses=REPORT_RESPONSES,
    )
    def get(self, request):
        if not access.may_view_handling(request.user):
            raise PermissionDenied
        year = parse_year(request.query_params.get("year"))
        stats = handling.handling_stats(user=request.user, year=year)
        fmt = request.query_params.get("format") or "json"
        if fmt in ("csv", "xlsx"):
            return handling_file_response(stats, fmt)
        if fmt != "json":
            raise ValidationError({"format": ["json, csv, xlsx"]})
        return Response(stats.as_dict())


urlpatterns = [
    path("reports/handling/", HandlingStatsView.as_view(), name="api-handling-stats"),
    path("reports/compliance/", ComplianceReportView.as_view(), name="api-compliance-report"),
]


def register(router):
    """Add this app's viewsets to the v1 router (the report is a plain view in `urlpatterns`)."""
