"""Shared building blocks for the REST API v1: pagination, permission classes, base viewsets, and the
one exception handler that turns a service's refusal into a status code (400, 403, 409).

Every app's `api.py` may reuse these so that all list endpoints page the same way
(`count`, `next`, `previous`, `results`; `?page=` and `?page_size=`) and refuse the same way.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, serializers, status, views, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from deputies import permissions as access

from . import errors


class StandardPagination(PageNumberPagination):
    """`?page=N`, and `?page_size=N` up to 200 (default 50; more is served as 200).

    Strict, as the schema says (issue 12): a `page_size` that is not a whole number of at least 1 is a
    400 naming it (DRF would silently use the default), an empty or wordy `page` a 404 like any page
    that does not exist (DRF would serve the first), either of them given twice a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _single(self, request, name):
        """The one value of `name`; a parameter given twice (`?page=1&page=2`) is a 400 naming it."""
        values = request.query_params.getlist(name)
        if len(values) > 1:
            raise ValidationError({name: [_("该参数只能给出一次。")]})
        return values[0] if values else None

    def get_page_size(self, request):
        raw = self._single(request, self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = serializers.IntegerField(min_value=1).run_validation(raw)
        except ValidationError as exc:
            raise ValidationError({self.page_size_query_param: exc.detail}) from exc
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        number = self._single(request, self.page_query_param)
        if number is None:
            return 1
        if number in self.last_page_strings:
            return paginator.num_pages
        return number  # Django's paginator refuses anything but a whole number ≥ 1: 404

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters


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


def field_errors(exc: DjangoValidationError) -> dict:
    """A django ValidationError as an API body: messages by field, or under `non_field_errors`."""
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: a service's refusal as a status code, for every API view.

    django `ValidationError` → 400 with the messages by field (409 `{"detail"}` when its code is
    "conflict"); `errors.NotAllowed` → 403 and
    `errors.Conflict` → 409, with `{"detail": message}` and the error's `extra`. A view may add to a
    conflict's body (e.g. the state the object is in now) with a `describe_conflict(exc)` method.
    Everything else is DRF's own handling (its exceptions, `Http404`, django's `PermissionDenied`)."""
    if isinstance(exc, DjangoValidationError) and getattr(exc, "code", None) == "conflict":
        # A lost race told as a validation error (e.g. an activity changed since the caller's version).
        response = Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, DjangoValidationError):
        response = Response(field_errors(exc), status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, errors.NotAllowed | errors.Conflict):
        body = {"detail": str(exc.message), **exc.extra}
        code = status.HTTP_403_FORBIDDEN
        if isinstance(exc, errors.Conflict):
            code = status.HTTP_409_CONFLICT
            describe = getattr(context.get("view"), "describe_conflict", None)
            if describe is not None:
                body.update(describe(exc))
        response = Response(body, status=code)
    else:
        return views.exception_handler(exc, context)
    views.set_rollback()
    return response
