"""The rest of the performance record (§三(三)(八), §五(三)–(五)): research and inspection reports,
training, requests to meet an official, and the Standing Committee's contacts."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .activities import DOCUMENT_EXTENSIONS


class ResearchKind(models.TextChoices):
    RESEARCH = "research", _("专题调研")
    INSPECTION = "inspection", _("视察")


class ResearchReport(models.Model):
    """专题调研报告和视察报告 with the opinions and proposals that came out of them (§三(四), R-ACT-4)."""

    kind = models.CharField(
        _("类型"), max_length=20, choices=ResearchKind.choices, default=ResearchKind.RESEARCH
    )
    title = models.CharField(_("题目"), max_length=200)
    date = models.DateField(_("日期"))
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("参加代表"), related_name="research_reports"
    )
    organs_visited = models.TextField(_("走访的机关和单位"), blank=True)
    summary = models.TextField(_("报告摘要"), blank=True)
    document = models.FileField(
        _("报告文件"),
        upload_to="contacts/research/%Y/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )
    opinions = models.ManyToManyField(
        "feedback.Opinion", verbose_name=_("形成的意见"), blank=True, related_name="research_reports"
    )
    outcomes = models.TextField(_("形成的议案和建议"), blank=True)
    organized_by = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("调研视察报告")
        verbose_name_plural = _("调研视察报告")

    def __str__(self):
        return self.title


class TrainingPlan(models.Model):
    """代表履职学习培训计划 (§五(四), R-ACT-6)."""

    congress = models.ForeignKey(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    organized_by = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")

    def __str__(self):
        return self.title


class TrainingSession(models.Model):
    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("培训计划"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("主题"), max_length=200)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("学时"), max_digits=4, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    venue = models.ForeignKey(
        "deputies.ContactPoint",
        verbose_name=_("联系站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions",
    )
    is_public = models.BooleanField(
        _("在活动日历上向公众公布"),
        default=False,
        help_text=_("公布后出现在公开的活动日历和日历订阅中（报名的代表的订阅也包含它）。"),
    )

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")

    def __str__(self):
        return self.title


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class TrainingAttendance(models.Model):
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训课程"), on_delete=models.CASCADE, related_name="attendances"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="training_attendances",
    )
    status = models.CharField(
        _("出席情况"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("培训出席")
        verbose_name_plural = _("培训出席")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="training_attendance_unique")
        ]

    def __str__(self):
        return f"{self.deputy_id} @ {self.session_id}"


class TrainingEnrolment(models.Model):
    """A deputy enrolled in a training session before it takes place (报名): they are told a week and
    a day before (`contacts.notices`). Attendance is recorded afterwards (`TrainingAttendance`)."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训课程"), on_delete=models.CASCADE, related_name="enrolments"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="training_enrolments",
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("培训报名")
        verbose_name_plural = _("培训报名")
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy"], name="training_enrolment_unique")
        ]

    def __str__(self):
        return f"{self.deputy_id} → {self.session_id}"


class MeetingState(models.TextChoices):
    REQUESTED = "requested", _("已提出")
    ARRANGED = "arranged", _("已安排")
    HELD = "held", _("已约见")
    DECLINED = "declined", _("未能安排")


class MeetingRequest(models.Model):
    """代表约见国家机关负责人 (§五(五), R-ACT-7); the liaison body arranges it or declines with a reason.

    `state` changes only through the services (compare-and-set on the expected state)."""

    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="meeting_requests"
    )
    organ = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("约见机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_requests",
    )
    organ_name = models.CharField(_("机关名称"), max_length=200, blank=True)
    head_name = models.CharField(_("约见负责人"), max_length=100, blank=True)
    subject = models.TextField(_("约见事由"))
    state = models.CharField(
        _("状态"), max_length=20, choices=MeetingState.choices, default=MeetingState.REQUESTED, db_index=True
    )
    requested_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    liaison_body = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("安排机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arranged_meetings",
    )
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scheduled_at = models.DateTimeField(_("约见时间"), null=True, blank=True)
    place = models.CharField(_("约见地点"), max_length=200, blank=True)
    held_on = models.DateField(_("约见日期"), null=True, blank=True)
    notes = models.TextField(_("约见记录"), blank=True)
    decline_reason = models.TextField(_("未能安排的原因"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Who changed what, kept after a change or a deletion (docs/architecture.md, "Data kept once").
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("约见")
        verbose_name_plural = _("约见")

    def __str__(self):
        return f"{self.deputy} → {self.organ or self.organ_name}"


class CommitteeContactKind(models.TextChoices):
    """How the Standing Committee's members and committees keep contact with deputies (§三(三))."""

    FORUM = "forum", _("座谈会")
    MEETING = "meeting", _("约见")
    VISIT = "visit", _("走访")
    TALK = "talk", _("谈心谈话")
    SUPERVISION = "supervision", _("邀请参加监督工作")
    DECISION = "decision", _("邀请参加重大事项决定工作")
    RESEARCH = "research", _("邀请参加调研")


class CommitteeContact(models.Model):
    """The Standing Committee's side of the contact (§三(三)): a member meets, visits or talks with their
    fixed-contact deputies and hears their views, or a special or working committee invites deputies of
    related fields into supervision, major decisions or research. Not a constituency contact: it never
    counts toward a deputy's quota; it shows in the member's yearly record and the deputy's record."""

    committee = models.ForeignKey(
        "deputies.Committee", verbose_name=_("委员会"), on_delete=models.PROTECT, related_name="contacts"
    )
    member = models.ForeignKey(
        "deputies.CommitteeMember",
        verbose_name=_("常委会组成人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text=_("常委会组成人员本人联系代表时填写；专门委员会、工作委员会邀请代表时可空。"),
    )
    kind = models.CharField(_("联系方式"), max_length=20, choices=CommitteeContactKind.choices)
    date = models.DateField(_("日期"), db_index=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("联系的代表"), related_name="committee_contact_records"
    )
    subject = models.CharField(_("主题"), max_length=200)
    views_heard = models.TextField(_("听取的代表意见建议"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("常委会联系代表记录")
        verbose_name_plural = _("常委会联系代表记录")

    def __str__(self):
        return f"{self.date} {self.subject}"
