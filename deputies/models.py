"""The registry (R-REG-1…8): regions, congresses, constituencies, groups, deputies, committees,
organizations and contact venues."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .reach_models import Invitation, InvitationQuerySet, Reach, ReachChannel  # noqa: F401 (registered here)
from .validators import validate_phone


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("区")
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    COMMUNITY = "community", _("居委会")
    VILLAGE = "village", _("村委会")


def official_order():
    """An ORDER BY for streets and towns in the district's official order (streets first, then towns,
    as `deputies.data.territory` lists them); regions not in that list follow, by kind and id."""
    from .data.territory import official_codes

    codes = official_codes()
    position = models.Case(
        *(models.When(code=code, then=models.Value(index)) for index, code in enumerate(codes)),
        default=models.Value(len(codes)),
        output_field=models.IntegerField(),
    )
    return (position.asc(), "kind", "id")


class RegionQuerySet(models.QuerySet):
    def streets_and_towns(self):
        """The streets and towns, in the official order (`official_order`)."""
        return self.filter(kind__in=[RegionKind.STREET, RegionKind.TOWN]).order_by(*official_order())

    def committees(self):
        return self.filter(kind__in=[RegionKind.COMMUNITY, RegionKind.VILLAGE])

    def within(self, region):
        """The region itself and everything below it (the tree is three levels deep)."""
        return self.filter(Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))


class Region(models.Model):
    """区 / 街道 / 镇 / 居委会·村委会, a tree."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(_("代码"), max_length=50, unique=True)

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")
        ]

    def __str__(self):
        return self.name

    @property
    def is_street_or_town(self) -> bool:
        return self.kind in (RegionKind.STREET, RegionKind.TOWN)

    def street_or_town(self):
        """The street or town this region belongs to (itself for a street or town), or None."""
        if self.is_street_or_town:
            return self
        if self.kind in (RegionKind.COMMUNITY, RegionKind.VILLAGE) and self.parent_id:
            return self.parent
        return None


class Level(models.TextChoices):
    DISTRICT = "district", _("区级")
    TOWN = "town", _("镇级")


class CongressQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class Congress(models.Model):
    """One people's congress term (届) at one level: the district, or one town."""

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("行政区域"), on_delete=models.PROTECT, related_name="congresses"
    )
    term_number = models.PositiveSmallIntegerField(_("届次"))
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    objects = CongressQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "region_id", "-term_number"]
        verbose_name = _("人民代表大会（届）")
        verbose_name_plural = _("人民代表大会（届）")
        constraints = [
            models.UniqueConstraint(fields=["region", "term_number"], name="congress_unique_term"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Towns have their own congress; streets do not (they have a street working committee).
        if self.level == Level.TOWN and self.region_id and self.region.kind != RegionKind.TOWN:
            raise ValidationError({"region": _("镇人民代表大会只能设在镇。")})
        if self.level == Level.DISTRICT and self.region_id and self.region.kind != RegionKind.DISTRICT:
            raise ValidationError({"region": _("区人民代表大会只能设在区。")})
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class Constituency(models.Model):
    """选区: the voters of one or more residents' or village committees who elect deputies (§三(三))."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="constituencies"
    )
    name = models.CharField(_("名称"), max_length=100)
    number = models.PositiveSmallIntegerField(_("编号"), null=True, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在街道或镇"),
        on_delete=models.PROTECT,
        related_name="constituencies",
        limit_choices_to={"kind__in": [RegionKind.STREET, RegionKind.TOWN]},
    )
    areas = models.ManyToManyField(
        Region,
        verbose_name=_("包含的居委会、村委会"),
        related_name="covering_constituencies",
        blank=True,
        limit_choices_to={"kind__in": [RegionKind.COMMUNITY, RegionKind.VILLAGE]},
    )

    history = HistoricalRecords(m2m_fields=[areas])

    class Meta:
        ordering = ["congress_id", "number", "id"]
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="constituency_unique_name")]

    def __str__(self):
        return self.name


class DeputyGroup(models.Model):
    """代表小组: every deputy belongs to exactly one group of their own level (§三(五))."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("所在街道或镇"), on_delete=models.PROTECT, related_name="deputy_groups"
    )
    leader_name = models.CharField(_("组长"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["congress_id", "id"]
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="group_unique_name")]

    def __str__(self):
        return self.name


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Person(models.Model):
    """A person who holds one or more mandates (R-REG-1: one person may be district and town deputy)."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices, blank=True)
    photo = models.ImageField(_("照片"), upload_to="deputies/photos/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # A stable key from the liaison offices' own lists (e.g. 代表证号), used by import_registry.
    registry_code = models.CharField(_("名册编号"), max_length=50, unique=True, null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["photo"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self):
        return self.name


class DeputyStatus(models.TextChoices):
    SERVING = "serving", _("在任")
    ENDED = "ended", _("已终止")


class DeputyQuerySet(models.QuerySet):
    def serving(self, on=None):
        on = on or timezone.localdate()
        return self.filter(status=DeputyStatus.SERVING, start_date__lte=on).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def district(self):
        return self.filter(congress__level=Level.DISTRICT)

    def town(self):
        return self.filter(congress__level=Level.TOWN)

    def for_listing(self):
        return self.select_related(
            "person", "congress", "constituency", "constituency__region", "group", "contact_point"
        )


class Deputy(models.Model):
    """One mandate (代表资格) of a person in one congress."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="mandates"
    )
    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="deputies"
    )
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("选区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deputies",
    )
    group = models.ForeignKey(
        DeputyGroup,
        verbose_name=_("代表小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    position = models.CharField(_("职务"), max_length=200, blank=True)
    public_phone = models.CharField(_("公开联系电话"), max_length=30, blank=True, validators=[validate_phone])
    public_email = models.EmailField(_("公开电子邮箱"), blank=True)
    fields = models.CharField(_("行业领域"), max_length=200, blank=True)
    contact_point = models.ForeignKey(
        "ContactPoint",
        verbose_name=_("联系站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputies",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DeputyStatus.choices, default=DeputyStatus.SERVING
    )
    start_date = models.DateField(_("任期开始"))
    end_date = models.DateField(_("任期结束"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)
    # Not public: for liaison staff only.
    private_phone = models.CharField(
        _("本人手机（不公开）"), max_length=30, blank=True, validators=[validate_phone]
    )
    staff_notes = models.TextField(_("工作备注（不公开）"), blank=True)

    objects = DeputyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["congress_id", "person__name", "id"]
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        constraints = [
            models.UniqueConstraint(fields=["person", "congress"], name="deputy_one_mandate_per_congress")
        ]
        indexes = [models.Index(fields=["congress", "status"])]

    def __str__(self):
        return f"{self.person.name}（{self.congress.get_level_display()}）"

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def level(self) -> str:
        return self.congress.level

    def clean(self):
        errors = {}
        if self.constituency_id and self.congress_id and self.constituency.congress_id != self.congress_id:
            errors["constituency"] = _("选区必须属于同一届人民代表大会。")
        # §三(五): a serving deputy belongs to exactly one group, of their own level (their own congress).
        if self.group_id and self.congress_id and self.group.congress_id != self.congress_id:
            errors["group"] = _("代表小组必须属于代表本人的同一届人民代表大会。")
        elif not self.group_id and self.status == DeputyStatus.SERVING:
            errors["group"] = _("在任代表须编入一个代表小组（§三(五)）。")
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("结束日期不能早于开始日期。")
        if errors:
            raise ValidationError(errors)

    def is_serving(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == DeputyStatus.SERVING
            and self.start_date <= on
            and (self.end_date is None or self.end_date >= on)
        )


class CommitteeKind(models.TextChoices):
    STANDING = "standing", _("常务委员会")
    SPECIAL = "special", _("专门委员会")
    WORKING = "working", _("工作委员会")


class Committee(models.Model):
    """The Standing Committee, a special committee or a working committee (R-REG-5, R-REG-6)."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="committees"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=CommitteeKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    fields = models.CharField(_("联系的行业领域"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Deputy, verbose_name=_("联系的代表"), blank=True, related_name="field_committees"
    )

    history = HistoricalRecords(m2m_fields=[deputies])

    class Meta:
        ordering = ["congress_id", "kind", "id"]
        verbose_name = _("委员会")
        verbose_name_plural = _("委员会")

    def __str__(self):
        return self.name


class CommitteeMember(models.Model):
    """A Standing Committee member (常委会组成人员) and the 3–5 district deputies they keep fixed
    contact with, chosen on the basis of the deputy groups (§三(三), R-REG-5)."""

    MIN_FIXED_CONTACTS = 3
    MAX_FIXED_CONTACTS = 5

    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.PROTECT, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="committee_seats"
    )
    title = models.CharField(_("职务"), max_length=100, blank=True)
    fixed_contacts = models.ManyToManyField(
        Deputy, verbose_name=_("固定联系的代表"), blank=True, related_name="committee_contacts"
    )

    history = HistoricalRecords(m2m_fields=[fixed_contacts])

    class Meta:
        ordering = ["committee_id", "id"]
        verbose_name = _("常委会组成人员")
        verbose_name_plural = _("常委会组成人员")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="committee_member_unique")
        ]

    def __str__(self):
        return self.person.name


class OrganizationKind(models.TextChoices):
    STREET_COMMITTEE = "street_committee", _("街道人大工委")
    TOWN_OFFICE = "town_office", _("镇人大办公室（代表联络室）")
    PERSONNEL_OFFICE = "personnel_office", _("人事代表工作室")
    LETTERS_SECTION = "letters_section", _("信访科")
    STANDING_OFFICE = "standing_office", _("区人大常委会办公室")
    HANDLING_UNIT = "handling_unit", _("承办单位")


LIAISON_BODY_KINDS = (
    OrganizationKind.STREET_COMMITTEE,
    OrganizationKind.TOWN_OFFICE,
    OrganizationKind.PERSONNEL_OFFICE,
    OrganizationKind.LETTERS_SECTION,
    OrganizationKind.STANDING_OFFICE,
)
# A street working committee serves a street, a town office a town (§五(二)).
LOCAL_LIAISON_BODY_KINDS = (OrganizationKind.STREET_COMMITTEE, OrganizationKind.TOWN_OFFICE)
# Bodies whose jurisdiction is the whole district rather than one street or town.
DISTRICT_WIDE_KINDS = (
    OrganizationKind.PERSONNEL_OFFICE,
    OrganizationKind.LETTERS_SECTION,
    OrganizationKind.STANDING_OFFICE,
)


class OrganizationQuerySet(models.QuerySet):
    def liaison_bodies(self):
        return self.filter(kind__in=LIAISON_BODY_KINDS)

    def handling_units(self):
        return self.filter(kind=OrganizationKind.HANDLING_UNIT)

    def local_liaison_bodies(self):
        """Street working committees and town offices: the bodies serving one street or town."""
        return self.filter(kind__in=LOCAL_LIAISON_BODY_KINDS)

    def serving(self, region):
        """The liaison body serving the street or town of `region` (§五(二)), or None."""
        area = region.street_or_town() if region is not None else None
        if area is None:
            return None
        return self.local_liaison_bodies().filter(region=area).order_by("id").first()


class Organization(models.Model):
    """A liaison body or a handling unit, with public contact details (R-REG-8, §五(六), §三(一))."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=30, choices=OrganizationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="organizations"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    wechat_qr = models.ImageField(_("微信群二维码"), upload_to="organizations/qr/", blank=True)
    description = models.TextField(_("简介"), blank=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["wechat_qr"])

    class Meta:
        ordering = ["kind", "region_id", "id"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            # One street working committee per street and one office per town (§五(二)).
            models.UniqueConstraint(
                fields=["kind", "region"],
                condition=Q(kind__in=["street_committee", "town_office"]),
                name="one_liaison_body_per_street_or_town",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_liaison_body(self) -> bool:
        return self.kind in LIAISON_BODY_KINDS

    @property
    def is_district_wide(self) -> bool:
        return self.kind in DISTRICT_WIDE_KINDS


class ContactPointKind(models.TextChoices):
    HOME = "home", _("代表之家")
    STATION = "station", _("代表联络站")
    POINT = "point", _("代表联系点")


class ContactPoint(models.Model):
    """家、站、点: venues where deputies meet the people (§三(三), R-REG-7)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=ContactPointKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="contact_points"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("主管机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_points",
    )
    address = models.CharField(_("地址"), max_length=200)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    reception_schedule = models.CharField(_("接待日安排"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True, validators=[validate_phone])

    history = HistoricalRecords()

    class Meta:
        ordering = ["region_id", "kind", "id"]
        verbose_name = _("联系站点")
        verbose_name_plural = _("联系站点")
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="contact_point_unique_name")]

    def __str__(self):
        return self.name


class ReceptionDuty(models.Model):
    """Who is on reception duty (代表接待日) at a venue on a given day."""

    contact_point = models.ForeignKey(
        ContactPoint, verbose_name=_("联系站点"), on_delete=models.CASCADE, related_name="duties"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="duties"
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time", "id"]
        verbose_name = _("接待值班")
        verbose_name_plural = _("接待值班")
        constraints = [
            models.UniqueConstraint(fields=["contact_point", "deputy", "date"], name="reception_duty_unique")
        ]

    def __str__(self):
        return f"{self.date} {self.deputy}"
