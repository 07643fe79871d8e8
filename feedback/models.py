"""Opinions (社情民意) and their append-only timeline (§四, R-OP-1…5).

Only `feedback/workflow.py` writes `Opinion.state`.
"""

import secrets

from django.conf import settings
from django.db import models
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
    submitter_name = models.CharField(_("姓名"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("电话"), max_length=30, blank=True)
    submitter_address = models.CharField(_("地址"), max_length=200, blank=True)
    confidential = models.BooleanField(_("要求保密"), default=False)
    consent = models.BooleanField(_("同意使用联系方式"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_opinions",
    )
    received_at = models.DateTimeField(_("收到时间"), db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("社情民意")
        verbose_name_plural = _("社情民意")

    def __str__(self):
        return self.tracking_code


class OpinionEvent(models.Model):
    """One transition of an opinion; append-only."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=20, choices=OpinionState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=OpinionState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    internal_note = models.TextField(_("内部备注"), blank=True)
    public_note = models.TextField(_("公开说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.opinion_id}: {self.from_state} → {self.to_state}"
