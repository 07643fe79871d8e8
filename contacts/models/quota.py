"""What the liaison bodies decide about the yearly quota (§三(六)): the policy of a congress and year,
and exemptions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class QuotaPolicy(models.Model):
    """The yearly quota for the deputies of one congress (§三(六)); the defaults are the regulation's."""

    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    min_constituency_contacts = models.PositiveSmallIntegerField(_("进选区联系活动（次）"), default=4)
    min_centralized_contacts = models.PositiveSmallIntegerField(_("其中集中联系选区（次）"), default=2)
    min_people_reached = models.PositiveSmallIntegerField(_("联系群众（人次）"), default=40)
    min_opinions = models.PositiveSmallIntegerField(_("反映社情民意（次）"), default=4)
    count_confirmed_only = models.BooleanField(
        _("仅统计经联络机构确认的活动"),
        default=False,
        help_text=_("勾选后，代表自行登记但尚未确认的活动不计入年度要求。"),
    )

    # Who changed what, kept after a change or a deletion (docs/architecture.md, "Data kept once").
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "congress_id"]
        verbose_name = _("年度联系要求")
        verbose_name_plural = _("年度联系要求")
        constraints = [models.UniqueConstraint(fields=["congress", "year"], name="quota_policy_unique")]

    def __str__(self):
        return f"{self.congress} {self.year}"


class QuotaExemption(models.Model):
    """A deputy excused from the year's quota, always with a reason (illness, secondment …)."""

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="quota_exemptions"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("原因"), max_length=300)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    # Who changed what, kept after a change or a deletion (docs/architecture.md, "Data kept once").
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "deputy_id"]
        verbose_name = _("年度要求豁免")
        verbose_name_plural = _("年度要求豁免")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "year"], name="quota_exemption_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="quota_exemption_has_reason"),
        ]

    def __str__(self):
        return f"{self.deputy} {self.year}"
