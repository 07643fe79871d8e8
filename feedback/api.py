"""API v1 of the opinions (R-OP-1…5), following the contract in design.md.

- `POST /opinions/` (anonymous allowed, rate-limited per client address) → 201 `tracking_code`, `state`;
  signed in, only those who may record opinions (deputies, liaison staff, administrators; others 403);
- `GET /opinions/`, `GET /opinions/{id}/` for those who may see them (another's → 404);
- `GET /opinions/actions/`: the workflow table (sources, targets, data each action takes);
- `POST /opinions/{id}/{action}/` → 403 refused / 404 invisible / 409 lost race / 400 invalid data;
- `GET /opinions/track/{code}/` and `POST /opinions/track/{code}/rate/` for the citizen;
- suggestions: `feedback/suggestions/api.py`.

Responses escape `<`, `>` and `&` inside JSON strings (`feedback.renderers`).
"""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies import permissions as access
from songjiang_liaison import errors
from songjiang_liaison.api import StandardPagination

from . import abuse, archive, intake, races, selectors, serializers, services, workflow
from .filters import OpinionFilter
from .models import Channel
from .renderers import RENDERERS

ACTION_PATTERN = "|".join(workflow.STAFF_ACTIONS)
TRACK_RATE = "60/minute"
LOST_RACE = gettext_lazy("其他人刚刚处理了这条意见，请刷新后再试。")


def _rate_limited(exc: abuse.RateLimited) -> Response:
    response = Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    response["Retry-After"] = str(exc.retry_after)
    return response


class OpinionPermission(permissions.BasePermission):
    """The public submits without signing in; a signed-in user submits only if they may record
    opinions, as on the website's record form (`access.may_record_opinions`). Only logged-in users read the
    queues (what each sees: selectors)."""

    message = gettext_lazy("只有人大代表、联络机构工作人员和管理员可以登记意见。")

    def has_permission(self, request, view):
        signed_in = bool(request.user and request.user.is_authenticated)
        if view.action == "create":
            return not signed_in or access.may_record_opinions(request.user)
        return signed_in


@extend_schema_view(
    list=extend_schema(summary="社情民意工作队列", tags=["opinions"]),
    retrieve=extend_schema(summary="社情民意详情（含可执行操作和办理记录）", tags=["opinions"]),
)
class OpinionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [OpinionPermission]
    pagination_class = StandardPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = OpinionFilter
    renderer_classes = RENDERERS
    serializer_class = serializers.OpinionListSerializer

    def get_queryset(self):
        return selectors.with_list_related(selectors.opinions_visible_to(self.request.user))

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OpinionDetailSerializer
        if self.action == "create":
            return serializers.OpinionSubmitSerializer
        return serializers.OpinionListSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        summary="提交社情民意（无需登录）",
        tags=["opinions"],
        request=serializers.OpinionSubmitSerializer,
        responses={
            201: serializers.OpinionCreatedSerializer,
            400: OpenApiResponse(description="字段错误"),
            403: OpenApiResponse(description="已登录但无权登记意见"),
            429: OpenApiResponse(description="提交过于频繁"),
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = serializers.OpinionSubmitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        fields = ("content", "region", "deputy", "organization", "category", "consent")
        contact = ("submitter_name", "submitter_phone", "submitter_address")
        submission = {name: data.get(name) for name in (*fields, *contact)}
        # The app's users (deputies, staff) name the channel they took it in by (reception day,
        # letter, mailbox …); the public writes through the website (`intake.take_in`).
        submission["channel"] = data.get("channel") or Channel.APP
        try:
            opinion = intake.take_in(
                sender=intake.Sender.of(request),
                submission=submission,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                confidential=data["confidential"],
                publish=data["publish"],
                photos=data["photos"],
                activity=data.get("activity"),
                honeypot=data["website"],
            )
        except abuse.RateLimited as exc:
            return _rate_limited(exc)
        return Response(serializers.OpinionCreatedSerializer(opinion).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="办理操作一览（状态、权限说明和所需数据）",
        tags=["opinions"],
        responses=serializers.WorkflowActionSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="actions", pagination_class=None)
    def workflow_table(self, request):
        """The workflow table, so a client builds its forms from it: for each action its source
        states, targets and the data it takes."""
        return Response(
            [
                {
                    "action": t.action,
                    "label": str(t.label),
                    "sources": list(t.sources),
                    "targets": list(t.possible_targets),
                    "fields": [
                        {
                            "name": f.name,
                            "label": str(f.label),
                            "kind": f.kind,
                            "required": f.required,
                            "choices": [{"value": v, "label": label} for v, label in f.choices],
                        }
                        for f in t.fields
                    ],
                }
                for t in workflow.TRANSITIONS.values()
            ]
        )

    def get_object(self):
        opinion = selectors.opinion_for(self.request.user, self.kwargs["pk"])
        if opinion is None:
            raise NotFound
        return opinion

    @extend_schema(
        operation_id="opinions_act",
        summary="执行办理操作",
        tags=["opinions"],
        description="`action`: " + ", ".join(workflow.STAFF_ACTIONS) + "。数据字段见 `workflow.fields_for`。",
        request=OpenApiTypes.OBJECT,
        responses={
            200: serializers.OpinionDetailSerializer,
            400: OpenApiResponse(description="数据不正确"),
            403: OpenApiResponse(description="无权执行"),
            404: OpenApiResponse(description="无权查看"),
            409: OpenApiResponse(description="状态已变化（他人已处理）"),
        },
    )
    @action(detail=True, methods=["post"], url_path=f"(?P<workflow_action>{ACTION_PATTERN})")
    def act(self, request, pk=None, workflow_action=None):
        opinion = self.get_object()
        data = request.data.dict() if hasattr(request.data, "dict") else dict(request.data or {})
        if hasattr(request.data, "getlist") and "units" in request.data:
            data["units"] = request.data.getlist("units")
        expected = data.pop("expected_state", None) or None
        try:
            opinion = workflow.apply_action(
                opinion=opinion,
                action=workflow_action,
                actor=request.user,
                data=data,
                expected_state=expected,
            )
        except workflow.ActionNotAllowed as exc:
            if races.lost_race(request.user, opinion, workflow_action):
                raise workflow.ActionConflict(LOST_RACE) from exc
            raise
        opinion = selectors.opinion_for(request.user, opinion.pk)
        return Response(
            serializers.OpinionDetailSerializer(opinion, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="公开审核：审核通过公开发布，或不予公开（附理由）",
        tags=["opinions"],
        request=serializers.PublicationDecisionSerializer,
        responses={
            200: serializers.PublicationSerializer,
            400: OpenApiResponse(description="数据不正确（如公开文字含有提交人的联系方式）"),
            403: OpenApiResponse(description="无权审核"),
            404: OpenApiResponse(description="无权查看"),
        },
    )
    @action(detail=True, methods=["post"], url_path="publication")
    def publication(self, request, pk=None):
        opinion = self.get_object()
        if not archive.may_review(request.user, opinion):
            raise errors.NotAllowed(gettext_lazy("您无权审核该意见的公开。"))
        incoming = serializers.PublicationDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["decision"] == "approve":
            opinion = archive.approve(
                opinion=opinion,
                user=request.user,
                public_content=data["public_content"],
                public_answer=data["public_answer"],
            )
        else:
            opinion = archive.withhold(opinion=opinion, user=request.user, reason=data["withheld_reason"])
        return Response(serializers.PublicationSerializer(opinion).data)

    def describe_conflict(self, exc) -> dict:
        """A 409 tells the opinion's state now when the caller can still see it (the winner may have
        sent it where the caller cannot follow: then the message alone)."""
        current = selectors.opinion_for(self.request.user, self.kwargs["pk"])
        return {"state": current.state} if current is not None else {}


def _tracked(code: str):
    opinion = selectors.opinion_for_tracking(code)
    if opinion is None:
        raise NotFound
    return opinion


class TrackView(APIView):
    """The citizen's view of one opinion by its tracking code: state in plain words, the public
    timeline and the final reply. Never the submitter's details nor internal notes."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = RENDERERS

    @extend_schema(
        summary="按查询码查询办理情况", tags=["opinions"], responses=serializers.PublicOpinionSerializer
    )
    def get(self, request, code):
        try:
            abuse.check_rate_limit(abuse.client_ip(request), scope="track", rate=TRACK_RATE)
        except abuse.RateLimited as exc:
            return _rate_limited(exc)
        return Response(serializers.PublicOpinionSerializer(_tracked(code)).data)


class RateView(APIView):
    """The citizen rates the outcome once it is fed back; "dissatisfied" sends it back to the
    liaison body's queue."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    renderer_classes = RENDERERS

    @extend_schema(
        summary="群众评价办理结果",
        tags=["opinions"],
        request=serializers.RatingSerializer,
        responses={
            200: serializers.PublicOpinionSerializer,
            409: OpenApiResponse(description="当前不能评价"),
        },
    )
    def post(self, request, code):
        try:
            abuse.check_rate_limit(abuse.client_ip(request), scope="rating")
        except abuse.RateLimited as exc:
            return _rate_limited(exc)
        opinion = _tracked(code)
        incoming = serializers.RatingSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            opinion = services.rate_opinion(
                opinion=opinion,
                rating=incoming.validated_data["rating"],
                comment=incoming.validated_data["comment"],
            )
        except workflow.ActionNotAllowed as exc:  # not (or no longer) open to rating: a conflict
            raise workflow.ActionConflict(exc.message) from exc
        return Response(serializers.PublicOpinionSerializer(opinion).data)


urlpatterns = [
    path("opinions/track/<str:code>/", TrackView.as_view(), name="opinion-track"),
    path("opinions/track/<str:code>/rate/", RateView.as_view(), name="opinion-track-rate"),
]


def register(router):
    """Add this app's viewsets to the v1 router."""
    from .suggestions import api as suggestions_api

    router.register("opinions", OpinionViewSet, basename="opinion")
    suggestions_api.register(router)
