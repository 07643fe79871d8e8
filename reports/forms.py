"""Parsing the report's query parameters (year, level, street or town, group, compliant, sort).

A street, town or group outside the reader's jurisdiction is answered with 404, like any other
object the reader may not see.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from contacts import quotas
from deputies.models import Level
from songjiang_liaison.forms import BootstrapMixin, MultiplePhotoField

from .selectors import SORT_FIELDS, ReportFilters, groups_for_filter, regions_for_filter


def parse_year(value: str | None) -> int:
    """The year asked for (this year when none), within `quotas.years_accepted()`."""
    if not value:
        return timezone.localdate().year
    first, last = quotas.years_accepted()
    try:
        year = int(value)
    except ValueError as exc:
        raise ValidationError({"year": quotas.year_refused_message()}) from exc
    if not first <= year <= last:
        raise ValidationError({"year": quotas.year_refused_message()})
    return year


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise Http404 from exc


def parse_filters(params, *, user, year: int, regions=None, groups=None) -> ReportFilters:
    """Filters from a query dict. `regions` and `groups` (the reader's choices, if already loaded)
    save a query each; otherwise the choice is checked with one query."""
    level = params.get("level") or None
    if level and level not in Level.values:
        raise ValidationError({"level": _("层级无效。")})
    region = group = None
    if params.get("region"):
        region = _int_or_404(params["region"])
        allowed = (
            {r.pk for r in regions}
            if regions is not None
            else set(regions_for_filter(user).filter(pk=region).values_list("pk", flat=True))
        )
        if region not in allowed:
            raise Http404
    if params.get("group"):
        group = _int_or_404(params["group"])
        allowed = (
            {g.pk for g in groups}
            if groups is not None
            else set(groups_for_filter(user, year).filter(pk=group).values_list("pk", flat=True))
        )
        if group not in allowed:
            raise Http404
    answer = params.get("compliant") or ""
    if answer not in ("", "yes", "no"):
        raise ValidationError({"compliant": _("是否达标只能为 yes 或 no。")})
    compliant = {"yes": True, "no": False}.get(answer)
    sort = params.get("sort") or ""
    if sort.lstrip("-") not in SORT_FIELDS:
        sort = ""
    return ReportFilters(level=level, region=region, group=group, compliant=compliant, sort=sort)


class FundPlanForm(BootstrapMixin, forms.Form):
    planned = forms.DecimalField(label=_lazy("年度计划（元）"), min_value=0, max_digits=12, decimal_places=2)
    notes = forms.CharField(label=_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SpendingForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_lazy("金额（元）"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    purpose = forms.CharField(label=_lazy("用途"), max_length=200)


class ArticleForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_lazy("标题"), max_length=200)
    body = forms.CharField(label=_lazy("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    deputies = forms.ModelMultipleChoiceField(
        label=_lazy("相关代表"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    photos = MultiplePhotoField(label=_lazy("照片"), required=False)

    def __init__(self, *args, deputies_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies_queryset
