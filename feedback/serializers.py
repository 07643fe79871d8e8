"""Serializers of the opinions API. They parse and render; the rules live in services, workflow,
selectors and privacy. A submitter's name, phone and address appear only through
`privacy.contact_for` (unmasked for those handling it, masked for other staff) and never in the
public tracking serializer."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from songjiang_liaison.serializer_fields import ChoiceLabelField

from . import deadlines, privacy, workflow
from .models import Channel, Opinion, OpinionEvent, Suggestion


def _moment(value):
    """A datetime as the other fields show it (ISO 8601 in the portal's time zone)."""
    return serializers.DateTimeField().to_representation(value) if value is not None else None


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class OpinionSubmitSerializer(serializers.Serializer):
    """The intake contract shared by the deputies' app and the web form (design.md)."""

    content = serializers.CharField(trim_whitespace=False, allow_blank=True)
    region = serializers.IntegerField()
    deputy = serializers.IntegerField(required=False, allow_null=True)
    organization = serializers.IntegerField(required=False, allow_null=True)
    category = serializers.CharField(required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    submitter_name = serializers.CharField(required=False, allow_blank=True, default="")
    submitter_phone = serializers.CharField(required=False, allow_blank=True, default="")
    submitter_address = serializers.CharField(required=False, allow_blank=True, default="")
    confidential = serializers.BooleanField(required=False, default=False)
    consent = serializers.BooleanField(required=False, default=False)
    # The citizen's consent to the public archive (feedback/archive.py); refused with `confidential`.
    publish = serializers.BooleanField(required=False, default=False)
    activity = serializers.IntegerField(required=False, allow_null=True)
    # The honeypot: invisible on the form, left empty by people.
    website = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class OpinionCreatedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    state = serializers.CharField()
    state_display = ChoiceLabelField(source="get_state_display")
    received_at = serializers.DateTimeField()


class OpinionListSerializer(serializers.ModelSerializer):
    state_display = ChoiceLabelField(source="get_state_display", read_only=True)
    region = RefSerializer(read_only=True)
    deputy = serializers.SerializerMethodField()
    organization = RefSerializer(read_only=True)
    units = serializers.SerializerMethodField()
    deadline_status = serializers.SerializerMethodField()
    submitter_name = serializers.SerializerMethodField()
    submitter_phone = serializers.SerializerMethodField()

    class Meta:
        model = Opinion
        fields = [
            "id",
            "tracking_code",
            "state",
            "state_display",
            "level",
            "channel",
            "category",
            "content",
            "region",
            "deputy",
            "organization",
            "units",
            "received_at",
            "due_at",
            "due_kind",
            "deadline_status",
            "confidential",
            "duplicate_of",
            "merged_into",
            "moderation_reason",
            "submitter_name",
            "submitter_phone",
        ]
        read_only_fields = fields

    def get_deputy(self, obj) -> dict | None:
        if obj.deputy is None:
            return None
        return {"id": obj.deputy_id, "name": obj.deputy.person.name}

    def get_units(self, obj) -> list[dict]:
        return [{"id": a.organization_id, "name": a.organization.name} for a in obj.assignments.all()]

    def get_deadline_status(self, obj) -> str:
        return deadlines.deadline_status(obj, self.context.get("now") or timezone.now())

    # Lists always show contact details masked; the detail shows them to those handling it.
    def get_submitter_name(self, obj) -> str:
        return privacy.mask_name(obj.submitter_name)

    def get_submitter_phone(self, obj) -> str:
        return privacy.mask_phone(obj.submitter_phone)


class TimelineSerializer(serializers.ModelSerializer):
    to_state_display = ChoiceLabelField(source="get_to_state_display", read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = OpinionEvent
        fields = [
            "id",
            "action",
            "from_state",
            "to_state",
            "to_state_display",
            "actor",
            "internal_note",
            "public_note",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor(self, obj) -> str | None:
        return str(obj.actor) if obj.actor_id else None


class PublicTimelineSerializer(serializers.ModelSerializer):
    state = serializers.CharField(source="to_state", read_only=True)
    state_display = ChoiceLabelField(source="get_to_state_display", read_only=True)

    class Meta:
        model = OpinionEvent
        fields = ["state", "state_display", "public_note", "created_at"]
        read_only_fields = fields


class OpinionDetailSerializer(OpinionListSerializer):
    allowed_actions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    origin_deputy = serializers.SerializerMethodField()
    # The contact activity it was taken in at: the first activity linked to it (the activity's
    # many-to-many `opinions` is the one record of the link), null when none.
    activity_id = serializers.SerializerMethodField()

    class Meta(OpinionListSerializer.Meta):
        fields = [
            *OpinionListSerializer.Meta.fields,
            "origin_deputy",
            "outcome",
            "reply_text",
            "public_reply",
            "reject_reason",
            "rating",
            "rating_comment",
            "consent",
            "flagged_spam",
            "activity_id",
            "allowed_actions",
            "assignments",
            "timeline",
            "contact",
        ]
        read_only_fields = fields

    def get_allowed_actions(self, obj) -> list[str]:
        return workflow.allowed_actions(obj, self.context["request"].user)

    def get_timeline(self, obj) -> list[dict]:
        return TimelineSerializer(obj.events.select_related("actor"), many=True).data

    def get_assignments(self, obj) -> list[dict]:
        return [
            {
                "unit": {"id": a.organization_id, "name": a.organization.name},
                "assigned_at": _moment(a.assigned_at),
                "due_at": _moment(a.due_at),
                "replied_at": _moment(a.replied_at),
                "outcome": a.outcome,
                "reply_text": a.reply_text,
            }
            for a in obj.assignments.all()
        ]

    def get_activity_id(self, obj) -> int | None:
        return obj.activities.order_by("date", "pk").values_list("pk", flat=True).first()

    def get_origin_deputy(self, obj) -> dict | None:
        if obj.origin_deputy is None:
            return None
        return {"id": obj.origin_deputy_id, "name": obj.origin_deputy.person.name}

    def get_contact(self, obj) -> dict:
        return self.get_contact_cached(obj)

    def get_submitter_name(self, obj) -> str:
        return self.get_contact_cached(obj)["submitter_name"]

    def get_submitter_phone(self, obj) -> str:
        return self.get_contact_cached(obj)["submitter_phone"]

    def get_contact_cached(self, obj):
        # One audit row per view, however many fields show the details.
        cache = self.context.setdefault("_contact", {})
        if obj.pk not in cache:
            cache[obj.pk] = privacy.contact_for(self.context["request"].user, obj)
        return cache[obj.pk]


class PublicOpinionSerializer(serializers.ModelSerializer):
    """What the tracking code shows: never a submitter's name, phone or address, nor internal notes."""

    state_display = ChoiceLabelField(source="get_state_display", read_only=True)
    region = serializers.CharField(source="region.name", read_only=True)
    deputy = serializers.SerializerMethodField()
    outcome_display = ChoiceLabelField(source="get_outcome_display", read_only=True)
    rating_display = ChoiceLabelField(source="get_rating_display", read_only=True)
    timeline = serializers.SerializerMethodField()
    can_rate = serializers.SerializerMethodField()

    class Meta:
        model = Opinion
        fields = [
            "tracking_code",
            "state",
            "state_display",
            "category",
            "region",
            "deputy",
            "received_at",
            "outcome",
            "outcome_display",
            "public_reply",
            "rating",
            "rating_display",
            "can_rate",
            "timeline",
        ]
        read_only_fields = fields

    def get_deputy(self, obj) -> dict | None:
        return obj.deputy.person.name if obj.deputy_id else None

    def get_timeline(self, obj) -> list[dict]:
        from .selectors import public_timeline

        return PublicTimelineSerializer(public_timeline(obj), many=True).data

    def get_can_rate(self, obj) -> bool:
        return "rate" in workflow.allowed_actions(obj, None)


class RatingSerializer(serializers.Serializer):
    rating = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SuggestionSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField(source="get_kind_display", read_only=True)
    state_display = ChoiceLabelField(source="get_state_display", read_only=True)
    deputy = serializers.SerializerMethodField()
    handling_units = RefSerializer(many=True, read_only=True)
    deadline_status = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "content",
            "deputy",
            "handling_units",
            "difficult",
            "state",
            "state_display",
            "submitted_at",
            "assigned_at",
            "due_at",
            "deadline_status",
            "answered_at",
            "answer",
        ]
        read_only_fields = fields

    def get_deputy(self, obj) -> dict | None:
        return {"id": obj.deputy_id, "name": obj.deputy.person.name}

    def get_deadline_status(self, obj) -> str:
        if obj.answered_at is not None:
            return deadlines.ON_TIME
        return deadlines.status_for(obj.due_at, self.context.get("now") or timezone.now())


class WorkflowChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class WorkflowFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    choices = WorkflowChoiceSerializer(many=True)


class WorkflowActionSerializer(serializers.Serializer):
    """One row of `GET /opinions/actions/` (the answer is a list of them)."""

    action = serializers.CharField()
    label = serializers.CharField()
    sources = serializers.ListField(child=serializers.CharField())
    targets = serializers.ListField(child=serializers.CharField())
    fields = WorkflowFieldSerializer(many=True)


class PublicationDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "withhold"])
    public_content = serializers.CharField(required=False, allow_blank=True, default="")
    public_answer = serializers.CharField(required=False, allow_blank=True, default="")
    withheld_reason = serializers.CharField(required=False, allow_blank=True, default="")


class PublicationSerializer(serializers.Serializer):
    publish = serializers.BooleanField()
    publication = serializers.CharField()
    public_content = serializers.CharField()
    public_answer = serializers.CharField()
    withheld_reason = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)  # null until published
