from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

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

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title
