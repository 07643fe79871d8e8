"""API v1 of the Standing Committee's contacts with deputies (§三(三)), with the rules of the pages
(`contacts/committee_views.py`) and the one writer `record_services.record_committee_contact`.

- `GET /committee-contacts/[{id}/][?year=YYYY]`: a Standing Committee member sees the contacts of their
  own seats; the district-wide liaison bodies and administrators (who may also record) see all; any
  other role 403; a contact outside the caller's reach 404.
- `POST /committee-contacts/`: `kind`, `date` (not after today), `subject`, `deputies` (ids),
  `views_heard`, and `member` (the caller's seat; default their only seat) or, for a committee's
  invitation, `committee`. Deputies outside a member's fixed contacts: 400 naming the deputy;
  recording for another member's seat: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from deputies import permissions as access
from deputies.models import Committee, CommitteeMember, Deputy
from songjiang_liaison.api import StandardPagination
from songjiang_liaison.serializer_fields import ChoiceLabelField

from . import quotas
from .models import CommitteeContact, CommitteeContactKind
from .record_services import committee_seats_of, record_committee_contact


class CommitteeContactSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField(source="get_kind_display", read_only=True)

    class Meta:
        model = CommitteeContact
        fields = [
            "id",
            "committee",
            "member",
            "kind",
            "kind_display",
            "date",
            "subject",
            "deputies",
            "views_heard",
            "created_at",
        ]
        read_only_fields = fields


class CommitteeContactInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommitteeContactKind.choices)
    date = serializers.DateField()
    subject = serializers.CharField(max_length=200)
    deputies = serializers.PrimaryKeyRelatedField(many=True, queryset=Deputy.objects.select_related("person"))
    views_heard = serializers.CharField(required=False, allow_blank=True, default="")
    member = serializers.PrimaryKeyRelatedField(
        queryset=CommitteeMember.objects.select_related("committee"), required=False, allow_null=True
    )
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.all(), required=False, allow_null=True
    )


def _may_use(user) -> bool:
    return access.may_record_committee_contacts(user) or access.is_district_wide(user)


@extend_schema_view(
    list=extend_schema(
        summary="常委会组成人员、专门委员会联系代表记录",
        tags=["activities"],
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="年度")],
    ),
    retrieve=extend_schema(summary="联系代表记录详情", tags=["activities"]),
    create=extend_schema(
        summary="登记联系代表情况（§三(三)）",
        tags=["activities"],
        request=CommitteeContactInputSerializer,
        responses={201: CommitteeContactSerializer},
    ),
)
class CommitteeContactViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StandardPagination
    serializer_class = CommitteeContactSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not _may_use(request.user):
            raise PermissionDenied

    def get_queryset(self):
        contacts = CommitteeContact.objects.prefetch_related("deputies").order_by("-date", "-id")
        if not access.is_district_wide(self.request.user):
            seats = committee_seats_of(self.request.user)
            contacts = contacts.filter(
                Q(member__in=seats) | Q(member__isnull=True, committee__in=seats.values("committee_id"))
            )
        year = self.request.query_params.get("year")
        if year:
            first, last = quotas.years_accepted()
            if not year.isdigit() or not first <= int(year) <= last:
                raise ValidationError({"year": [quotas.year_refused_message()]})
            contacts = contacts.filter(date__year=int(year))
        return contacts

    def create(self, request, *args, **kwargs):
        data = CommitteeContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values.get("member") is None and values.get("committee") is None:
            seats = list(committee_seats_of(request.user))
            if len(seats) == 1:
                values["member"] = seats[0]
        try:
            contact = record_committee_contact(actor=request.user, **values)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)


def register(router):
    router.register("committee-contacts", CommitteeContactViewSet, basename="committee-contact")
