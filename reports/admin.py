from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy

from .models import Article, ComplianceSnapshot, Export, WorkFund


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "year", "format", "requested_by", "state", "progress", "rows", "created_at"]
    list_filter = ["state", "format", "year"]
    list_select_related = ["requested_by"]
    # The file is private (no URL): its stored name only; its owner downloads it from the export page.
    exclude = ["file"]
    readonly_fields = [f.name for f in Export._meta.fields if f.name != "file"] + ["file_name"]

    @admin.display(description=_("文件"))
    def file_name(self, obj):
        return obj.file.name or "—"

    def has_add_permission(self, request):
        return False


@admin.register(ComplianceSnapshot)
class ComplianceSnapshotAdmin(admin.ModelAdmin):
    """Snapshots are the report as submitted: read-only."""

    list_display = ["year", "created_at", "created_by"]
    list_select_related = ["created_by"]
    readonly_fields = ["year", "closed_year", "rows", "total", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkFund)
class WorkFundAdmin(admin.ModelAdmin):
    list_display = ["organization", "year", "planned", "updated_at"]
    list_filter = ["year"]
    list_select_related = ["organization"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "organization", "published_at"]
    list_filter = ["status"]
    list_select_related = ["organization"]
    filter_horizontal = ["deputies"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "deputies":
            # Each choice is labelled with the deputy's name and level (Deputy.__str__).
            kwargs["queryset"] = Deputy.objects.select_related("person", "congress")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
