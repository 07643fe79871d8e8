"""API v1 of motions and suggestions (design.md contract):

- `POST /suggestions/` (a deputy): `kind`, `title`, `content`, `session`, `co_signers` (deputy ids),
  `source_opinions` (opinion ids), `attachments` (files), `confidential` → 201 `id`, `state`,
  `allowed_actions`; `PATCH /suggestions/{id}/` changes a draft (the proposer);
- `GET /suggestions/`, `GET /suggestions/{id}/`: what the caller may see (`permissions.visible_to`;
  anonymous callers: the published ones);
- `POST /suggestions/{id}/{action}/` with `submit`, `confirm`, `assign`, `consult`, `co_report`,
  `reply`, `rate`, `extend`, `mark_key`: 403 refused, 404 not visible, 409 wrong state, 400 bad data;
- `GET /public/suggestions/`, `GET /public/suggestions/{id}/`: published ones, for everyone.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from songjiang_liaison import parsers as api_parsers
from songjiang_liaison.api import StandardPagination

from ..filters import SuggestionFilter
from ..renderers import RENDERERS
from . import permissions as p
from . import selectors, serializers, services, workflow

ACTION_PATTERN = "|".join(workflow.ACTIONS)
LIST_FIELDS = ("co_units", "co_signers", "source_opinions", "attachments")


def _data(request) -> dict:
    """The request's data as a plain dict, list fields as lists (JSON or multipart)."""
    if hasattr(request.data, "getlist"):
        data = {key: request.data.get(key) for key in request.data}
        for name in LIST_FIELDS:
            if name in request.data:
                data[name] = [v for v in request.data.getlist(name) if v != ""]
        return data
    return dict(request.data or {})


def _shape_errors(request) -> dict | None:
    """The fields of a draft that are not even of their type (a list for a title, a word for an id):
    a 400 before the services read them. The services check the rest (required, lengths, choices)."""
    shape = serializers.DraftSerializer(data=request.data, partial=True)
    if shape.is_valid():
        return None
    kind = request.data.get("kind")
    errors = {k: v for k, v in shape.errors.items() if not (k == "kind" and isinstance(kind, str))}
    return errors or None


def _renderers():
    return RENDERERS


class SuggestionPermission(permissions.BasePermission):
    message = gettext_lazy("只有在任代表可以提出议案、建议。")

    def has_permission(self, request, view):
        if view.action in ("list", "retrieve"):
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        if view.action == "create":
            return p.may_draft(request.user)
        return True


@extend_schema_view(
    list=extend_schema(summary="代表议案、建议（本人可见的）", tags=["suggestions"]),
    retrieve=extend_schema(summary="代表议案、建议详情（含可执行操作）", tags=["suggestions"]),
)
class SuggestionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [SuggestionPermission]
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = SuggestionFilter
    serializer_class = serializers.SuggestionSerializer
    parser_classes = api_parsers.DEFAULT

    def get_renderers(self):
        return [renderer() for renderer in _renderers()]

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return selectors.public_suggestions()
        return selectors.suggestions_for(self.request.user)

    def get_serializer_class(self):
        # The public reads the public view only: no co-signers, sources, attachments or consultations.
        if not self.request.user.is_authenticated:
            return serializers.PublicSuggestionSerializer
        return serializers.SuggestionSerializer

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "now": timezone.now(),
            "with_actions": self.action != "list",
        }

    def get_object(self):
        suggestion = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if suggestion is None:
            raise NotFound
        return suggestion

    def _detail(self, suggestion, code=status.HTTP_200_OK):
        suggestion = selectors.suggestion_for(self.request.user, suggestion.pk)
        return Response(
            serializers.SuggestionSerializer(suggestion, context=self.get_serializer_context()).data,
            status=code,
        )

    @extend_schema(
        summary="起草议案、建议（代表）",
        tags=["suggestions"],
        request=serializers.DraftSerializer,
        responses={201: serializers.SuggestionSerializer, 400: OpenApiResponse(description="字段错误")},
    )
    def create(self, request, *args, **kwargs):
        if errors := _shape_errors(request):
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        data = _data(request)
        suggestion = services.create_draft(
            user=request.user,
            kind=data.get("kind") or "",
            title=data.get("title") or "",
            content=data.get("content") or "",
            session=data.get("session"),
            co_signers=data.get("co_signers") or [],
            source_opinions=data.get("source_opinions") or [],
            attachments=request.FILES.getlist("attachments") if request.FILES else [],
            confidential=workflow._bool(data.get("confidential")),
            deputy=data.get("deputy"),
        )
        return self._detail(suggestion, status.HTTP_201_CREATED)

    @extend_schema(
        summary="修改草稿（提出代表）",
        tags=["suggestions"],
        request=serializers.DraftSerializer,
        responses={
            200: serializers.SuggestionSerializer,
            409: OpenApiResponse(description="已提交，不能再修改"),
        },
    )
    def partial_update(self, request, pk=None):
        suggestion = self.get_object()
        if errors := _shape_errors(request):
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        data = _data(request)
        changes = {k: v for k, v in data.items() if k in serializers.DraftSerializer().fields}
        if "confidential" in changes:
            changes["confidential"] = workflow._bool(changes["confidential"])
        changes["attachments"] = request.FILES.getlist("attachments") if request.FILES else []
        suggestion = services.update_draft(suggestion=suggestion, user=request.user, **changes)
        return self._detail(suggestion)

    @extend_schema(
        operation_id="suggestions_act",
        summary="执行办理操作",
        tags=["suggestions"],
        description="`action`: " + ", ".join(workflow.ACTIONS),
        request=OpenApiTypes.OBJECT,
        responses={
            200: serializers.SuggestionSerializer,
            400: OpenApiResponse(description="数据不正确"),
            403: OpenApiResponse(description="无权执行"),
            404: OpenApiResponse(description="无权查看"),
            409: OpenApiResponse(description="状态不符或已被他人处理"),
        },
    )
    @action(detail=True, methods=["post"], url_path=f"(?P<workflow_action>{ACTION_PATTERN})")
    def act(self, request, pk=None, workflow_action=None):
        suggestion = self.get_object()
        data = _data(request)
        if request.FILES.get("document"):
            data["document"] = request.FILES["document"]
        expected = data.pop("expected_state", None) or None
        suggestion = workflow.apply_action(
            suggestion=suggestion,
            action=workflow_action,
            actor=request.user,
            data=data,
            expected_state=expected,
        )
        return self._detail(suggestion)

    def describe_conflict(self, exc) -> dict:
        """A lost race on an action (409) tells the state now (None when the caller no longer sees it);
        a draft that can no longer be changed, the message alone."""
        if self.action != "act":
            return {}
        current = selectors.suggestion_for(self.request.user, self.kwargs["pk"])
        return {"state": current.state if current else None}


@extend_schema_view(
    list=extend_schema(summary="公开的代表议案、建议及办理结果", tags=["suggestions"]),
    retrieve=extend_schema(summary="公开的代表议案、建议", tags=["suggestions"]),
)
class PublicSuggestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Published suggestions: state, lead unit, due date, reply and whether it came on time.
    Filters: `q`, `kind`, `state`, `year`, `unit`, `deputy`."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = SuggestionFilter
    serializer_class = serializers.PublicSuggestionSerializer

    def get_renderers(self):
        return [renderer() for renderer in _renderers()]

    def get_queryset(self):
        return selectors.public_suggestions()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}


def register(router):
    router.register("suggestions", SuggestionViewSet, basename="suggestion")
    router.register("public/suggestions", PublicSuggestionViewSet, basename="public-suggestion")
