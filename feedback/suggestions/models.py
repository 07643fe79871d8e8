"""Motions and suggestions (代表议案、建议) and what their handling leaves on record (§四(三)).

Only `feedback.suggestions.workflow` writes `Suggestion.state` once a suggestion exists.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songjiang_liaison.prefetch import GroupedPrefetchQuerySet

from ..days import on_time


class SuggestionKind(models.TextChoices):
    """§四(一)3: how a deputy raises a matter."""

    MOTION = "motion", _("议案")
    SUGGESTION = "suggestion", _("建议、批评和意见")
    REVIEW = "review", _("审议意见")


class SuggestionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提出")
    ASSIGNED = "assigned", _("办理中")
    IN_PROGRESS = "in_progress", _("正在解决")
    ANSWERED = "answered", _("已答复")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")


# States in which a handling unit owes an answer.
HANDLING_STATES = (SuggestionState.ASSIGNED, SuggestionState.IN_PROGRESS, SuggestionState.REHANDLING)
# States the public may see (never a draft).
PUBLISHED_STATES = tuple(s for s in SuggestionState.values if s != SuggestionState.DRAFT)


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办单位")
    CO = "co", _("协办单位")


class ConsultMethod(models.TextChoices):
    """§四(三): how the handling unit consulted the deputy."""

    MEETING = "meeting", _("当面沟通")
    PHONE = "phone", _("电话沟通")
    VISIT = "visit", _("走访代表")
    FORUM = "forum", _("座谈会")
    LETTER = "letter", _("书面征询")


class ReplyCategory(models.TextChoices):
    """§四(三): the category of a handling unit's reply."""

    SOLVED = "solved", _("已解决或采纳")
    IN_PROGRESS = "in_progress", _("正在解决")
    REFERENCE = "reference", _("留作参考")


class SuggestionRating(models.TextChoices):
    """The proposing deputy's view of the answer."""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basically_satisfied", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class SuggestionQuerySet(GroupedPrefetchQuerySet):
    def published(self):
        """What the public sees: submitted (never drafts) and not confidential."""
        return self.filter(is_public=True, state__in=PUBLISHED_STATES)

    def handling(self):
        return self.filter(state__in=HANDLING_STATES)


class Suggestion(models.Model):
    """A motion, suggestion or review opinion raised by a deputy, answered within the statutory
    period: 3 months from assignment, 6 for difficult ones (§四(三), R-OP-5)."""

    kind = models.CharField(_("类型"), max_length=20, choices=SuggestionKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("提出代表"), on_delete=models.PROTECT, related_name="suggestions"
    )
    congress = models.ForeignKey(
        "deputies.Congress",
        verbose_name=_("人民代表大会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    session = models.PositiveSmallIntegerField(_("会议次数"), null=True, blank=True)
    # The opinion a district-level routing started it from (kept for the opinions routed before
    # drafting existed); `source_opinions` holds every opinion it grew from.
    opinion = models.ForeignKey(
        "feedback.Opinion",
        verbose_name=_("来源社情民意"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    source_opinions = models.ManyToManyField(
        "feedback.Opinion", verbose_name=_("来源社情民意"), blank=True, related_name="source_of_suggestions"
    )
    # The office that registers and assigns it: the personnel and deputy work office for the district
    # congress, the town office for a town congress (set on submission).
    office = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("交办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_suggestions",
    )
    lead_unit = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_suggestions",
    )
    # Every unit that handles it: the lead unit and the co-units.
    handling_units = models.ManyToManyField(
        "deputies.Organization", verbose_name=_("承办单位"), blank=True, related_name="suggestions"
    )
    difficult = models.BooleanField(_("涉及面广、办理难度大"), default=False)
    is_key = models.BooleanField(_("重点督办"), default=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_suggestions",
    )
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=SuggestionState.choices,
        default=SuggestionState.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    # The row version the workflow's compare-and-set checks (every write sets it).
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提出时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    # The due date of the current step (assignment, reply, promised date, re-handling), indexed.
    due_at = models.DateTimeField(_("当前期限"), null=True, blank=True, db_index=True)
    # The statutory reply date (3 or 6 months, with extensions): "on time" is measured against it.
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True)
    co_units_due_at = models.DateTimeField(_("协办单位反馈期限"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("办理答复"), blank=True)
    reply_category = models.CharField(_("答复类别"), max_length=20, choices=ReplyCategory.choices, blank=True)
    promised_date = models.DateField(_("承诺解决时间"), null=True, blank=True)
    rating = models.CharField(_("代表评价"), max_length=30, choices=SuggestionRating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    rehandle_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    is_public = models.BooleanField(_("公开办理结果"), default=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("代表议案建议")
        verbose_name_plural = _("代表议案建议")
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self):
        return self.title

    @property
    def replied_on_time(self) -> bool | None:
        """Whether the first reply came by the statutory date (None: no reply yet)."""
        if self.first_replied_at is None:
            return None
        return on_time(self.first_replied_at, self.reply_due_at)


class SuggestionCoSigner(models.Model):
    """A deputy of the same congress who joins a suggestion; counts only once confirmed."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="co_signers")
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("附议代表"), on_delete=models.PROTECT, related_name="co_signed"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("附议代表")
        verbose_name_plural = _("附议代表")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="suggestion_co_signer_unique")
        ]

    def __str__(self):
        return f"{self.suggestion_id}: {self.deputy_id}"


class SuggestionAttachment(models.Model):
    """A document attached to the draft by the deputy, or a unit's reply document."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="suggestions/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    is_reply = models.BooleanField(_("答复文件"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.name


class SuggestionConsultation(models.Model):
    """§四(三): the handling unit's consultation with the deputy, recorded before it replies."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="consultations")
    organization = models.ForeignKey(
        "deputies.Organization", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("沟通日期"))
    method = models.CharField(_("沟通方式"), max_length=20, choices=ConsultMethod.choices)
    deputy_view = models.TextField(_("代表意见"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("办前沟通")
        verbose_name_plural = _("办前沟通")

    def __str__(self):
        return f"{self.suggestion_id} {self.date}"


class SuggestionReply(models.Model):
    """One reply of the lead unit (or a co-unit's report to the lead unit)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    organization = models.ForeignKey(
        "deputies.Organization", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("角色"), max_length=10, choices=UnitRole.choices, default=UnitRole.LEAD)
    category = models.CharField(_("答复类别"), max_length=20, choices=ReplyCategory.choices, blank=True)
    content = models.TextField(_("答复内容"))
    promised_date = models.DateField(_("承诺解决时间"), null=True, blank=True)
    document = models.ForeignKey(
        SuggestionAttachment,
        verbose_name=_("答复文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("办理答复")
        verbose_name_plural = _("办理答复")

    def __str__(self):
        return f"{self.suggestion_id} {self.category}"


class SuggestionExtension(models.Model):
    """An approved extension of the reply date, with its reason (never past 6 months)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="extensions")
    months = models.PositiveSmallIntegerField(_("延期月数"))
    reason = models.TextField(_("延期理由"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    previous_due_at = models.DateTimeField(_("原期限"))
    new_due_at = models.DateTimeField(_("新期限"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("延期")
        verbose_name_plural = _("延期")

    def __str__(self):
        return f"{self.suggestion_id} +{self.months}"


class SuggestionEvent(models.Model):
    """One step of a suggestion; append-only."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=20, choices=SuggestionState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=SuggestionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("建议办理记录")
        verbose_name_plural = _("建议办理记录")

    def __str__(self):
        return f"{self.suggestion_id}: {self.action}"
