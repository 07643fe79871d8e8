"""Query-string filters of the opinion and suggestion lists; the filtering itself is
`selectors.filter_opinions`, shared with the queue pages."""

from __future__ import annotations

import django_filters

from songjiang_liaison.filters import BoundedFilterSet

from .models import Channel, OpinionState, RouteLevel, Suggestion, SuggestionKind, SuggestionState
from .selectors import filter_opinions


class OpinionFilter(BoundedFilterSet):
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


class SuggestionFilter(BoundedFilterSet):
    """`?q=` (title, content, answer), `kind`, `state`, `year` (of submission), `unit` (lead or
    co-unit), `deputy`; the filtering itself is `suggestions.selectors.filter_suggestions`."""

    q = django_filters.CharFilter(method="filter_all")
    kind = django_filters.ChoiceFilter(choices=SuggestionKind.choices, method="filter_all")
    state = django_filters.ChoiceFilter(choices=SuggestionState.choices, method="filter_all")
    year = django_filters.NumberFilter(method="filter_all")
    unit = django_filters.NumberFilter(method="filter_all")
    deputy = django_filters.NumberFilter(method="filter_all")

    class Meta:
        model = Suggestion
        fields = ["q", "kind", "state", "year", "unit", "deputy"]

    def filter_all(self, queryset, name, value):
        return queryset  # all filters apply together in filter_queryset

    def filter_queryset(self, queryset):
        from .suggestions.selectors import filter_suggestions

        data = self.form.cleaned_data
        return filter_suggestions(
            queryset,
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            state=data.get("state") or "",
            year=int(data["year"]) if data.get("year") else None,
            unit=int(data["unit"]) if data.get("unit") else None,
            deputy=int(data["deputy"]) if data.get("deputy") else None,
        )
