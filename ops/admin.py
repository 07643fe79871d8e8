from django.contrib import admin

from ops.models import DeliveryClaim, OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    list_display = ("pk", "task_name", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "task_name")
    readonly_fields = ("task_name", "args", "created_at", "sent_at", "attempts", "last_error")


@admin.register(DeliveryClaim)
class DeliveryClaimAdmin(admin.ModelAdmin):
    list_display = ("key", "claimed_at", "sent_at")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    search_fields = ("key",)
    readonly_fields = ("key", "claimed_at", "sent_at")
