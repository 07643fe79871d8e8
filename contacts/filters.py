"""Filters of the activities list (API and pages)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from songjiang_liaison.filters import BoundedFilterSet

from .models import ActivityKind, ContactActivity, Participation


class ActivityFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("年度"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("活动方式"))
    deputy = django_filters.NumberFilter(method="filter_deputy", label=_("代表"))
    confirmed = django_filters.BooleanFilter(
        field_name="confirmed_at", lookup_expr="isnull", exclude=True, label=_("已确认")
    )

    class Meta:
        model = ContactActivity
        fields = [
            "year",
            "date_from",
            "date_to",
            "kind",
            "deputy",
            "is_constituency_contact",
            "is_centralized",
            "planned",
            "group",
        ]

    def filter_deputy(self, queryset, name, value):
        return queryset.filter(pk__in=Participation.objects.filter(deputy_id=value).values("activity_id"))
