"""Forms that announce a report to the voters ahead and record it once held (§三(七), §五(三)), and the
scheduling fields of a training session; the rules are checked again by `contacts.record_services`."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Constituency, ContactPoint
from songjiang_liaison.forms import style_form

from .forms import DateInput, TimeInput, TrainingSessionForm, _deputy_select, people_field
from .models import ReportForm


def _venue_field():
    return forms.ModelChoiceField(
        label=_("联系站点"),
        queryset=ContactPoint.objects.none(),
        required=False,
        empty_label=_("（不在站点）"),
    )


def add_schedule_fields(form) -> None:
    """Start and end times, a venue or place, and whether it is on the public calendar."""
    form.fields["start_time"] = forms.TimeField(label=_("开始时间"), required=False, widget=TimeInput())
    form.fields["end_time"] = forms.TimeField(label=_("结束时间"), required=False, widget=TimeInput())
    form.fields["venue"] = _venue_field()
    form.fields["venue"].queryset = ContactPoint.objects.order_by("region_id", "name")
    form.fields["is_public"] = forms.BooleanField(
        label=_("在活动日历上向公众公布"), required=False, initial=True
    )


class VoterReportPlanForm(forms.Form):
    """Announce a report to the voters: shown on the public calendar; voters may send questions."""

    deputy = forms.ModelChoiceField(label=_("代表"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("报告日期"), widget=DateInput())
    form = forms.ChoiceField(label=_("报告形式"), choices=ReportForm.choices, initial=ReportForm.ORAL)
    constituency = forms.ModelChoiceField(
        label=_("选区"), queryset=Constituency.objects.none(), required=False
    )
    place = forms.CharField(label=_("其他地点"), max_length=200, required=False)

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        _deputy_select(self, "deputy", deputies)
        self.fields["constituency"].queryset = Constituency.objects.filter(
            congress_id__in=deputies.values("congress_id")
        )
        add_schedule_fields(self)
        self.order_fields(["deputy", "date", "start_time", "end_time", "form", "constituency", "venue"])
        self.fields["date"].widget.attrs["min"] = timezone.localdate().isoformat()
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate() + datetime.timedelta(days=7))
        style_form(self)


class VoterReportHeldForm(forms.Form):
    """Record a planned report once held: who came and what was reported."""

    attendance = people_field(_("参加选民人数"))
    content = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    file = forms.FileField(label=_("报告文件"), required=False, help_text=_("PDF、Word 或图片。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ScheduledTrainingSessionForm(TrainingSessionForm):
    """A training session announced ahead: times, venue, and whether it is on the public calendar."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_schedule_fields(self)
        self.order_fields(["plan", "title", "date", "start_time", "end_time", "venue", "place", "hours"])
        style_form(self)
