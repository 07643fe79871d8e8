"""Admin for opinions and their calendar. The state is read-only here (only the workflow writes it),
the submitter's details are shown masked, and timeline rows cannot be edited or deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import privacy
from .models import (
    Assignment,
    BlockedTerm,
    ContactView,
    Holiday,
    Opinion,
    OpinionEvent,
    OpinionPhoto,
    Suggestion,
    SuggestionEvent,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = OpinionEvent
    fields = ["created_at", "action", "from_state", "to_state", "actor", "public_note", "internal_note"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = ["organization", "assigned_at", "due_at", "replied_at", "outcome", "reply_text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


class PhotoInline(ReadOnlyInline):
    model = OpinionPhoto
    fields = ["image", "created_at"]
    readonly_fields = fields


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "tracking_code",
        "state",
        "level",
        "channel",
        "region",
        "deputy",
        "received_at",
        "due_at",
    ]
    list_filter = ["state", "level", "channel", "flagged_spam", "confidential"]
    search_fields = ["tracking_code", "content", "category"]
    date_hierarchy = "received_at"
    list_select_related = ["region", "deputy__person", "deputy__congress"]
    raw_id_fields = ["deputy", "intake_deputy", "origin_deputy", "duplicate_of", "merged_into", "recorded_by"]
    inlines = [AssignmentInline, PhotoInline, EventInline]
    exclude = [
        "submitter_name",
        "submitter_phone",
        "submitter_address",
        "submitter_fingerprint",
        "content_hash",
    ]
    readonly_fields = [
        "tracking_code",
        "state",
        "masked_name",
        "masked_phone",
        "received_at",
        "due_at",
        "due_kind",
        "routed_at",
        "replied_at",
        "fed_back_at",
        "closed_at",
        "rated_at",
        "anonymized_at",
        "rating",
        "rating_comment",
    ]

    @admin.display(description=_("姓名（脱敏）"))
    def masked_name(self, obj):
        return privacy.mask_name(obj.submitter_name)

    @admin.display(description=_("电话（脱敏）"))
    def masked_phone(self, obj):
        return privacy.mask_phone(obj.submitter_phone)

    def has_delete_permission(self, request, obj=None):
        # Nothing a citizen says is lost (R-OP-1): reject or merge it through the workflow instead.
        return False


class SuggestionEventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "from_state", "to_state", "actor", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """Read and correct the wording; the state, dates and units change only through the workflow
    (feedback/suggestions/workflow.py), which keeps the timeline."""

    list_display = ["title", "kind", "deputy", "state", "lead_unit", "due_at", "answered_at", "is_public"]
    list_filter = ["kind", "state", "difficult", "is_key", "is_public"]
    search_fields = ["title", "content"]
    raw_id_fields = ["deputy", "opinion"]
    list_select_related = ["deputy__person", "deputy__congress", "lead_unit"]
    readonly_fields = [
        "state",
        "office",
        "lead_unit",
        "handling_units",
        "source_opinions",
        "submitted_at",
        "assigned_at",
        "due_at",
        "reply_due_at",
        "co_units_due_at",
        "first_replied_at",
        "answered_at",
        "reply_category",
        "promised_date",
        "rating",
        "rated_at",
        "rehandle_count",
        "closed_at",
        "is_key",
        "supervisor",
    ]
    inlines = [SuggestionEventInline]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Administrators enter a new year's holidays and make-up working days (调休) here when the State
    Council publishes them; until then that year counts Monday–Friday."""

    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["term", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["term"]


@admin.register(ContactView)
class ContactViewAdmin(admin.ModelAdmin):
    """The audit trail of who saw a submitter's contact details; read-only."""

    list_display = ["viewed_at", "user", "opinion"]
    list_select_related = ["user", "opinion"]
    date_hierarchy = "viewed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
