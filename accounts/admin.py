from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import AdminLoginForm
from .models import Notification, NotificationPreference, User

# The admin's login page keeps the same failed-login limit as the portal's (accounts.throttling).
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "organization", "is_active")
    list_filter = ("role", "organization__kind", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    list_select_related = ("organization",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("平台角色"), {"fields": ("role", "organization", "display_name", "phone", "language")}),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "sms_sent_at", "sms_failure")
    list_filter = ("kind", ("sms_failed_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "recipient__username")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email", "sms")
    list_filter = ("kind", "in_app", "email", "sms")
    search_fields = ("user__username", "user__display_name")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
