"""API v1 of contact activities and quota progress (design.md contract, R-ACT-1, R-ACT-2).

- `GET/POST /activities/`, `GET/PATCH /activities/{id}/`: a deputy sees and changes only their own
  activities, liaison staff those within their jurisdiction; another's activity by id → 404;
  `POST /activities/{id}/confirm/` and `POST /activities/{id}/amend/` for the liaison body.
  Each activity carries its `version`: a confirmation must send it back, a PATCH or an amendment may;
  an activity changed since that version answers 409 and nothing is written. A refused PATCH
  (e.g. a photo that is not an image) writes nothing either.
- An activity lists only the linked opinions the caller may see (`feedback.selectors.opinions_visible_to`).
- `GET /deputies/{id}/progress/?year=YYYY[&as_of=YYYY-MM-DD]`: the deputy's quota progress, for the deputy
  themself, staff in jurisdiction, linked committee members and administrators; else 404.
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies import permissions as access
from feedback.selectors import opinions_visible_to
from songjiang_liaison import parsers as api_parsers
from songjiang_liaison.api import StandardPagination

from . import committee_api, question_api, quotas, selectors, serializers, services
from .filters import ActivityFilter
from .models import ContactActivity, Participation, VoterReport


@extend_schema_view(
    list=extend_schema(summary="联系活动列表", tags=["activities"]),
    retrieve=extend_schema(summary="联系活动详情", tags=["activities"]),
)
class ActivityViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StandardPagination
    serializer_class = serializers.ActivitySerializer
    filterset_class = ActivityFilter
    search_fields = ["summary", "place"]
    ordering_fields = ["date", "people_reached", "id"]
    parser_classes = api_parsers.DEFAULT
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            selectors.activities_visible_to(self.request.user)
            .select_related("organized_by")
            .prefetch_related(
                Prefetch("participations", queryset=Participation.objects.select_related("deputy__person")),
                "photos",
                # Only the linked opinions the caller may see (a confidential one stays hidden).
                Prefetch("opinions", queryset=opinions_visible_to(self.request.user).only("pk")),
                "amendments",
            )
            .order_by("-date", "-id")
        )

    def _render(self, activity: ContactActivity, code=status.HTTP_200_OK) -> Response:
        activity = self.get_queryset().get(pk=activity.pk)
        return Response(self.get_serializer(activity).data, status=code)

    @extend_schema(
        summary="登记联系活动",
        request=serializers.ActivityInputSerializer,
        responses=serializers.ActivitySerializer,
    )
    def create(self, request, *args, **kwargs):
        data = serializers.ActivityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # Absent (or, from a multipart form, an empty list): the caller's own mandate.
        if not values.get("participants"):
            values["participants"] = None
        values["opinions"] = values.get("opinions", ())
        values["photos"] = values.get("photos", ())
        activity = services.log_activity(actor=request.user, **values)
        return self._render(activity, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改联系活动",
        request=serializers.ActivityChangeSerializer,
        responses={
            200: serializers.ActivitySerializer,
            409: OpenApiResponse(description="活动已被他人修改（version 已过期），未作任何修改"),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        data = serializers.ActivityChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.update_activity(actor=request.user, activity=activity, **data.validated_data)
        return self._render(activity)

    @extend_schema(
        summary="登记计划活动的举行情况（计划转为活动记录）",
        request=serializers.HeldInputSerializer,
        responses={
            200: serializers.ActivitySerializer,
            409: OpenApiResponse(description="该计划已登记为活动记录，或 version 已过期"),
        },
    )
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        activity = self.get_object()
        data = serializers.HeldInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.record_planned_activity(
            actor=request.user, activity=activity, **data.validated_data
        )
        return self._render(activity)

    @extend_schema(
        summary="联络机构确认活动",
        request=serializers.ActivityConfirmSerializer,
        responses={
            200: serializers.ActivitySerializer,
            409: OpenApiResponse(description="活动在该 version 之后已被修改，请核对后再确认"),
        },
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        activity = self.get_object()
        data = serializers.ActivityConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.confirm_activity(
            actor=request.user, activity=activity, version=data.validated_data["version"]
        )
        return self._render(activity)

    @extend_schema(
        summary="更正活动记录（须说明原因）",
        request=serializers.AmendmentInputSerializer,
        responses={
            200: serializers.ActivitySerializer,
            409: OpenApiResponse(description="活动已被他人修改（version 已过期），未作任何更正"),
        },
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        activity = self.get_object()
        data = serializers.AmendmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        changes.pop("photos", None)
        reason = changes.pop("reason", "")
        services.amend_activity(actor=request.user, activity=activity, reason=reason, **changes)
        return self._render(activity)


@extend_schema_view(
    list=extend_schema(summary="履职情况报告（向选民报告）列表", tags=["activities"]),
    retrieve=extend_schema(summary="履职情况报告详情", tags=["activities"]),
    create=extend_schema(summary="登记履职情况报告", tags=["activities"]),
)
class VoterReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Reports to voters (§三(七), R-ACT-3) of the deputies the caller may see."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StandardPagination
    serializer_class = serializers.VoterReportSerializer
    parser_classes = api_parsers.DEFAULT
    filterset_fields = ["deputy", "form"]

    def get_queryset(self):
        return (
            VoterReport.objects.filter(deputy__in=access.deputies_in_jurisdiction(self.request.user))
            .select_related("constituency")
            .order_by("-date", "-id")
        )

    def create(self, request, *args, **kwargs):
        data = serializers.VoterReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # Another deputy's id answers 404, as for any record the caller may not see.
        deputy = get_object_or_404(access.deputies_in_jurisdiction(request.user), pk=values.pop("deputy").pk)
        schedule = {
            k: values.pop(k) for k in ("start_time", "end_time", "venue", "place", "is_public") if k in values
        }
        if values.pop("planned", False):
            for unused in ("attendance", "content", "file"):
                values.pop(unused, None)
            report = services.plan_voter_report(actor=request.user, deputy=deputy, **values, **schedule)
        else:
            report = services.record_voter_report(actor=request.user, deputy=deputy, **values)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="记录计划报告的举行情况（计划转为报告记录）",
        request=serializers.VoterReportHeldSerializer,
        responses={
            200: serializers.VoterReportSerializer,
            409: OpenApiResponse(description="该报告已经记录"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=api_parsers.DEFAULT)
    def held(self, request, pk=None):
        report = self.get_object()
        data = serializers.VoterReportHeldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.record_held_voter_report(actor=request.user, report=report, **data.validated_data)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        summary="报告会上选民的意见和询问（GET 列出，POST 记录）",
        methods=["GET"],
        responses=question_api.VoterQuestionSerializer(many=True),
    )
    @extend_schema(
        summary="记录报告会上选民的意见和询问",
        methods=["POST"],
        request=question_api.MeetingQuestionInputSerializer,
        responses={201: question_api.VoterQuestionSerializer},
    )
    # A plain list, neither paged nor filtered (question_api.report_questions): so says the schema.
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def questions(self, request, pk=None):
        """Voters' views and questions on the report (§二(五)): contacts/question_api.py."""
        return question_api.report_questions(request, pk)


@extend_schema_view(
    list=extend_schema(summary="约见列表", tags=["activities"]),
    retrieve=extend_schema(summary="约见详情", tags=["activities"]),
    create=extend_schema(summary="代表提出约见", tags=["activities"]),
)
class MeetingRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """约见 (§五(五), R-ACT-7): a deputy asks; the liaison body arranges, records or declines with a
    reason (`POST /meeting-requests/{id}/arrange|record|decline/`; a state that no longer allows the
    action answers 409)."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StandardPagination
    serializer_class = serializers.MeetingRequestSerializer
    filterset_fields = ["deputy", "state"]

    def get_queryset(self):
        return selectors.meeting_requests_visible_to(self.request.user).order_by("-requested_at", "-id")

    def create(self, request, *args, **kwargs):
        data = serializers.MeetingRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        deputy = get_object_or_404(access.deputies_in_jurisdiction(request.user), pk=values.pop("deputy").pk)
        meeting = services.request_meeting(actor=request.user, deputy=deputy, **values)
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)

    def _act(self, request, service, fields):
        meeting = self.get_object()
        data = serializers.MeetingActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        defaults = {"scheduled_at": None, "place": "", "held_on": None, "notes": "", "reason": ""}
        values = {k: data.validated_data.get(k, defaults[k]) for k in fields}
        meeting = service(actor=request.user, request=meeting, **values)
        return Response(self.get_serializer(meeting).data)

    @extend_schema(
        summary="安排约见",
        request=serializers.MeetingActionSerializer,
        responses=serializers.MeetingRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def arrange(self, request, pk=None):
        return self._act(request, services.arrange_meeting, {"scheduled_at", "place"})

    @extend_schema(
        summary="记录约见情况",
        request=serializers.MeetingActionSerializer,
        responses=serializers.MeetingRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        return self._act(request, services.record_meeting, {"held_on", "notes"})

    @extend_schema(
        summary="未能安排约见（须说明原因）",
        request=serializers.MeetingActionSerializer,
        responses=serializers.MeetingRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._act(request, services.decline_meeting, {"reason"})


def _parse_date(value: str | None, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({name: [_("日期格式应为 YYYY-MM-DD。")]}) from exc


class ProgressView(APIView):
    """A deputy's progress toward the year's quota (§三(六))."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="代表年度联系要求完成情况",
        tags=["activities"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, description="年度，默认今年"),
            OpenApiParameter("as_of", OpenApiTypes.DATE, description="截至日期（YYYY-MM-DD），默认今天"),
        ],
        responses=serializers.ProgressSerializer,
    )
    def get(self, request, pk: int):
        deputy = get_object_or_404(access.deputies_in_jurisdiction(request.user), pk=pk)
        raw_year = request.query_params.get("year")
        first, last = quotas.years_accepted()
        try:
            year = int(raw_year) if raw_year else timezone.localdate().year
        except ValueError as exc:
            raise ValidationError({"year": [quotas.year_refused_message()]}) from exc
        if not first <= year <= last:
            raise ValidationError({"year": [quotas.year_refused_message()]})
        as_of = _parse_date(request.query_params.get("as_of"), "as_of")
        progress = quotas.progress_for_deputy(deputy, year, as_of=as_of)
        return Response(progress.as_dict())


urlpatterns = [
    path("deputies/<int:pk>/progress/", ProgressView.as_view(), name="api-deputy-progress"),
]


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("voter-reports", VoterReportViewSet, basename="voter-report")
    router.register("meeting-requests", MeetingRequestViewSet, basename="meeting-request")
    question_api.register(router)
    committee_api.register(router)
