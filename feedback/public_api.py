"""The public archive of opinions in the API, without a login (`feedback.archive` holds the rules):

- `GET /api/v1/public/opinions/?region=&category=&state=&year=&q=`: published opinions, paginated;
- `GET /api/v1/public/opinions/{id}/`: one published opinion; anything unpublished is 404.

Each carries the approved texts, the place, category, state, outcome, dates and the states of its
public steps; never the submitter's name, phone or address, notes, photos or the tracking code.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from songjiang_liaison.api import StandardPagination
from songjiang_liaison.serializer_fields import ChoiceLabelField

from . import archive
from .forms import ArchiveFilterForm
from .models import Opinion
from .renderers import RENDERERS


class PublicStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    state = serializers.CharField(source="to_state")
    state_display = ChoiceLabelField(source="get_to_state_display")


class PublicPlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublishedOpinionSerializer(serializers.ModelSerializer):
    """An opinion in the public archive: only what the staff approved for publication."""

    content = serializers.CharField(source="public_content")
    answer = serializers.CharField(source="public_answer")
    region = serializers.SerializerMethodField()
    state_display = ChoiceLabelField(source="get_state_display")
    outcome_display = ChoiceLabelField(source="get_outcome_display")
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Opinion
        fields = [
            "id",
            "received_at",
            "published_at",
            "region",
            "category",
            "state",
            "state_display",
            "outcome",
            "outcome_display",
            "content",
            "answer",
            "timeline",
        ]
        read_only_fields = fields

    def get_region(self, obj) -> dict:
        """The street or town (never the residents' committee: the place, not the doorstep)."""
        place = obj.region.street_or_town() or obj.region
        return PublicPlaceSerializer(place).data

    def get_timeline(self, obj) -> list[dict]:
        return PublicStepSerializer(archive.steps(obj), many=True).data


class PublicOpinionList(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = RENDERERS
    pagination_class = StandardPagination
    serializer_class = PublishedOpinionSerializer
    filter_backends = []  # the filters are ArchiveFilterForm's, documented below

    @extend_schema(
        operation_id="public_opinions_list",
        summary="公开的社情民意（无需登录）",
        tags=["public"],
        # A page of them (count, next, previous, results), not one.
        responses=PublishedOpinionSerializer(many=True),
        parameters=[
            OpenApiParameter("region", OpenApiTypes.INT, description="街道或镇的编号（含其居村委会）"),
            OpenApiParameter("category", OpenApiTypes.STR, description="类别（中文，如“交通出行”）"),
            OpenApiParameter("state", OpenApiTypes.STR, description="状态"),
            OpenApiParameter("year", OpenApiTypes.INT, description="收到年度"),
            OpenApiParameter("q", OpenApiTypes.STR, description="搜索公开的内容和答复（中文）"),
        ],
    )
    def get(self, request):
        form = ArchiveFilterForm(request.query_params)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        page = self.paginate_queryset(form.filter(archive.published()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublicOpinionDetail(GenericAPIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = RENDERERS
    serializer_class = PublishedOpinionSerializer

    @extend_schema(
        operation_id="public_opinions_retrieve", summary="一条公开的社情民意（无需登录）", tags=["public"]
    )
    def get(self, request, pk):
        opinion = archive.published_opinion(pk)
        if opinion is None:
            raise NotFound
        return Response(self.get_serializer(opinion).data)


urlpatterns = [
    path("public/opinions/", PublicOpinionList.as_view(), name="public-opinion-list"),
    path("public/opinions/<int:pk>/", PublicOpinionDetail.as_view(), name="public-opinion-detail"),
]


def register(router):
    """No viewsets: the public endpoints are plain views (`urlpatterns`)."""
