"""Serializers of the suggestions API: the working view (those who may see it) and the public view
(published suggestions: never a draft, never a citizen's details, never the consultation notes)."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from songjiang_liaison.serializer_fields import ChoiceLabelField

from .. import deadlines
from ..serializers import RefSerializer
from . import workflow
from .models import Suggestion, SuggestionKind

HANDLED = ("answered", "closed")


class DraftSerializer(serializers.Serializer):
    """`POST /api/v1/suggestions/` and `PATCH /api/v1/suggestions/{id}/` (a draft)."""

    kind = serializers.ChoiceField(choices=SuggestionKind.choices)
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)
    session = serializers.IntegerField(required=False, allow_null=True)
    co_signers = serializers.ListField(child=serializers.IntegerField(), required=False)
    source_opinions = serializers.ListField(child=serializers.IntegerField(), required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False)
    confidential = serializers.BooleanField(required=False)
    deputy = serializers.IntegerField(required=False, allow_null=True)


def _deputy(obj):
    return {"id": obj.deputy_id, "name": obj.deputy.person.name}


def _deadline_status(obj, now) -> str:
    if obj.state in HANDLED or obj.due_at is None:
        return deadlines.ON_TIME
    return deadlines.status_for(obj.due_at, now)


class PublicSuggestionSerializer(serializers.ModelSerializer):
    kind_display = ChoiceLabelField(source="get_kind_display", read_only=True)
    state_display = ChoiceLabelField(source="get_state_display", read_only=True)
    reply_category_display = ChoiceLabelField(source="get_reply_category_display", read_only=True)
    deputy = serializers.SerializerMethodField()
    congress = serializers.SerializerMethodField()
    lead_unit = RefSerializer(read_only=True)
    handling_units = RefSerializer(many=True, read_only=True)
    deadline_status = serializers.SerializerMethodField()
    replied_on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "content",
            "deputy",
            "congress",
            "session",
            "lead_unit",
            "handling_units",
            "difficult",
            "is_key",
            "state",
            "state_display",
            "submitted_at",
            "assigned_at",
            "due_at",
            "reply_due_at",
            "deadline_status",
            "answered_at",
            "reply_category",
            "reply_category_display",
            "answer",
            "promised_date",
            "replied_on_time",
        ]
        read_only_fields = fields

    def get_deputy(self, obj) -> dict:
        return _deputy(obj)

    def get_congress(self, obj) -> dict | None:
        return {"id": obj.congress_id, "name": obj.congress.name} if obj.congress_id else None

    def get_deadline_status(self, obj) -> str:
        return _deadline_status(obj, self.context.get("now") or timezone.now())


class SuggestionSerializer(PublicSuggestionSerializer):
    """What those who may see a suggestion read: the public view, plus co-signers, sources,
    attachments, consultations, replies, extensions, the rating and the allowed actions (detail)."""

    co_signers = serializers.SerializerMethodField()
    required_co_signers = serializers.SerializerMethodField()
    source_opinions = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    office = RefSerializer(read_only=True)
    consultations = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(PublicSuggestionSerializer.Meta):
        fields = [
            *PublicSuggestionSerializer.Meta.fields,
            "is_public",
            "office",
            "co_units_due_at",
            "co_signers",
            "required_co_signers",
            "source_opinions",
            "attachments",
            "consultations",
            "replies",
            "extensions",
            "rating",
            "rating_comment",
            "rated_at",
            "rehandle_count",
            "closed_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_co_signers(self, obj) -> list[dict]:
        return [
            {"deputy": c.deputy_id, "name": c.deputy.person.name, "confirmed": c.confirmed_at is not None}
            for c in obj.co_signers.all()
        ]

    def get_required_co_signers(self, obj) -> int:
        return workflow.required_co_signers(obj)

    def get_source_opinions(self, obj) -> list[int]:
        return [o.pk for o in obj.source_opinions.all()]

    def get_attachments(self, obj) -> list[dict]:
        from django.urls import reverse

        return [
            {
                "id": a.pk,
                "name": a.name,
                "is_reply": a.is_reply,
                "url": reverse("feedback:suggestion_file", args=[obj.pk, a.pk]),
            }
            for a in obj.attachments.all()
        ]

    def get_consultations(self, obj) -> list[dict]:
        return [
            {
                "unit": c.organization_id,
                "date": c.date.isoformat(),
                "method": c.method,
                "deputy_view": c.deputy_view,
            }
            for c in obj.consultations.all()
        ]

    def get_replies(self, obj) -> list[dict]:
        return [
            {
                "unit": r.organization_id,
                "role": r.role,
                "category": r.category,
                "content": r.content,
                "promised_date": r.promised_date.isoformat() if r.promised_date else None,
                "created_at": serializers.DateTimeField().to_representation(r.created_at),
            }
            for r in obj.replies.all()
        ]

    def get_extensions(self, obj) -> list[dict]:
        return [
            {
                "months": e.months,
                "reason": e.reason,
                "approved_by": e.approved_by_id,
                "new_due_at": serializers.DateTimeField().to_representation(e.new_due_at),
            }
            for e in obj.extensions.all()
        ]

    def get_allowed_actions(self, obj) -> list[str] | None:
        """Only on a single suggestion (lists would pay queries per row)."""
        if not self.context.get("with_actions"):
            return None
        return workflow.allowed_actions(obj, self.context["request"].user)
