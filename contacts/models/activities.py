"""Contact activities (§三(四)(六), R-ACT-1…5): the activity, who took part, its photos, the closed
years and the amendments made after closing."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
