"""Serializers of the registry API. They read what the viewsets' querysets already loaded (no queries
per row) and never put a non-public field in front of someone who may not see it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from songjiang_liaison.serializer_fields import ChoiceLabelField

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


class RegionSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField(source="get_kind_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "name", "kind", "kind_label", "code", "parent"]
        read_only_fields = fields


class CongressSerializer(serializers.ModelSerializer):
    level_label = ChoiceLabelField(source="get_level_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Congress
        fields = [
            "id",
            "name",
            "level",
            "level_label",
            "region",
            "region_name",
            "term_number",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields


class ConstituencySerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="congress.level", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    areas = serializers.SerializerMethodField(help_text=_("包含的居委会、村委会的编号"))

    class Meta:
        model = Constituency
        fields = ["id", "name", "number", "congress", "level", "region", "region_name", "areas"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_areas(self, obj) -> list[int]:
        # Read from the prefetch cache; `values_list` would query once per row.
        return [area.pk for area in obj.areas.all()]


class DeputyGroupSerializer(serializers.ModelSerializer):
    level = serializers.CharField(source="congress.level", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = DeputyGroup
        fields = ["id", "name", "congress", "level", "region", "region_name", "leader_name"]
        read_only_fields = fields


# Fields of a deputy that only staff with jurisdiction over that deputy (deputies.permissions) may see.
PRIVATE_DEPUTY_FIELDS = ("private_phone", "staff_notes", "end_reason")


class DeputySerializer(serializers.ModelSerializer):
    """A deputy's mandate. The non-public fields (`PRIVATE_DEPUTY_FIELDS`) are left out unless the
    queryset marked the row with `can_see_private` (see `deputies.api.DeputyViewSet`)."""

    name = serializers.CharField(source="person.name", read_only=True)
    gender = serializers.CharField(source="person.gender", read_only=True)
    photo = serializers.ImageField(source="person.photo", read_only=True, use_url=True)
    level = serializers.CharField(source="congress.level", read_only=True)
    congress_name = serializers.CharField(source="congress.name", read_only=True)
    constituency_name = serializers.CharField(source="constituency.name", read_only=True, default=None)
    region = serializers.IntegerField(
        source="constituency.region_id",
        read_only=True,
        default=None,
        help_text=_("选区所在街道或镇的编号"),
    )
    region_name = serializers.CharField(source="constituency.region.name", read_only=True, default=None)
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    contact_point_name = serializers.CharField(source="contact_point.name", read_only=True, default=None)
    status_label = ChoiceLabelField(source="get_status_display", read_only=True)
    is_serving = serializers.SerializerMethodField()
    # Not read-only in the declaration only so that the schema marks them optional: the viewset is
    # read-only, and `to_representation` drops them for callers without jurisdiction.
    private_phone = serializers.CharField(
        required=False, help_text=_("本人手机（不公开，仅有权限的工作人员可见）")
    )
    staff_notes = serializers.CharField(required=False, help_text=_("工作备注（不公开）"))
    end_reason = serializers.CharField(required=False, help_text=_("终止原因（不公开）"))

    class Meta:
        model = Deputy
        fields = [
            "id",
            "person",
            "name",
            "gender",
            "photo",
            "level",
            "congress",
            "congress_name",
            "constituency",
            "constituency_name",
            "region",
            "region_name",
            "group",
            "group_name",
            "work_unit",
            "position",
            "public_phone",
            "public_email",
            "fields",
            "contact_point",
            "contact_point_name",
            "status",
            "status_label",
            "is_serving",
            "start_date",
            "end_date",
            *PRIVATE_DEPUTY_FIELDS,
        ]
        read_only_fields = [name for name in fields if name not in PRIVATE_DEPUTY_FIELDS]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_serving(self, obj) -> bool:
        return obj.is_serving()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not getattr(instance, "can_see_private", False):
            for name in PRIVATE_DEPUTY_FIELDS:
                data.pop(name, None)
        return data


class OrganizationSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField(source="get_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    wechat_qr = serializers.ImageField(read_only=True, use_url=True)
    is_liaison_body = serializers.BooleanField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "is_liaison_body",
            "region",
            "region_name",
            "phone",
            "email",
            "address",
            "wechat_qr",
            "description",
        ]
        read_only_fields = fields


class ReceptionDutySerializer(serializers.ModelSerializer):
    deputy_name = serializers.CharField(source="deputy.person.name", read_only=True)

    class Meta:
        model = ReceptionDuty
        fields = ["date", "start_time", "end_time", "deputy", "deputy_name"]
        read_only_fields = fields


class ContactPointSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField(source="get_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True, default=None)
    upcoming_duties = ReceptionDutySerializer(
        many=True, read_only=True, help_text=_("今后30天的代表接待安排")
    )

    class Meta:
        model = ContactPoint
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "region",
            "region_name",
            "organization",
            "organization_name",
            "address",
            "opening_hours",
            "reception_schedule",
            "phone",
            "upcoming_duties",
        ]
        read_only_fields = fields
