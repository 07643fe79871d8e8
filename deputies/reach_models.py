"""Reaching people: invitations to create an account, and the reminder ledger. Part of the registry's
models (`deputies.models` imports them from here, so Django registers them with the app)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Invitations that can still be accepted: not used, not replaced, not expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A single-use link that lets one person create their account (a deputy: linked to their person
    record; a liaison body or handling unit: a staff account of that organization). Sent by SMS to the
    mobile on file, or by e-mail; valid `deputies.invitations.VALID_DAYS` days. The row is also the
    record of the message: sent, or failed and why."""

    person = models.ForeignKey(
        "deputies.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    organization = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("角色"), max_length=32)
    # The secret part of the link is `key` plus a MAC of it (deputies.invitations): the database alone
    # does not give working links.
    key = models.CharField(max_length=32, unique=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("有效期至"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("发送失败时间"), null=True, blank=True)
    failure = models.CharField(_("失败原因"), max_length=200, blank=True)
    accepted_at = models.DateTimeField(_("激活时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开通的账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("账户邀请")
        verbose_name_plural = _("账户邀请")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="invitation_for_a_person_or_an_organization",
            )
        ]

    def __str__(self):
        return str(self.person or self.organization)


class ReachChannel(models.TextChoices):
    IN_APP = "in_app", _("站内消息")
    SMS = "sms", _("短信")
    UNREACHABLE = "none", _("无法送达（无手机号码）")


class Reach(models.Model):
    """How one reminder reached one deputy (§五(一)): by an in-app message to their account, by SMS to
    the mobile on file, or not at all. One row per deputy, kind and period (the unique constraint makes
    a second run, by any channel, a no-op); an SMS row is also the record of that message."""

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="reaches"
    )
    kind = models.CharField(_("提醒类型"), max_length=50)
    period = models.CharField(_("期次"), max_length=20)
    channel = models.CharField(_("送达方式"), max_length=10, choices=ReachChannel.choices)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    text = models.CharField(_("短信内容"), max_length=300, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("发送失败时间"), null=True, blank=True)
    failure = models.CharField(_("失败原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("提醒送达记录")
        verbose_name_plural = _("提醒送达记录")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "kind", "period"], name="reach_once_per_period")
        ]

    def __str__(self):
        return f"{self.deputy_id} {self.kind} {self.period}: {self.channel}"
