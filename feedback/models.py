"""Opinions (社情民意), their append-only timeline, handling assignments, suggestions and motions,
and the working-day calendar (§四, R-OP-1…5).

Only `feedback.workflow` (the package `feedback/workflow/`) writes `Opinion.state`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_tracking_code() -> str:
    # 16 characters from an alphabet without look-alikes: unguessable, easy to read out on the phone.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    APP = "app", _("代表履职平台")
    ACTIVITY = "activity", _("联系活动")
    RECEPTION = "reception", _("代表接待日")
    MAILBOX = "mailbox", _("代表信箱")
    EMAIL = "email", _("电子邮件")
    LETTER = "letter", _("来信")
    PHONE = "phone", _("电话")


class OpinionState(models.TextChoices):
    RECEIVED = "received", _("已收到")
    MODERATION = "moderation", _("待审核")
    ANSWERED = "answered", _("代表已直接答复")
    VERIFYING = "verifying", _("核实中")
    ROUTED = "routed", _("已转交")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    RELAYED = "relayed", _("答复已送达代表")
    FED_BACK = "fed_back", _("已反馈群众")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


# States in which nobody owes the citizen anything more (until a reopen).
FINAL_STATES = (OpinionState.CLOSED, OpinionState.REJECTED, OpinionState.MERGED)


class RouteLevel(models.TextChoices):
    """§四(一) 1–5: the level a verified matter belongs to."""

    STREET = "street", _("街道层面")
    TOWN = "town", _("镇级层面")
    DISTRICT = "district", _("区级层面")
    CITY = "city", _("市级层面")
    LETTERS = "letters", _("人民群众来信")


class Outcome(models.TextChoices):
    """§四(二): the result a handling unit reports."""

    SOLVED = "solved", _("已解决")
    PARTLY = "partly", _("部分解决")
    UNSOLVABLE = "unsolvable", _("暂时不能解决")


class RejectReason(models.TextChoices):
    """Statutory reasons not to accept an opinion."""

    PERSONAL = "personal", _("属个人或家庭事务")
    LITIGATION = "litigation", _("已进入诉讼、仲裁等法定程序")
    ADVERTISING = "advertising", _("广告或与履职无关的内容")
    OUTSIDE = "outside_jurisdiction", _("不属于本区管辖范围")


class VerifyMethod(models.TextChoices):
    """§四(一): how a deputy verifies what cannot be answered at once."""

    VISIT = "visit", _("走访")
    FORUM = "forum", _("座谈")
    RESEARCH = "research", _("调研")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class DeadlineKind(models.TextChoices):
    ROUTE = "route", _("转交期限")
    REPLY = "reply", _("答复期限")
    FEEDBACK = "feedback", _("反馈期限")


class Publication(models.TextChoices):
    """The staff's decision on an opinion whose submitter agreed to its publication (feedback/archive.py)."""

    PENDING = "pending", _("待审核公开")
    APPROVED = "approved", _("已公开")
    WITHHELD = "withheld", _("不予公开")


class OpinionQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=FINAL_STATES)

    def overdue(self, now):
        return self.filter(due_at__lt=now).exclude(due_at__isnull=True)

    def with_related(self):
        return self.select_related(
            "region",
            "region__parent",
            "deputy",
            "deputy__person",
            "deputy__congress",
            "origin_deputy",
            "origin_deputy__person",
            "organization",
        )


class Opinion(models.Model):
    tracking_code = models.CharField(_("查询码"), max_length=32, unique=True, default=new_tracking_code)
    content = models.TextField(_("内容"))
    category = models.CharField(_("类别"), max_length=50, blank=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    region = models.ForeignKey(
        "deputies.Region", verbose_name=_("所涉区域"), on_delete=models.PROTECT, related_name="opinions"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    # §四(二): a matter passed up to a district deputy keeps the town deputy who took it in, so the
    # result comes back down to them.
    origin_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("原反映代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="passed_up_opinions",
    )
    # §三(六): the deputy the opinion was reflected to when it was received. Routing it up to a
    # district deputy changes `deputy` (and keeps `origin_deputy`), never this: the year's count of
    # opinions reflected (contacts.quotas) does not move while the opinion is handled.
    intake_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("接收代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_opinions",
    )
    organization = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("当前负责机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=OpinionState.choices, default=OpinionState.RECEIVED, db_index=True
    )
    level = models.CharField(_("层级"), max_length=20, choices=RouteLevel.choices, blank=True)
    submitter_name = models.CharField(_("姓名"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("电话"), max_length=30, blank=True)
    submitter_address = models.CharField(_("地址"), max_length=200, blank=True)
    confidential = models.BooleanField(_("要求保密"), default=False)
    consent = models.BooleanField(_("同意使用联系方式"), default=False)
    # The public archive (feedback/archive.py): the citizen's consent, then the staff's decision and
    # the text as they approved it for publication (never a name, phone or address).
    publish = models.BooleanField(_("同意公开发布"), default=False)
    publication = models.CharField(
        _("公开审核"), max_length=20, choices=Publication.choices, default=Publication.PENDING
    )
    public_content = models.TextField(_("公开的意见内容"), blank=True)
    public_answer = models.TextField(_("公开的答复"), blank=True)
    withheld_reason = models.CharField(_("不予公开的理由"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    publication_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公开审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_opinions",
    )
    # The contact activities it was taken in at: `activities`, the activity's many-to-many `opinions`.
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Abuse handling: nothing is dropped, only flagged.
    flagged_spam = models.BooleanField(_("疑似机器提交"), default=False)
    moderation_reason = models.CharField(_("待审核原因"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_opinions",
    )
    # Hashes only: enough to recognise the same sender sending the same text, nothing to read back.
    submitter_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # A keyed hash of the submitter's idempotency key (the API's `Idempotency-Key` header, the form's
    # hidden token) and who sent it: a double click stores one opinion (issue 12).
    idempotency_key = models.CharField(max_length=64, blank=True, default="")

    # Deadlines (feedback/deadlines.py): the one for the current step, stored and indexed.
    due_at = models.DateTimeField(_("当前期限"), null=True, blank=True, db_index=True)
    due_kind = models.CharField(_("期限类型"), max_length=20, choices=DeadlineKind.choices, blank=True)

    # Outcome.
    verify_method = models.CharField(_("核实方式"), max_length=20, choices=VerifyMethod.choices, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    reply_text = models.TextField(_("承办单位答复"), blank=True)
    public_reply = models.TextField(_("向群众反馈"), blank=True)
    reject_reason = models.CharField(
        _("不予受理原因"), max_length=30, choices=RejectReason.choices, blank=True
    )
    rating = models.CharField(_("群众评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True)
    routed_at = models.DateTimeField(_("转交时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("联系方式清除时间"), null=True, blank=True)

    objects = OpinionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("社情民意")
        verbose_name_plural = _("社情民意")
        indexes = [
            models.Index(fields=["organization", "state"]),
            models.Index(fields=["deputy", "state"]),
            models.Index(fields=["submitter_fingerprint", "content_hash", "received_at"]),
            models.Index(fields=["publish", "publication", "received_at"], name="feedback_op_public_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="feedback_opinion_idempotency_key_unique",
            )
        ]

    def __str__(self):
        return self.tracking_code

    def save(self, *args, **kwargs):
        if self._state.adding and self.intake_deputy_id is None:
            self.intake_deputy_id = self.deputy_id
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES


class OpinionEvent(models.Model):
    """One transition of an opinion; append-only. `data` keeps what the action carried, so the
    timeline can be replayed."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=20, choices=OpinionState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=OpinionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    internal_note = models.TextField(_("内部备注"), blank=True)
    public_note = models.TextField(_("公开说明"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.opinion_id}: {self.from_state} → {self.to_state}"


class SubmitterNotice(models.Model):
    """The text message that told the citizen about one event: one row per event, stamped when sent,
    so a retried or repeated notification task never texts the citizen twice."""

    event = models.OneToOneField(OpinionEvent, on_delete=models.CASCADE, related_name="submitter_notice")
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群众短信通知")
        verbose_name_plural = _("群众短信通知")

    def __str__(self):
        return f"{self.event_id}: {self.sent_at or '-'}"


class OpinionPhoto(models.Model):
    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("图片"), upload_to="opinions/photos/%Y/%m/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("图片")
        verbose_name_plural = _("图片")

    def __str__(self):
        return self.image.name


class Assignment(models.Model):
    """One handling unit (承办单位) asked to handle one opinion, with its due date (§四(二))."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="opinion_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("交办时间"))
    due_at = models.DateTimeField(_("答复期限"), db_index=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "organization"],
                condition=Q(replied_at__isnull=True),
                name="one_open_assignment_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.opinion_id} → {self.organization_id}"


class ContactView(models.Model):
    """Audit row: one user saw one submitter's contact details (个人信息保护法)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="contact_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(_("查看时间"), auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("联系方式查看记录")
        verbose_name_plural = _("联系方式查看记录")

    def __str__(self):
        return f"{self.user_id} → {self.opinion_id}"


class BlockedTerm(models.Model):
    """A word or link fragment that sends an opinion to the moderation queue (never drops it)."""

    term = models.CharField(_("词语或链接"), max_length=100, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("屏蔽词")
        verbose_name_plural = _("屏蔽词")

    def __str__(self):
        return self.term


class Holiday(models.Model):
    """One day of the official calendar that differs from Monday–Friday: a public holiday, or a
    make-up working day (调休) on a weekend. Seeded from `chinesecalendar`; administrators add a new
    year when the State Council publishes it."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False)
    name = models.CharField(_("名称"), max_length=50, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")

    def __str__(self):
        return f"{self.date} {self.name}"


# Motions and suggestions (代表建议) live in their own package; re-exported here so that
# `feedback.models.Suggestion` keeps working and Django finds the models with the app's.
from .suggestions.models import (  # noqa: E402, F401
    ConsultMethod,
    ReplyCategory,
    Suggestion,
    SuggestionAttachment,
    SuggestionConsultation,
    SuggestionCoSigner,
    SuggestionEvent,
    SuggestionExtension,
    SuggestionKind,
    SuggestionRating,
    SuggestionReply,
    SuggestionState,
    UnitRole,
)
