"""`GET /api/v1/public/response-times/?year=`: the response-time tables (`reports.response_times`)
without a login, with the licence and the date of the figures."""

from __future__ import annotations

from django.urls import path
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from songjiang_liaison.replica import reads_from_replica

from . import response_times as rt
from .forms import parse_year


class ResponseTimesView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="public_response_times",
        summary="办理时效公开数据（无需登录）",
        tags=["public"],
        # Empty (`?year=`) is this year, like no year at all.
        parameters=[
            OpenApiParameter(
                "year",
                {"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 0}]},
                description="收到年度，默认本年",
            )
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @method_decorator(reads_from_replica)
    def get(self, request):
        year = parse_year(request.query_params.get("year"))  # invalid: 400 (songjiang_liaison.api)
        return Response(rt.response_times(year).as_dict())


urlpatterns = [path("public/response-times/", ResponseTimesView.as_view(), name="public-response-times")]


def register(router):
    """No viewsets: a plain view (`urlpatterns`)."""
