"""`GET /api/v1/notifications/`: the caller's inbox, newest first, with the unread count.

`POST /api/v1/notifications/{id}/read/` marks one as read, `POST /api/v1/notifications/read-all/`
all of them. Only the caller's own notifications exist here: another user's id is a 404.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Notification, kind_label
from songjiang_liaison.api import StandardPagination


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "created_at", "read", "read_at"]
        read_only_fields = fields

    def get_kind_display(self, obj) -> str:
        return kind_label(obj.kind)

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class InboxPagination(StandardPagination):
    """The inbox: 20 a page, strict like every list (songjiang_liaison.api.StandardPagination)."""

    page_size = 20

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["unread_count"] = self.unread_count
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["unread_count"] = {"type": "integer", "example": 3}
        return schema


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's in-app notifications (reminders, workflow messages)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = InboxPagination
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Notification.objects.none()
        return Notification.objects.for_user(self.request.user).inbox()

    def paginate_queryset(self, queryset):
        self.paginator.unread_count = queryset.unread().count()
        return super().paginate_queryset(queryset)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None, responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}}
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = self.get_queryset().unread().update(read_at=timezone.now())
        return Response({"marked": marked})


def register(router):
    router.register("notifications", NotificationViewSet, basename="notification")
