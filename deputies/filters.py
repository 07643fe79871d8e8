"""django-filter FilterSets for the registry API (and any page that wants the same filters)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from songjiang_liaison.filters import BoundedFilterSet

from .models import (
    LIAISON_BODY_KINDS,
    Congress,
    Constituency,
    ContactPoint,
    ContactPointKind,
    Deputy,
    DeputyGroup,
    DeputyStatus,
    Gender,
    Level,
    Organization,
    OrganizationKind,
    Region,
    RegionKind,
)

STATUS_ALL = "all"
STATUS_CHOICES = [
    (DeputyStatus.SERVING, _("在任")),
    (DeputyStatus.ENDED, _("已终止")),
    (STATUS_ALL, _("全部")),
]


class RegionFilter(BoundedFilterSet):
    kind = django_filters.ChoiceFilter(choices=RegionKind.choices, label=_("类型"))
    parent = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("上级"))
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("code", "code"), ("id", "id")))

    class Meta:
        model = Region
        fields = ["kind", "parent"]


class CongressFilter(BoundedFilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("层级"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("行政区域"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("本届"))
    ordering = django_filters.OrderingFilter(
        fields=(("start_date", "start_date"), ("term_number", "term_number"), ("id", "id"))
    )

    class Meta:
        model = Congress
        fields = ["level", "region", "current"]

    def filter_current(self, queryset, name, value):
        current = Congress.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class ConstituencyFilter(BoundedFilterSet):
    congress = django_filters.ModelChoiceFilter(queryset=Congress.objects.all(), label=_("人民代表大会"))
    level = django_filters.ChoiceFilter(field_name="congress__level", choices=Level.choices, label=_("层级"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在街道或镇"))
    area = django_filters.ModelChoiceFilter(
        field_name="areas", queryset=Region.objects.committees(), label=_("居委会、村委会")
    )
    ordering = django_filters.OrderingFilter(fields=(("number", "number"), ("name", "name"), ("id", "id")))

    class Meta:
        model = Constituency
        fields = ["congress", "level", "region", "area"]


class DeputyGroupFilter(BoundedFilterSet):
    congress = django_filters.ModelChoiceFilter(queryset=Congress.objects.all(), label=_("人民代表大会"))
    level = django_filters.ChoiceFilter(field_name="congress__level", choices=Level.choices, label=_("层级"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在街道或镇"))
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("id", "id")))

    class Meta:
        model = DeputyGroup
        fields = ["congress", "level", "region"]


class DeputyFilter(BoundedFilterSet):
    """Without `status`, only deputies serving today are listed; `status=all` lists every mandate."""

    level = django_filters.ChoiceFilter(field_name="congress__level", choices=Level.choices, label=_("层级"))
    congress = django_filters.ModelChoiceFilter(queryset=Congress.objects.all(), label=_("人民代表大会"))
    region = django_filters.ModelChoiceFilter(
        field_name="constituency__region",
        queryset=Region.objects.streets_and_towns(),
        label=_("选区所在街道或镇"),
    )
    area = django_filters.ModelChoiceFilter(
        field_name="constituency__areas",
        queryset=Region.objects.committees(),
        label=_("居委会、村委会（查找我的代表）"),
    )
    constituency = django_filters.ModelChoiceFilter(queryset=Constituency.objects.all(), label=_("选区"))
    group = django_filters.ModelChoiceFilter(queryset=DeputyGroup.objects.all(), label=_("代表小组"))
    gender = django_filters.ChoiceFilter(field_name="person__gender", choices=Gender.choices, label=_("性别"))
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=_("状态（默认：在任）")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("person__name", "name"), ("start_date", "start_date"), ("id", "id"))
    )

    class Meta:
        model = Deputy
        fields = ["level", "congress", "region", "area", "constituency", "group", "gender", "status"]

    def filter_status(self, queryset, name, value):
        if value == DeputyStatus.SERVING:
            return queryset.serving()
        if value == DeputyStatus.ENDED:
            return queryset.exclude(pk__in=Deputy.objects.serving().values("pk"))
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.serving()
        return queryset


class OrganizationFilter(BoundedFilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices, label=_("类型"))
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), label=_("所在区域"))
    liaison_body = django_filters.BooleanFilter(method="filter_liaison_body", label=_("联络机构"))
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("id", "id")))

    class Meta:
        model = Organization
        fields = ["kind", "region", "liaison_body"]

    def filter_liaison_body(self, queryset, name, value):
        if value:
            return queryset.filter(kind__in=LIAISON_BODY_KINDS)
        return queryset.exclude(kind__in=LIAISON_BODY_KINDS)


class ContactPointFilter(BoundedFilterSet):
    kind = django_filters.ChoiceFilter(choices=ContactPointKind.choices, label=_("类型"))
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), method="filter_region", label=_("所在区域（含下级）")
    )
    organization = django_filters.ModelChoiceFilter(queryset=Organization.objects.all(), label=_("主管机构"))
    ordering = django_filters.OrderingFilter(fields=(("name", "name"), ("id", "id")))

    class Meta:
        model = ContactPoint
        fields = ["kind", "region", "organization"]

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__in=Region.objects.within(value))
