"""Contact activities and the performance record (§三(四)–(八), §五(三)–(五), R-ACT-1…7).

Writes go through `contacts/services.py`; the yearly quota rule lives in `contacts/quotas.py`.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A single activity reaching more people than this is taken for a typing error (R-ACT-1).
MAX_PEOPLE_REACHED = 10_000
IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "odt", "txt", "jpg", "jpeg", "png"]


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("走访")
    FORUM = "forum", _("座谈")
    INSPECTION = "inspection", _("视察调研")
    MAILBOX = "mailbox", _("代表信箱")
    EMAIL = "email", _("电子邮件")
    PHONE = "phone", _("电话联系")
    ONLINE = "online", _("网络平台")
    RECEPTION = "reception", _("代表接待日")
    PETITION = "petition", _("信访")
    THEMED = "themed", _("主题活动")
    GROUP = "group", _("代表小组活动")
    CENTRALIZED = "centralized", _("集中联系选区")


# Kinds that are not face to face: never constituency contacts, whatever is ticked (the counting rule
# of contacts/quotas/counting.py; a check constraint on ContactActivity refuses the contradiction).
REMOTE_KINDS = (
    ActivityKind.MAILBOX.value,
    ActivityKind.EMAIL.value,
    ActivityKind.PHONE.value,
    ActivityKind.ONLINE.value,
)


class ContactPurpose(models.TextChoices):
    """What a contact is for (§二, 代表联系人民群众的主要内容); several may apply to one activity."""

    POLICY = "policy", _("宣传党的路线、方针、政策，传达有关会议精神")
    LAW = "law", _("宣传宪法、法律、法规和人大决议、决定，了解贯彻落实情况")
    ORGANS = "organs", _("听取和反映对国家机关及其工作人员的意见建议，了解热点难点问题")
    CONSULTATION = "consultation", _("就人大及其常委会监督、重大事项决定等征求意见建议")
    OWN_WORK = "own_work", _("听取选民对代表履职的意见，回答选民的询问")


class ContactActivityQuerySet(models.QuerySet):
    def in_year(self, year: int):
        # `date` is a calendar date in Asia/Shanghai, so the year is simply its year.
        return self.filter(date__year=year)

    def held(self):
        """Activities that took place and were recorded (a planned one counts only once held)."""
        return self.filter(planned=False)

    def for_deputy(self, deputy):
        return self.filter(participations__deputy=deputy)

    def with_related(self):
        return self.select_related(
            "constituency", "venue", "organized_by", "created_by", "confirmed_by"
        ).prefetch_related("participations__deputy__person", "photos", "opinions", "amendments")


class ContactActivity(models.Model):
    """One contact activity (联系活动) with its participating deputies (§三(六)–(八), R-ACT-1)."""

    kind = models.CharField(_("活动方式"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("活动日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    venue = models.ForeignKey(
        "deputies.ContactPoint",
        verbose_name=_("联系站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    constituency = models.ForeignKey(
        "deputies.Constituency",
        verbose_name=_("选区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    group = models.ForeignKey(
        "deputies.DeputyGroup",
        verbose_name=_("代表小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=_("代表小组的活动（§三(五)）：区人大代表可参加其当选所在镇的镇人大代表小组活动。"),
    )
    # A plan announced ahead (a date in the future allowed); it never counts until it is recorded as held.
    planned = models.BooleanField(_("计划中的活动"), default=False, db_index=True)
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    title = models.CharField(_("主题"), max_length=200, blank=True)
    purposes = models.JSONField(
        _("联系内容"), default=list, blank=True, help_text=_("§二：本次联系的主要内容，可多选。")
    )
    is_constituency_contact = models.BooleanField(_("进选区联系"), default=False)
    is_centralized = models.BooleanField(_("集中联系选区"), default=False)
    people_reached = models.PositiveIntegerField(
        _("联系群众人次"), default=0, validators=[MaxValueValidator(MAX_PEOPLE_REACHED)]
    )
    summary = models.TextField(_("活动情况"), blank=True)
    is_public = models.BooleanField(_("在代表主页公开"), default=False)
    opinions = models.ManyToManyField(
        "feedback.Opinion", verbose_name=_("收集的意见"), blank=True, related_name="activities"
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        through="Participation",
        verbose_name=_("参加代表"),
        related_name="contact_activities",
    )
    organized_by = models.ForeignKey(
        "deputies.Organization",
        verbose_name=_("组织单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organized_activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="logged_activities",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confirmed_activities",
    )

    objects = ContactActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("联系活动")
        verbose_name_plural = _("联系活动")
        constraints = [
            # A centralized contact (集中联系选区) is by definition a constituency contact.
            models.CheckConstraint(
                condition=Q(is_centralized=False) | Q(is_constituency_contact=True),
                name="centralized_is_constituency_contact",
            ),
            models.CheckConstraint(
                condition=Q(people_reached__lte=MAX_PEOPLE_REACHED), name="activity_people_reached_sane"
            ),
            # Mailbox, e-mail, phone and online contacts are never constituency contacts (quotas.py).
            models.CheckConstraint(
                condition=~Q(kind__in=REMOTE_KINDS) | Q(is_constituency_contact=False, is_centralized=False),
                name="remote_kind_is_not_constituency_contact",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def purpose_labels(self) -> list[str]:
        labels = dict(ContactPurpose.choices)
        return [labels[p] for p in self.purposes or () if p in labels]


class Participation(models.Model):
    """One deputy's part in an activity. `people_met` is what counts toward that deputy's quota, so a
    joint activity credits each deputy once (R-ACT-1)."""

    activity = models.ForeignKey(
        ContactActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participations"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.PROTECT, related_name="participations"
    )
    people_met = models.PositiveIntegerField(
        _("本人联系群众人次"), validators=[MaxValueValidator(MAX_PEOPLE_REACHED)]
    )

    class Meta:
        ordering = ["activity_id", "id"]
        verbose_name = _("参加代表")
        verbose_name_plural = _("参加代表")
        constraints = [
            models.UniqueConstraint(fields=["activity", "deputy"], name="participation_unique"),
        ]
        indexes = [models.Index(fields=["deputy", "activity"])]

    def __str__(self):
        return f"{self.deputy_id} @ {self.activity_id}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(
        ContactActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("照片"),
        upload_to="activities/photos/%Y/",
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self):
        return self.image.name


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


class ClosedYear(models.Model):
    """A year an administrator has closed: its activities are read-only; corrections are amendments."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("已关闭年度")
        verbose_name_plural = _("已关闭年度")

    def __str__(self):
        return str(self.year)


class Amendment(models.Model):
    """A later correction of an activity (in a closed year, or after confirmation), with a reason and the
    old and new values; shown in the performance record. Append-only."""

    activity = models.ForeignKey(
        ContactActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="amendments"
    )
    reason = models.CharField(_("更正原因"), max_length=300)
    changes = models.JSONField(_("更正内容"), default=dict)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更正人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    made_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        ordering = ["made_at", "id"]
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason")]

    def __str__(self):
        return f"{self.activity_id}: {self.reason}"


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
