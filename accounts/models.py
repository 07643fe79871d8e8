from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PUBLIC = "public", _("公众")
    DEPUTY = "deputy", _("人大代表")
    LIAISON_STAFF = "liaison_staff", _("联络机构工作人员")
    UNIT_STAFF = "unit_staff", _("承办单位工作人员")
    COMMITTEE_MEMBER = "committee_member", _("常委会组成人员")
    ADMIN = "admin", _("管理员")


class User(AbstractUser):
    """A person who logs in. Staff belong to one organization; a deputy links to mandates via Person."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.PUBLIC)
    organization = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    language = models.CharField(
        _("语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    # Who changed what, kept after a change or a deletion (docs/architecture.md, "Data kept once").
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_portal_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_deputy(self) -> bool:
        return self.role == Role.DEPUTY

    @property
    def is_liaison_staff(self) -> bool:
        return self.role == Role.LIAISON_STAFF

    @property
    def is_unit_staff(self) -> bool:
        return self.role == Role.UNIT_STAFF

    @property
    def is_committee_member(self) -> bool:
        return self.role == Role.COMMITTEE_MEMBER


class NotificationKind(models.TextChoices):
    """What a notification is about; preferences are set per kind (R-SUP-1)."""

    QUOTA_REMINDER = "quota_reminder", _("年度履职提醒")
    QUOTA_DIGEST = "quota_digest", _("代表履职进度汇总")
    TERM_REPORT_REMINDER = "term_report_reminder", _("述职提醒")
    DEADLINE_DUE_SOON = "deadline_due_soon", _("即将到期提醒")
    DEADLINE_OVERDUE = "deadline_overdue", _("逾期提醒")
    DEADLINE_ESCALATED = "deadline_escalated", _("逾期督办")
    FEEDBACK_OWED = "feedback_owed", _("待反馈群众提醒")
    RECEPTION_DUTY = "reception_duty", _("接待值班提醒")
    TRAINING = "training", _("培训提醒")
    MEETING_REQUEST = "meeting_request", _("约见安排通知")
    OTHER = "other", _("其他通知（意见办理进度等）")


def kind_label(kind: str) -> str:
    """The label of a notification kind; kinds other apps invent show as "其他通知"."""
    try:
        return NotificationKind(kind).label
    except ValueError:
        return NotificationKind.OTHER.label


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def inbox(self):
        """What the in-app inbox shows: not the rows kept only as a delivery record."""
        return self.filter(in_app=True)

    def for_user(self, user):
        return self.filter(recipient=user)


class Notification(models.Model):
    """One message in a user's in-app inbox.

    `key` makes delivery exactly-once: a reminder for one recipient, kind and period carries a key
    such as ``quota:2026-04-01:deputy:17``; the unique constraint (not a check-then-insert)
    turns a second attempt into a no-op.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    # A text that failed for good (the gateway refused it, or the last retry failed): when and why.
    sms_failed_at = models.DateTimeField(_("短信发送失败时间"), null=True, blank=True)
    sms_failure = models.CharField(_("短信失败原因"), max_length=200, blank=True)
    # False when the recipient turned the in-app channel off for this kind: the row stays (it is the
    # exactly-once record for e-mail and SMS) but is born read and hidden from the inbox.
    in_app = models.BooleanField(_("站内显示"), default=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """One user's channels for one kind of notification. No row means the defaults:
    in-app and e-mail on, SMS off (`DEFAULTS`)."""

    DEFAULTS = {"in_app": True, "email": True, "sms": False}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("类型"), max_length=50, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("站内通知"), default=True)
    email = models.BooleanField(_("电子邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=False)

    class Meta:
        ordering = ["user_id", "kind"]
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique_kind")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.kind}"


class LoginCode(models.Model):
    """A one-time sign-in code sent by SMS (accounts.sms_login): only its HMAC is stored; it expires,
    counts wrong tries, and is used once."""

    phone = models.CharField(max_length=20, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("短信登录验证码")
        verbose_name_plural = _("短信登录验证码")

    def __str__(self):
        return f"****{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"
