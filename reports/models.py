"""Stored outputs of the reports: export files built off the request path, and the compliance
report of a closed year as it was submitted (R-ACT-2, R-SUP-2)."""

import datetime
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    JSON = "json", "JSON"


class ExportState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")


def exports_root() -> Path:
    """Where export files are kept: ``settings.EXPORTS_ROOT``, by default ``private/exports`` beside
    MEDIA_ROOT (read on every use, so that a test's or a worker's MEDIA_ROOT moves it too)."""
    if settings.EXPORTS_ROOT:
        return Path(settings.EXPORTS_ROOT)
    return Path(settings.MEDIA_ROOT).parent / "private" / "exports"


class ExportStorage(FileSystemStorage):
    """The district's compliance report must not be downloadable by whoever guesses an address:
    export files live outside MEDIA_ROOT (which is served to everyone so that photos show) and have
    no URL; they are read only through the owner-checked download view (`reports.views`)."""

    @property
    def base_location(self):
        return exports_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # url() raises ValueError: there is no public address


def export_file_name(instance: "Export", filename: str) -> str:
    """A random name that tells nothing (no year, no kind, no requester); the download is still
    called ``compliance-<year>.<format>``."""
    return f"{secrets.token_hex(16)}.{instance.format}"


def stale_after() -> datetime.timedelta:
    """A running export not updated for longer than a task may run has lost its worker: Celery kills
    a task at ``CELERY_TASK_TIME_LIMIT``, and a running export writes progress as it goes."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


class Export(models.Model):
    """A large export built by a Celery task; the page polls `progress` and offers `file` when done.

    `state` moves pending → running → done/failed through `reports/services.py` with conditional
    updates, so a re-delivered task never builds the same file twice. A running export whose worker
    died (no update for longer than `stale_after()`) may be taken over by a re-delivered task
    (`attempts` counts the claims) and is shown to its owner as failed, with a button to build it again."""

    kind = models.CharField(_("报表"), max_length=30, default="compliance")
    format = models.CharField(_("格式"), max_length=10, choices=ExportFormat.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="exports"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ExportState.choices, default=ExportState.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to=export_file_name, storage=ExportStorage(), blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最近更新"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导出文件")
        verbose_name_plural = _("导出文件")

    def __str__(self):
        return f"{self.kind} {self.year}.{self.format}"

    @property
    def is_stale(self) -> bool:
        """Running, but its worker died: nothing was written for longer than a task may run."""
        return self.state == ExportState.RUNNING and self.updated_at < timezone.now() - stale_after()

    @property
    def shows_as_failed(self) -> bool:
        return self.state == ExportState.FAILED or self.is_stale

    @property
    def is_finished(self) -> bool:
        """Nothing more will happen on its own: the page stops polling."""
        return self.state == ExportState.DONE or self.shows_as_failed


class ComplianceSnapshot(models.Model):
    """The district's compliance report of a closed year as submitted (§三(六)); later amendments
    of that year's activities are listed beside it, never written into it."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    closed_year = models.OneToOneField(
        "contacts.ClosedYear",
        verbose_name=_("已关闭年度"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compliance_snapshot",
    )
    rows = models.JSONField(_("报表行"), default=list)
    total = models.JSONField(_("合计"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度履职报表存档")
        verbose_name_plural = _("年度履职报表存档")

    def __str__(self):
        return str(self.year)


class WorkFund(models.Model):
    """A liaison body's yearly plan for contact-work funds (§五(七), R-SUP-2), entered by its staff."""

    organization = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("联络机构"),
        on_delete=models.PROTECT,
        related_name="work_funds",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    planned = models.DecimalField(
        _("年度计划（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(_("说明"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Who changed what, kept after a change or a deletion (docs/architecture.md, "Data kept once").
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "organization_id"]
        verbose_name = _("工作经费计划")
        verbose_name_plural = _("工作经费计划")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="work_fund_unique")]

    def __str__(self):
        return f"{self.organization} {self.year}"


class FundSpending(models.Model):
    """One spending against a liaison body's yearly plan."""

    fund = models.ForeignKey(
        WorkFund, verbose_name=_("经费计划"), on_delete=models.CASCADE, related_name="spendings"
    )
    date = models.DateField(_("日期"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    purpose = models.CharField(_("用途"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")

    def __str__(self):
        return f"{self.date} {self.amount}"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__isnull=False)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Article(models.Model):
    """A publicity article on good practice or a typical case (§五(八), R-SUP-2); drafts are not public."""

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT, db_index=True
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("相关代表"), blank=True, related_name="articles"
    )
    organization = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("撰稿机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("宣传文章")
        verbose_name_plural = _("宣传文章")

    def __str__(self):
        return self.title


class ArticlePhoto(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("照片"),
        upload_to="reports/articles/%Y/",
        # Saved by reports.services.save_article, re-encoded by deputies.images.normalize_image.
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("文章照片")
        verbose_name_plural = _("文章照片")

    def __str__(self):
        return self.image.name
