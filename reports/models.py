"""Stored outputs of the reports: export files built off the request path, and the compliance
report of a closed year as it was submitted (R-ACT-2, R-SUP-2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    JSON = "json", "JSON"


class ExportState(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")


class Export(models.Model):
    """A large export built by a Celery task; the page polls `progress` and offers `file` when done.

    `state` moves pending → running → done/failed through `reports/services.py` with a conditional
    update, so a re-delivered task never builds the same file twice."""

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
    file = models.FileField(_("文件"), upload_to="reports/exports/%Y/", blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("导出文件")
        verbose_name_plural = _("导出文件")

    def __str__(self):
        return f"{self.kind} {self.year}.{self.format}"

    @property
    def is_finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)


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
