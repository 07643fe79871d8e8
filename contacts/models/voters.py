"""Reports to voters (§三(七), R-ACT-3) and voters' views and questions on them (§二(五))."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .activities import DOCUMENT_EXTENSIONS, MAX_PEOPLE_REACHED


class ReportForm(models.TextChoices):
    ORAL = "oral", _("口头报告")
    WRITTEN = "written", _("书面报告")


class VoterReportQuerySet(models.QuerySet):
    def held(self):
        """Reports that took place (a planned one counts as a report to the voters only once held)."""
        return self.filter(planned=False)

    def publicly_known(self):
        """Held reports (listed on the deputy's profile) and plans announced in public."""
        return self.filter(Q(planned=False) | Q(is_public=True))


class VoterReport(models.Model):
    """代表向原选区选民报告履职情况: at least once per term, mainly oral (§三(七), R-ACT-3).

    A report may be announced ahead (`planned`, like a planned ContactActivity): it shows on the public
    calendar and in the feeds, voters may send questions for it, and it counts as the term's report
    only once the deputy or the liaison body has recorded it as held (`record_held_voter_report`)."""

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="voter_reports"
    )
    date = models.DateField(_("报告日期"))
    form = models.CharField(_("报告形式"), max_length=10, choices=ReportForm.choices, default=ReportForm.ORAL)
    constituency = models.ForeignKey(
        "deputies.Constituency",
        verbose_name=_("选区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voter_reports",
    )
    attendance = models.PositiveIntegerField(
        _("参加选民人数"), default=0, validators=[MaxValueValidator(MAX_PEOPLE_REACHED)]
    )
    content = models.TextField(_("报告内容"), blank=True)
    file = models.FileField(
        _("报告文件"),
        upload_to="contacts/voter_reports/%Y/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    planned = models.BooleanField(_("计划中的报告"), default=False, db_index=True)
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    venue = models.ForeignKey(
        "deputies.ContactPoint",
        verbose_name=_("联系站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voter_reports",
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    is_public = models.BooleanField(_("在活动日历上向公众公布"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoterReportQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("履职情况报告")
        verbose_name_plural = _("履职情况报告")

    def __str__(self):
        return f"{self.deputy} {self.date}"


class VoterQuestionKind(models.TextChoices):
    VIEW = "view", _("对代表履职的意见")
    QUESTION = "question", _("询问")


class VoterQuestionChannel(models.TextChoices):
    MEETING = "meeting", _("报告会上提出")
    ONLINE = "online", _("网上提出")


class VoterQuestionState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已公开")
    REJECTED = "rejected", _("不予公开")


class VoterQuestion(models.Model):
    """A voter's view of their deputy's work or a question to them (§二(五) "听取选民对代表履职的意见，
    回答选民的询问"), raised at a report meeting (recorded by staff or the deputy) or online on the
    deputy's public profile (anonymous allowed). Liaison staff moderate before it shows in public; the
    deputy records the answer. The submitter's name and phone are never shown in public.

    `state` and the answer change only through the services (compare-and-set on the expected state)."""

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="voter_questions"
    )
    report = models.ForeignKey(
        VoterReport,
        verbose_name=_("履职情况报告"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    kind = models.CharField(
        _("类别"), max_length=10, choices=VoterQuestionKind.choices, default=VoterQuestionKind.QUESTION
    )
    channel = models.CharField(_("提出方式"), max_length=10, choices=VoterQuestionChannel.choices)
    content = models.TextField(_("内容"))
    submitter_name = models.CharField(_("提出人姓名"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("提出人电话"), max_length=20, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=VoterQuestionState.choices,
        default=VoterQuestionState.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    rejection_reason = models.CharField(_("不予公开的原因"), max_length=300, blank=True)
    answer = models.TextField(_("代表的答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("选民意见和询问")
        verbose_name_plural = _("选民意见和询问")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""),
                name="voter_question_rejection_reason",
            ),
        ]
        indexes = [models.Index(fields=["deputy", "state"])]

    def __str__(self):
        return f"{self.deputy_id}: {self.content[:30]}"
