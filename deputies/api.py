"""API v1 of the registry (R-REG-1…8): read-only resources and the Popolo export.

Everything here is public. The only non-public data, a deputy's private phone, staff notes and end
reason, is shown per row to users whose jurisdiction (`deputies.permissions.deputies_in_jurisdiction`)
includes that deputy.
"""

import datetime

from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Value
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.serializers import MeSerializer
from deputies import permissions as access
from songjiang_liaison.api import PublicReadOnlyViewSet

from . import filters, popolo, serializers
from .models import (
    Congress,
    Constituency,
    ContactPoint,
    Deputy,
    DeputyGroup,
    Organization,
    ReceptionDuty,
    Region,
)

UPCOMING_DUTY_DAYS = 30


def with_private_access(queryset, user):
    """Mark each deputy with `can_see_private`: may this user see its non-public fields?

    One correlated subquery instead of a lookup per row, so lists stay at a fixed query count.
    """
    if access.is_anonymous(user):
        return queryset.annotate(can_see_private=Value(False, output_field=BooleanField()))
    allowed = access.deputies_in_jurisdiction(user).filter(pk=OuterRef("pk"))
    return queryset.annotate(can_see_private=Exists(allowed))


@extend_schema_view(
    list=extend_schema(summary="行政区域列表", tags=["registry"]),
    retrieve=extend_schema(summary="行政区域", tags=["registry"]),
)
class RegionViewSet(PublicReadOnlyViewSet):
    """区、街道、镇、居委会、村委会 (a tree: `parent`)."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilter
    search_fields = ["name", "code"]


@extend_schema_view(
    list=extend_schema(summary="人民代表大会（届）列表", tags=["registry"]),
    retrieve=extend_schema(summary="人民代表大会（届）", tags=["registry"]),
)
class CongressViewSet(PublicReadOnlyViewSet):
    queryset = Congress.objects.select_related("region")
    serializer_class = serializers.CongressSerializer
    filterset_class = filters.CongressFilter
    search_fields = ["name"]


@extend_schema_view(
    list=extend_schema(summary="选区列表", tags=["registry"]),
    retrieve=extend_schema(summary="选区", tags=["registry"]),
)
class ConstituencyViewSet(PublicReadOnlyViewSet):
    queryset = Constituency.objects.select_related("congress", "region").prefetch_related(
        Prefetch("areas", queryset=Region.objects.only("pk"))
    )
    serializer_class = serializers.ConstituencySerializer
    filterset_class = filters.ConstituencyFilter
    search_fields = ["name"]


@extend_schema_view(
    list=extend_schema(summary="代表小组列表", tags=["registry"]),
    retrieve=extend_schema(summary="代表小组", tags=["registry"]),
)
class DeputyGroupViewSet(PublicReadOnlyViewSet):
    queryset = DeputyGroup.objects.select_related("congress", "region")
    serializer_class = serializers.DeputyGroupSerializer
    filterset_class = filters.DeputyGroupFilter
    search_fields = ["name"]


@extend_schema_view(
    list=extend_schema(
        summary="人大代表列表",
        description="默认只列出今天在任的代表；`status=ended` 列出已终止的，`status=all` 列出全部。"
        "`search` 按姓名查找。",
        tags=["registry"],
    ),
    retrieve=extend_schema(summary="人大代表", tags=["registry"]),
)
class DeputyViewSet(PublicReadOnlyViewSet):
    """Deputies' mandates. `private_phone`, `staff_notes` and `end_reason` appear only for users
    whose jurisdiction covers the deputy."""

    serializer_class = serializers.DeputySerializer
    filterset_class = filters.DeputyFilter
    search_fields = ["person__name"]

    def get_queryset(self):
        return with_private_access(Deputy.objects.for_listing(), self.request.user)


@extend_schema_view(
    list=extend_schema(summary="联络机构和承办单位列表", tags=["registry"]),
    retrieve=extend_schema(summary="联络机构或承办单位", tags=["registry"]),
)
class OrganizationViewSet(PublicReadOnlyViewSet):
    queryset = Organization.objects.select_related("region")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    search_fields = ["name", "address"]


@extend_schema_view(
    list=extend_schema(summary="代表之家、联络站、联系点列表", tags=["registry"]),
    retrieve=extend_schema(summary="代表之家、联络站、联系点", tags=["registry"]),
)
class ContactPointViewSet(PublicReadOnlyViewSet):
    """Venues, with who is on reception duty in the next 30 days (`upcoming_duties`)."""

    serializer_class = serializers.ContactPointSerializer
    filterset_class = filters.ContactPointFilter
    search_fields = ["name", "address"]

    def get_queryset(self):
        today = timezone.localdate()
        duties = ReceptionDuty.objects.filter(
            date__gte=today, date__lte=today + datetime.timedelta(days=UPCOMING_DUTY_DAYS)
        ).select_related("deputy__person")
        return ContactPoint.objects.select_related("region", "organization").prefetch_related(
            Prefetch("duties", queryset=duties, to_attr="upcoming_duties")
        )


class PopoloExportView(APIView):
    """The registry in the Popolo data format (https://www.popoloproject.com/), public fields only."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Popolo 格式导出",
        description="persons, organizations, memberships, areas: the registry as Popolo JSON "
        "(public fields only), for open-data tools.",
        responses={200: OpenApiTypes.OBJECT},
        tags=["registry"],
    )
    def get(self, request):
        return Response(popolo.export(request=request))


class MeView(APIView):
    """GET /api/v1/auth/me/: the caller, their role and their mandates. It lives in the registry, which
    knows mandates (accounts, the ground floor, imports no app above it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="当前用户",
        responses={200: MeSerializer, 401: OpenApiResponse(description="未登录")},
        tags=["auth"],
    )
    def get(self, request):
        user = request.user
        data = {
            "username": user.username,
            "display_name": str(user),
            "role": access.role_of(user),
            "organization": user.organization_id,
            "deputies": access.own_deputy_ids(user),
        }
        return Response(MeSerializer(data).data)


urlpatterns = [
    path("auth/me/", MeView.as_view(), name="api-auth-me"),
    path("popolo.json", PopoloExportView.as_view(), name="api-popolo"),
]


def register(router):
    """Add this app's viewsets to the v1 router."""
    router.register("regions", RegionViewSet, basename="region")
    router.register("congresses", CongressViewSet, basename="congress")
    router.register("constituencies", ConstituencyViewSet, basename="constituency")
    router.register("deputy-groups", DeputyGroupViewSet, basename="deputy-group")
    router.register("deputies", DeputyViewSet, basename="deputy")
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("contact-points", ContactPointViewSet, basename="contact-point")
