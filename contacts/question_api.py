"""API v1 of voters' views and questions on a deputy's work (§二(五)); the rules are those of the pages
(`contacts.question_services`, `deputies.permissions`).

- `GET /voter-reports/{id}/questions/`: the report's views and questions (everything, submitter
  included, for the report's deputy and the liaison body in jurisdiction; the report itself answers 404
  to anyone else). `POST` records one raised at the meeting (`kind`, `content`, `submitter_name`).
- `GET /voter-questions/[{id}/]`: those the caller moderates or is asked; `POST /voter-questions/{id}/
  approve|reject|answer/` (`reason`, `answer`). Outside the caller's reach: 404; two moderators at
  once: the second gets 409.
- `GET /public/voter-questions/?deputy=&report=`: approved ones with the answers, anonymous, never the
  submitter's name or phone.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from deputies import permissions as access
from songjiang_liaison.api import StandardPagination

from . import question_services, selectors
from .models import VoterQuestion, VoterQuestionKind, VoterReport


class VoterQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoterQuestion
        fields = [
            "id",
            "deputy",
            "report",
            "kind",
            "channel",
            "content",
            "submitter_name",
            "submitter_phone",
            "state",
            "rejection_reason",
            "answer",
            "answered_at",
            "created_at",
        ]
        read_only_fields = fields


class PublicVoterQuestionSerializer(serializers.ModelSerializer):
    """What anyone may see: never who sent it."""

    class Meta:
        model = VoterQuestion
        fields = ["id", "deputy", "report", "kind", "channel", "content", "answer", "created_at"]
        read_only_fields = fields


class MeetingQuestionInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=VoterQuestionKind.choices, default=VoterQuestionKind.QUESTION)
    content = serializers.CharField(max_length=question_services.MAX_CONTENT)
    submitter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class QuestionActionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    answer = serializers.CharField(max_length=question_services.MAX_ANSWER, required=False, allow_blank=True)


def report_questions(request, pk):
    """`GET/POST /voter-reports/{id}/questions/` (mounted by VoterReportViewSet.questions)."""
    reports = VoterReport.objects.filter(deputy__in=access.deputies_in_jurisdiction(request.user))
    report = get_object_or_404(reports.select_related("deputy__person"), pk=pk)
    if request.method == "GET":
        questions = selectors.voter_questions_visible_to(request.user).filter(report=report).order_by("id")
        return Response(VoterQuestionSerializer(questions, many=True).data)
    if not (access.is_staff(request.user) or access.is_deputy(request.user)):
        raise NotFound  # a JSON body, as every 404 of the API (an empty body was found by make fuzz)
    data = MeetingQuestionInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    question = question_services.record_at_meeting(actor=request.user, report=report, **data.validated_data)
    return Response(VoterQuestionSerializer(question).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="选民对代表履职的意见和询问（审核、答复）", tags=["activities"]),
    retrieve=extend_schema(summary="选民意见和询问详情", tags=["activities"]),
)
class VoterQuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StandardPagination
    serializer_class = VoterQuestionSerializer
    filterset_fields = ["deputy", "report", "state", "kind"]

    def get_queryset(self):
        return selectors.voter_questions_visible_to(self.request.user).order_by("-created_at", "-id")

    def _act(self, queryset, call):
        question = get_object_or_404(queryset.select_related("deputy__person"), pk=self.kwargs["pk"])
        data = QuestionActionSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        question = call(question, data.validated_data)
        return Response(VoterQuestionSerializer(VoterQuestion.objects.get(pk=question.pk)).data)

    @extend_schema(
        summary="审核公开", request=None, responses={200: VoterQuestionSerializer, 409: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(
            selectors.voter_questions_to_moderate(request.user),
            lambda q, _data: question_services.approve(actor=request.user, question=q),
        )

    @extend_schema(
        summary="不予公开（须说明原因）",
        request=QuestionActionSerializer,
        responses={200: VoterQuestionSerializer, 409: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._act(
            selectors.voter_questions_to_moderate(request.user),
            lambda q, data: question_services.reject(actor=request.user, question=q, reason=data["reason"]),
        )

    @extend_schema(summary="代表答复", request=QuestionActionSerializer, responses=VoterQuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._act(
            selectors.voter_questions_to_answer(request.user),
            lambda q, data: question_services.answer(
                actor=request.user, question=q, text=data.get("answer", "")
            ),
        )


@extend_schema_view(list=extend_schema(summary="公开的选民意见、询问和代表答复", tags=["public"]))
class PublicVoterQuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.AllowAny]
    pagination_class = StandardPagination
    serializer_class = PublicVoterQuestionSerializer
    filterset_fields = ["deputy", "report", "kind"]

    def get_queryset(self):
        return selectors.public_voter_questions().order_by("-created_at", "-id")


def register(router):
    router.register("voter-questions", VoterQuestionViewSet, basename="voter-question")
    router.register("public/voter-questions", PublicVoterQuestionViewSet, basename="public-voter-question")
