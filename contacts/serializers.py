"""Serializers of the activities API (design.md contract). They parse and render; the rules are in
`contacts/services.py` and `contacts/quotas/`."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from deputies.models import Constituency, ContactPoint, Deputy, DeputyGroup
from feedback.models import Opinion
from songjiang_liaison.serializer_fields import ChoiceLabelField

from .models import ActivityKind, ContactActivity, ContactPurpose, MeetingRequest, VoterReport


class ParticipationSerializer(serializers.Serializer):
    deputy = serializers.IntegerField(source="deputy_id")
    name = serializers.CharField(source="deputy.person.name")
    people_met = serializers.IntegerField()


class AmendmentSerializer(serializers.Serializer):
    reason = serializers.CharField()
    changes = serializers.JSONField()
    made_at = serializers.DateTimeField()


class ActivitySerializer(serializers.ModelSerializer):
    """An activity as its deputy and the liaison staff see it."""

    kind_display = ChoiceLabelField(source="get_kind_display", read_only=True)
    participants = ParticipationSerializer(source="participations", many=True, read_only=True)
    opinions = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    amendments = AmendmentSerializer(many=True, read_only=True)
    confirmed = serializers.BooleanField(source="is_confirmed", read_only=True)
    version = serializers.DateTimeField(
        source="updated_at",
        read_only=True,
        help_text=_(
            "记录版本（最后修改时间）。确认活动时须原样提交；修改、更正时可提交，以免覆盖他人的修改。"
        ),
    )

    class Meta:
        model = ContactActivity
        fields = [
            "id",
            "kind",
            "kind_display",
            "date",
            "place",
            "venue",
            "constituency",
            "group",
            "planned",
            "purposes",
            "title",
            "start_time",
            "end_time",
            "is_constituency_contact",
            "is_centralized",
            "people_reached",
            "summary",
            "is_public",
            "participants",
            "opinions",
            "photos",
            "organized_by",
            "confirmed",
            "confirmed_at",
            "amendments",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_opinions(self, obj) -> list[int]:
        """The linked opinions the caller may see: the view prefetches only those."""
        return [o.pk for o in obj.opinions.all()]

    def get_photos(self, obj) -> list[str]:
        request = self.context.get("request")
        urls = [p.image.url for p in obj.photos.all()]
        return [request.build_absolute_uri(u) for u in urls] if request else urls


class PrimaryKeyListField(serializers.ListField):
    """A list of ids of ``queryset``'s model, resolved with one query however many ids are sent (a
    ``PrimaryKeyRelatedField(many=True)`` runs one per id). An unknown id, or a value that is not an
    id, is refused with the messages of ``PrimaryKeyRelatedField``; the objects keep the order sent."""

    default_error_messages = {
        **serializers.ListField.default_error_messages,
        "does_not_exist": serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"],
        "incorrect_type": serializers.PrimaryKeyRelatedField.default_error_messages["incorrect_type"],
    }

    def __init__(self, *, queryset, **kwargs):
        self.queryset = queryset
        super().__init__(child=serializers.IntegerField(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str | Mapping) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and len(data) == 0:
            self.fail("empty")
        ids = [self._pk(item) for item in data]
        found = self.queryset.in_bulk(ids)
        for item, pk in zip(data, ids, strict=True):
            if pk not in found:
                self.fail("does_not_exist", pk_value=item)
        return [found[pk] for pk in ids]

    def _pk(self, item):
        try:
            if isinstance(item, bool):
                raise TypeError
            return self.queryset.model._meta.pk.get_prep_value(item)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(item).__name__)

    def to_representation(self, data):
        return [obj.pk for obj in data]


class ActivityInputSerializer(serializers.Serializer):
    """What `POST /api/v1/activities/` takes (design.md). Numbers and dates are checked by the service
    so that the API and the form give the same messages."""

    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    date = serializers.DateField(help_text=_("YYYY-MM-DD，上海时间"))
    constituency = serializers.PrimaryKeyRelatedField(
        queryset=Constituency.objects.all(), required=False, allow_null=True
    )
    is_constituency_contact = serializers.BooleanField(required=False, default=False)
    is_centralized = serializers.BooleanField(required=False, default=False)
    people_reached = serializers.IntegerField(required=False, default=0)
    participants = PrimaryKeyListField(
        queryset=Deputy.objects.select_related("person", "congress", "constituency"), required=False
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=DeputyGroup.objects.select_related("congress"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("代表小组的活动（§三(五)）：小组 id；区人大代表可参加其当选所在镇的镇人大代表小组活动。"),
    )
    people_met = serializers.IntegerField(required=False, allow_null=True, default=None)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    venue = serializers.PrimaryKeyRelatedField(
        queryset=ContactPoint.objects.all(), required=False, allow_null=True, default=None
    )
    opinions = PrimaryKeyListField(queryset=Opinion.objects.all(), required=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False)
    is_public = serializers.BooleanField(required=False, default=False)
    purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=ContactPurpose.choices),
        required=False,
        default=list,
        help_text=_("§二 联系内容，可多选：policy、law、organs、consultation、own_work。"),
    )
    planned = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("提前公布的活动计划：日期可以在今天之后；登记活动情况（held）之前不计入年度要求。"),
    )
    start_time = serializers.TimeField(required=False, allow_null=True, default=None)
    end_time = serializers.TimeField(required=False, allow_null=True, default=None)
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class HeldInputSerializer(serializers.Serializer):
    """`POST /api/v1/activities/{id}/held/`: the plan's day has passed; what happened."""

    people_reached = serializers.IntegerField()
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    people_met = serializers.IntegerField(required=False, allow_null=True, default=None)
    opinions = PrimaryKeyListField(queryset=Opinion.objects.all(), required=False)
    version = serializers.DateTimeField(required=False)


def _version_field(*, required: bool) -> serializers.DateTimeField:
    return serializers.DateTimeField(
        required=required,
        help_text=_("活动的 version（获取活动时返回的值）；活动此后被修改的，返回 409。"),
        error_messages={"required": _("请提交您核对过的活动版本（version）。")},
    )


class ActivityChangeSerializer(ActivityInputSerializer):
    """`PATCH /api/v1/activities/{id}/`: any subset of the fields (photos are added, not replaced;
    opinions replace the linked ones the caller may see). With `version`, a stale change answers 409."""

    version = _version_field(required=False)

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            # No defaults in a PATCH: only what the caller sent is changed.
            field.default = serializers.empty


class ActivityConfirmSerializer(serializers.Serializer):
    """`POST /api/v1/activities/{id}/confirm/`: the version of the activity the confirmer checked."""

    version = _version_field(required=True)


class AmendmentInputSerializer(ActivityChangeSerializer):
    reason = serializers.CharField(max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


class MeasureSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    required = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    """`GET /api/v1/deputies/{id}/progress/?year=YYYY` (design.md)."""

    deputy = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    constituency_contacts = MeasureSerializer()
    centralized_contacts = MeasureSerializer()
    people_reached = MeasureSerializer()
    opinions_reflected = MeasureSerializer()
    compliant = serializers.BooleanField()
    behind_pace = serializers.BooleanField()
    exempt = serializers.BooleanField()
    exemption_reason = serializers.CharField()
    months_served = serializers.IntegerField()
    missing = serializers.CharField()


class VoterReportSerializer(serializers.ModelSerializer):
    """A report to the voters; `planned: true` announces it ahead (a date from today on, times, venue,
    `is_public` for the calendar); `POST /voter-reports/{id}/held/` records it once held."""

    class Meta:
        model = VoterReport
        fields = [
            "id",
            "deputy",
            "date",
            "form",
            "constituency",
            "attendance",
            "content",
            "file",
            "planned",
            "start_time",
            "end_time",
            "venue",
            "place",
            "is_public",
        ]
        read_only_fields = ["id"]


class VoterReportHeldSerializer(serializers.Serializer):
    attendance = serializers.IntegerField(min_value=0)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class MeetingRequestSerializer(serializers.ModelSerializer):
    state_display = ChoiceLabelField(source="get_state_display", read_only=True)

    class Meta:
        model = MeetingRequest
        fields = [
            "id",
            "deputy",
            "organ",
            "organ_name",
            "head_name",
            "subject",
            "state",
            "state_display",
            "requested_at",
            "liaison_body",
            "scheduled_at",
            "place",
            "held_on",
            "notes",
            "decline_reason",
        ]
        read_only_fields = [
            "id",
            "state",
            "state_display",
            "requested_at",
            "liaison_body",
            "scheduled_at",
            "place",
            "held_on",
            "notes",
            "decline_reason",
        ]


class MeetingActionSerializer(serializers.Serializer):
    """The inputs of the liaison body's actions on a meeting request (each action uses its own)."""

    scheduled_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    held_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
