"""Query-string filters of the opinion and suggestion lists; the filtering itself is
`selectors.filter_opinions`, shared with the queue pages."""

from __future__ import annotations

import django_filters

from .models import Channel, OpinionState, RouteLevel, Suggestion, SuggestionKind, SuggestionState
from .selectors import filter_opinions


class OpinionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=OpinionState.choices, method="noop")
    level = django_filters.ChoiceFilter(choices=RouteLevel.choices, method="noop")
    region = django_filters.NumberFilter(method="noop", help_text="街道、镇或居（村）委会的编号")
    channel = django_filters.ChoiceFilter(choices=Channel.choices, method="noop")
    overdue = django_filters.BooleanFilter(method="noop")
    q = django_filters.CharFilter(method="noop", help_text="搜索内容、类别、查询码或编号")

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return filter_opinions(
            queryset,
            state=data.get("state") or None,
            level=data.get("level") or None,
            region=data.get("region") or None,
            channel=data.get("channel") or None,
            overdue=data.get("overdue"),
            q=data.get("q") or None,
        )


class SuggestionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SuggestionKind.choices)
    state = django_filters.ChoiceFilter(choices=SuggestionState.choices)
    deputy = django_filters.NumberFilter(field_name="deputy_id")

    class Meta:
        model = Suggestion
        fields = ["kind", "state", "deputy"]
