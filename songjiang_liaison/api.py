"""Shared building blocks for the REST API v1: pagination, permission classes, base viewsets.

Every app's `api.py` may reuse these so that all list endpoints page the same way
(`count`, `next`, `previous`, `results`; `?page=` and `?page_size=`) and refuse the same way.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.pagination import PageNumberPagination

from deputies import permissions as access


class StandardPagination(PageNumberPagination):
    """`?page=N`, and `?page_size=N` up to 200 (default 50)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class IsPortalAdmin(permissions.BasePermission):
    """Administrators (role admin or superuser) only."""

    def has_permission(self, request, view):
        return access.is_admin(request.user)


class IsLiaisonStaffOrAdmin(permissions.BasePermission):
    """Staff of a liaison body, or an administrator."""

    def has_permission(self, request, view):
        return access.is_staff(request.user)


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """A public, read-only resource: anyone may list and retrieve it.

    Query parameters (filters, search, ordering) narrow lists only; a detail URL names one object
    and is not filtered away by them. What a user may see at all is decided by `get_queryset`.
    """

    permission_classes = [permissions.AllowAny]
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend, SearchFilter]

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)
