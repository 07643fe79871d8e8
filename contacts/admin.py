"""Admin of contact activities and the performance record.

Activities are read-only here: they are logged, confirmed and corrected (with an amendment and its
reason) through the services, so that closed years and the record stay intact. Administrators set the
quota policies, close years and grant exemptions (through the services); liaison staff see the rows of
their jurisdiction only (`contacts.selectors` / `deputies.permissions`).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from deputies import permissions as access
from deputies.models import Deputy

from . import selectors, services
from .models import (
    ActivityPhoto,
    Amendment,
    ClosedYear,
    ContactActivity,
    MeetingRequest,
    Participation,
    QuotaExemption,
    QuotaPolicy,
    ResearchReport,
    TrainingAttendance,
    TrainingEnrolment,
    TrainingPlan,
    TrainingSession,
    VoterQuestion,
    VoterReport,
)


class AdminOnlyWritesMixin:
    """Administrators may change; everyone else with admin access only views their jurisdiction."""

    def has_add_permission(self, request, *args):
        return access.is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


class DeputyScopedMixin(AdminOnlyWritesMixin):
    deputy_path = "deputy"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_district_wide(request.user):
            return queryset
        return queryset.filter(**{f"{self.deputy_path}__in": access.deputies_in_jurisdiction(request.user)})


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    readonly_fields = ["deputy", "people_met"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The read-only deputy is shown by name and level (Deputy.__str__): one query for all rows.
        return super().get_queryset(request).select_related("deputy__person", "deputy__congress")


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    readonly_fields = ["image", "caption", "uploaded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AmendmentInline(admin.TabularInline):
    model = Amendment
    extra = 0
    readonly_fields = ["reason", "changes", "made_by", "made_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("made_by")


@admin.register(ContactActivity)
class ContactActivityAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "kind",
        "constituency",
        "people_reached",
        "is_constituency_contact",
        "is_centralized",
    ]
    list_filter = ["kind", "is_constituency_contact", "is_centralized", "date"]
    search_fields = ["summary", "place", "participations__deputy__person__name"]
    date_hierarchy = "date"
    list_select_related = ["constituency"]
    inlines = [ParticipationInline, PhotoInline, AmendmentInline]
    readonly_fields = [
        "kind",
        "date",
        "place",
        "venue",
        "constituency",
        "is_constituency_contact",
        "is_centralized",
        "people_reached",
        "summary",
        "is_public",
        "opinions",
        "organized_by",
        "created_by",
        "created_at",
        "confirmed_at",
        "confirmed_by",
    ]
    exclude = ["deputies"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=selectors.activities_visible_to(request.user).values("pk"))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Shown read-only; changes go through the activity pages (amendments in a closed year).
        return False

    def has_delete_permission(self, request, obj=None):
        return access.is_admin(request.user) and (
            obj is None or not selectors.year_closed_for_writes(obj.date.year)
        )

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


@admin.register(QuotaPolicy)
class QuotaPolicyAdmin(AdminOnlyWritesMixin, admin.ModelAdmin):
    list_display = [
        "congress",
        "year",
        "min_constituency_contacts",
        "min_centralized_contacts",
        "min_people_reached",
        "min_opinions",
        "count_confirmed_only",
    ]
    list_filter = ["year", "count_confirmed_only"]


@admin.register(QuotaExemption)
class QuotaExemptionAdmin(DeputyScopedMixin, admin.ModelAdmin):
    list_display = ["deputy", "year", "reason", "granted_by", "granted_at"]
    list_filter = ["year"]
    readonly_fields = ["granted_by", "granted_at"]
    raw_id_fields = ["deputy"]
    list_select_related = ["deputy__person", "deputy__congress", "granted_by"]

    def save_model(self, request, obj, form, change):
        try:
            saved = services.grant_exemption(
                actor=request.user, deputy=obj.deputy, year=obj.year, reason=obj.reason
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level="error")
            return
        obj.pk = saved.pk


@admin.register(ClosedYear)
class ClosedYearAdmin(AdminOnlyWritesMixin, admin.ModelAdmin):
    list_display = ["year", "closed_by", "closed_at"]
    readonly_fields = ["closed_by", "closed_at"]
    list_select_related = ["closed_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.close_year(actor=request.user, year=obj.year)
        obj.pk = saved.pk


@admin.register(VoterReport)
class VoterReportAdmin(DeputyScopedMixin, admin.ModelAdmin):
    list_display = ["deputy", "date", "form", "constituency", "attendance", "planned", "is_public"]
    list_filter = ["planned", "form", "date"]
    raw_id_fields = ["deputy"]
    list_select_related = ["deputy__person", "deputy__congress", "constituency"]


@admin.register(VoterQuestion)
class VoterQuestionAdmin(DeputyScopedMixin, admin.ModelAdmin):
    """Voters' views and questions (§二(五)). Moderation and answers go through the work page
    (contacts:voter_questions), which compares and sets the state; here administrators may correct."""

    list_display = ["deputy", "kind", "channel", "state", "created_at", "answered_at"]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["content", "answer"]
    raw_id_fields = ["deputy", "report"]
    readonly_fields = ["created_at", "created_by", "moderated_by", "moderated_at", "answered_at"]
    list_select_related = ["deputy__person", "deputy__congress"]


@admin.register(ResearchReport)
class ResearchReportAdmin(AdminOnlyWritesMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "date", "organized_by"]
    list_filter = ["kind", "date"]
    filter_horizontal = ["deputies"]
    raw_id_fields = ["opinions"]
    list_select_related = ["organized_by"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(pk__in=selectors.research_reports_visible_to(request.user).values("pk"))
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "deputies":
            # Each choice is labelled with the deputy's name and level (Deputy.__str__).
            kwargs["queryset"] = Deputy.objects.select_related("person", "congress")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TrainingSessionInline(admin.TabularInline):
    model = TrainingSession
    extra = 0
    show_change_link = True


class TrainingEnrolmentInline(admin.TabularInline):
    model = TrainingEnrolment
    extra = 0
    raw_id_fields = ["deputy"]
    readonly_fields = ["enrolled_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(AdminOnlyWritesMixin, admin.ModelAdmin):
    """A session and the deputies enrolled in it (told a week and a day before, `contacts.notices`)."""

    list_display = ["title", "plan", "date", "place"]
    list_filter = ["date"]
    list_select_related = ["plan"]
    search_fields = ["title"]
    inlines = [TrainingEnrolmentInline]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(AdminOnlyWritesMixin, admin.ModelAdmin):
    list_display = ["title", "congress", "year", "organized_by"]
    list_filter = ["year"]
    list_select_related = ["congress", "organized_by"]
    inlines = [TrainingSessionInline]


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(DeputyScopedMixin, admin.ModelAdmin):
    list_display = ["session", "deputy", "status"]
    list_filter = ["status"]
    raw_id_fields = ["deputy"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(DeputyScopedMixin, admin.ModelAdmin):
    list_display = ["deputy", "organ_name", "head_name", "state", "requested_at", "scheduled_at"]
    list_filter = ["state"]
    raw_id_fields = ["deputy"]
    readonly_fields = ["state", "requested_at"]
    # Each row's checkbox is labelled with the request (MeetingRequest.__str__), which names the organ.
    list_select_related = ["deputy__person", "deputy__congress", "organ"]
