"""Registry admin with change history, scoped for liaison staff (§五(二)).

Administrators see and change everything. Liaison staff (is_staff, role LIAISON_STAFF) see and change
only what ``deputies.permissions`` puts in their jurisdiction: the deputies, venues, groups and
constituencies of their street or town, the people holding those mandates (and people their body
entered, until a mandate is added), and their own organization's public details. Anything else,
opened by id, is "not found". Every write is recorded by django-simple-history.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Role
from deputies import permissions as access
from songjiang_liaison import content_policy

from . import invitations, services
from .forms import CommitteeMemberAdminForm, OrganizationAdminForm, PersonAdminForm
from .models import (
    Committee,
    CommitteeMember,
    Congress,
    Constituency,
    ContactPoint,
    Deputy,
    DeputyGroup,
    Invitation,
    Level,
    Organization,
    Person,
    ReceptionDuty,
    Region,
)


def _is_liaison_staff(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.role == Role.LIAISON_STAFF and not access.is_admin(user)


def _regions(request):
    return access.regions_in_jurisdiction(request.user)


class ScopedAdminMixin:
    """Model admin whose rows, permissions and foreign-key choices follow ``deputies.permissions``.

    Subclasses say what is in a liaison staff member's jurisdiction (``scope``) and whether staff may
    add or change that model at all. Administrators fall through to Django's own permissions.
    """

    staff_may_view = True
    staff_may_add = False
    staff_may_change = False

    def scope(self, request, queryset):
        return queryset.none()

    def scoped_choices(self, request, db_field):
        """Queryset of allowed choices for a foreign key or many-to-many field, or None to keep all."""
        return None

    # Rows
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_admin(request.user):
            return queryset
        if _is_liaison_staff(request):
            return self.scope(request, queryset)
        return queryset.none()

    def _in_scope(self, request, obj) -> bool:
        return self.scope(request, self.model._default_manager.filter(pk=obj.pk)).exists()

    # Permissions
    def has_module_permission(self, request):
        if _is_liaison_staff(request):
            return self.staff_may_view
        return super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if _is_liaison_staff(request):
            return self.staff_may_view and (obj is None or self._in_scope(request, obj))
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if _is_liaison_staff(request):
            return self.staff_may_change and (obj is None or self._in_scope(request, obj))
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        if _is_liaison_staff(request):
            return self.staff_may_add
        return super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        if _is_liaison_staff(request):
            return False  # the registry keeps its history: staff end a mandate, they do not delete it
        return super().has_delete_permission(request, obj)

    # Foreign-key and many-to-many choices
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _is_liaison_staff(request):
            choices = self.scoped_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if _is_liaison_staff(request):
            choices = self.scoped_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A scoped admin with django-simple-history's change history (and revert)."""

    def history_view(self, request, object_id, extra_context=None):
        # The history page has one inline style: allowed on this page only (docs/csp.md).
        response = super().history_view(request, object_id, extra_context)
        return content_policy.relax(response, content_policy.HISTORY_PAGINATOR_STYLE)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history lets anyone who may *view* an object post a revert: require change rights.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def _persons_in_scope(request):
    """People with a mandate in the staff member's jurisdiction, and people without a mandate or a
    Standing Committee seat whom their own organization entered (``access.persons_manageable``)."""
    return access.persons_manageable(request.user)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("name", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def scope(self, request, queryset):
        return queryset.filter(pk__in=_regions(request))


@admin.register(Congress)
class CongressAdmin(ScopedAdmin):
    list_display = ("name", "level", "region", "term_number", "start_date", "end_date")
    list_filter = ("level", "region")
    search_fields = ("name",)
    list_select_related = ("region",)
    date_hierarchy = "start_date"

    def scope(self, request, queryset):
        return queryset  # public information; staff may look, not change


@admin.register(Constituency)
class ConstituencyAdmin(ScopedAdmin):
    list_display = ("name", "number", "congress", "region")
    list_filter = ("congress__level", "congress", "region")
    search_fields = ("name", "areas__name")
    list_select_related = ("congress", "region")
    filter_horizontal = ("areas",)
    staff_may_add = staff_may_change = True

    def scope(self, request, queryset):
        return queryset.filter(region__in=_regions(request))

    def scoped_choices(self, request, db_field):
        if db_field.name in ("region", "areas"):
            return db_field.related_model._default_manager.filter(pk__in=_regions(request)).filter(
                **db_field.get_limit_choices_to()
            )
        return None


@admin.register(DeputyGroup)
class DeputyGroupAdmin(ScopedAdmin):
    list_display = ("name", "congress", "region", "leader_name")
    list_filter = ("congress__level", "congress", "region")
    search_fields = ("name", "leader_name")
    list_select_related = ("congress", "region")
    staff_may_add = staff_may_change = True

    def scope(self, request, queryset):
        return queryset.filter(region__in=_regions(request))

    def scoped_choices(self, request, db_field):
        if db_field.name == "region":
            return _regions(request)
        return None


class MandateInline(admin.TabularInline):
    model = Deputy
    extra = 0
    fields = ("congress", "constituency", "group", "status", "start_date", "end_date")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("congress", "constituency", "group")
        if access.is_admin(request.user):
            return queryset
        return queryset.filter(pk__in=access.deputies_in_jurisdiction(request.user))


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    form = PersonAdminForm
    list_display = ("name", "gender", "registry_code", "user")
    list_filter = ("gender", "mandates__congress__level")
    search_fields = ("name", "registry_code", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    inlines = (MandateInline,)
    staff_may_add = staff_may_change = True

    readonly_fields = ("photo_preview",)

    def scope(self, request, queryset):
        return queryset.filter(pk__in=_persons_in_scope(request))

    def get_readonly_fields(self, request, obj=None):
        if _is_liaison_staff(request):
            return ("photo_preview", "user")  # linking login accounts is the administrators' job
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("当前照片"))
    def photo_preview(self, obj):
        if not obj.photo:
            return "—"
        return format_html('<img src="{}" width="90" height="120" alt="">', obj.photo.url)


@admin.register(Deputy)
class DeputyAdmin(ScopedAdmin):
    list_display = ("person", "congress", "constituency", "group", "work_unit", "status")
    list_filter = ("congress__level", "status", "congress", "constituency__region", "group")
    search_fields = ("person__name", "person__registry_code", "work_unit", "position")
    list_select_related = ("person", "congress", "constituency", "group")
    autocomplete_fields = ("person",)
    fieldsets = (
        (None, {"fields": ("person", "congress", "constituency", "group", "contact_point")}),
        (_("公开信息"), {"fields": ("work_unit", "position", "public_phone", "public_email", "fields")}),
        (_("任期"), {"fields": ("status", "start_date", "end_date", "end_reason")}),
        (_("不公开信息"), {"fields": ("private_phone", "staff_notes")}),
    )
    staff_may_add = staff_may_change = True
    actions = ("send_invitations", "resend_invitations")

    def scope(self, request, queryset):
        return queryset.filter(pk__in=access.deputies_in_jurisdiction(request.user))

    def _invite(self, request, queryset, *, resend: bool):
        try:
            result = invitations.invite_deputies(actor=request.user, deputies=list(queryset), resend=resend)
        except PermissionDenied:
            self.message_user(request, _("只能邀请本机构服务的代表。"), level=messages.ERROR)
            return
        self.message_user(request, result.summary(), level=messages.SUCCESS)

    @admin.action(description=_("邀请所选代表开通账户（跳过已邀请的）"))
    def send_invitations(self, request, queryset):
        self._invite(request, queryset, resend=False)

    @admin.action(description=_("重新发送邀请（原链接作废）"))
    def resend_invitations(self, request, queryset):
        self._invite(request, queryset, resend=True)

    def scoped_choices(self, request, db_field):
        regions = _regions(request)
        if db_field.name == "person":
            return _persons_in_scope(request)
        if db_field.name in ("constituency", "group", "contact_point"):
            return db_field.related_model._default_manager.filter(region__in=regions)
        if db_field.name == "congress":
            # A street committee serves district deputies; a town office also its town's congress.
            return Congress.objects.filter(Q(level=Level.DISTRICT) | Q(region__in=regions))
        return None


class FixedContactsInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ("person", "title")
    show_change_link = True
    raw_id_fields = ("person",)


@admin.register(Committee)
class CommitteeAdmin(ScopedAdmin):
    list_display = ("name", "kind", "congress", "fields")
    list_filter = ("kind", "congress")
    search_fields = ("name", "fields")
    list_select_related = ("congress",)
    filter_horizontal = ("deputies",)
    inlines = (FixedContactsInline,)
    staff_may_view = False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "deputies":
            # Each choice is labelled with the deputy's name and level (Deputy.__str__).
            kwargs["queryset"] = Deputy.objects.select_related("person", "congress")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ScopedAdmin):
    """Standing Committee members and their 3–5 fixed-contact district deputies (R-REG-5)."""

    form = CommitteeMemberAdminForm
    list_display = ("person", "committee", "title")
    list_filter = ("committee__kind", "committee")
    search_fields = ("person__name", "fixed_contacts__person__name")
    list_select_related = ("person", "committee")
    autocomplete_fields = ("person",)
    filter_horizontal = ("fixed_contacts",)
    staff_may_view = False

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "fixed_contacts":
            kwargs["queryset"] = Deputy.objects.district().serving().select_related("person", "congress")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The fixed contacts are written by the service that owns the 3–5 rule.
        deputies = form.cleaned_data.pop("fixed_contacts", None)
        super().save_related(request, form, formsets, change)
        if deputies is not None:
            services.set_fixed_contacts(member=form.instance, deputies=deputies)


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    form = OrganizationAdminForm
    list_display = ("name", "kind", "region", "phone", "email")
    list_filter = ("kind", "region")
    search_fields = ("name", "address", "phone", "email")
    list_select_related = ("region",)
    staff_may_change = True
    actions = ("send_invitations",)

    def scope(self, request, queryset):
        return queryset.filter(pk__in=access.organizations_manageable(request.user))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not access.is_admin(request.user):
            actions.pop("send_invitations", None)
        return actions

    @admin.action(description=_("邀请所选机构开通工作人员账户"))
    def send_invitations(self, request, queryset):
        result = invitations.invite_organizations(actor=request.user, organizations=list(queryset))
        self.message_user(request, result.summary(), level=messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        if _is_liaison_staff(request):
            return ("name", "kind", "region")  # staff keep their public contact details up to date
        return super().get_readonly_fields(request, obj)


class LoadedDeputyRawIdWidget(ForeignKeyRawIdWidget):
    """The raw-id box of a duty's deputy, labelled from the deputy its row already holds.

    Django's widget fetches the object again to label it: a query per row on a venue with many
    duties. The inline loads each duty with its deputy (``select_related``) and its form hands that
    deputy to the widget; any other value (a changed id in a form shown again) is looked up as usual.
    """

    deputy = None

    def label_and_url_for_value(self, value):
        deputy = self.deputy
        if deputy is None or str(deputy.pk) != str(value):
            return super().label_and_url_for_value(value)
        url = reverse(f"{self.admin_site.name}:deputies_deputy_change", args=[deputy.pk])
        return Truncator(deputy).words(14), url


class ReceptionDutyInlineForm(forms.ModelForm):
    """A duty row of the venue page: hands the duty's loaded deputy to the id box's label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["deputy"].widget
        if isinstance(widget, LoadedDeputyRawIdWidget) and self.instance.deputy_id:
            widget.deputy = self.instance.deputy


class ReceptionDutyInline(admin.TabularInline):
    model = ReceptionDuty
    form = ReceptionDutyInlineForm
    extra = 1
    fields = ("date", "start_time", "end_time", "deputy")
    raw_id_fields = ("deputy",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("deputy__person", "deputy__congress")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "deputy":
            kwargs["widget"] = LoadedDeputyRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ContactPoint)
class ContactPointAdmin(ScopedAdmin):
    list_display = ("name", "kind", "region", "organization", "address", "opening_hours")
    list_filter = ("kind", "region__parent", "region")
    search_fields = ("name", "address")
    list_select_related = ("region", "organization")
    inlines = (ReceptionDutyInline,)
    staff_may_add = staff_may_change = True

    def scope(self, request, queryset):
        return queryset.filter(region__in=_regions(request))

    def scoped_choices(self, request, db_field):
        if db_field.name == "region":
            return _regions(request)
        if db_field.name == "organization":
            return access.organizations_manageable(request.user)
        return None

    def get_inlines(self, request, obj):
        # Staff record duties on their own page, where the deputy choice is limited to their area.
        return () if _is_liaison_staff(request) else self.inlines


@admin.register(ReceptionDuty)
class ReceptionDutyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Duties keep no history table of their own; Django's admin log records who changed them."""

    list_display = ("date", "start_time", "end_time", "contact_point", "deputy")
    list_filter = ("contact_point__region", "contact_point")
    search_fields = ("deputy__person__name", "contact_point__name")
    list_select_related = ("contact_point", "deputy__person", "deputy__congress")
    date_hierarchy = "date"
    staff_may_add = staff_may_change = True

    def scope(self, request, queryset):
        return queryset.filter(contact_point__region__in=_regions(request))

    def scoped_choices(self, request, db_field):
        if db_field.name == "contact_point":
            return ContactPoint.objects.filter(region__in=_regions(request))
        if db_field.name == "deputy":
            return access.deputies_in_jurisdiction(request.user).select_related("person", "congress")
        return None


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """The record of invitations (administrators): who was invited, sent, failed, activated."""

    list_display = ("__str__", "role", "state", "created_at", "sent_at", "failure", "accepted_at")
    list_filter = ("role", "accepted_at", "failed_at")
    search_fields = ("person__name", "organization__name")
    list_select_related = ("person", "organization")
    exclude = ("key",)
    readonly_fields = [f.name for f in Invitation._meta.fields if f.name != "key"]

    def has_module_permission(self, request):
        return access.is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return access.is_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("状态"))
    def state(self, obj):
        return invitations.State.LABELS[invitations.state_of(obj)]
