"""Forms of the rest of the yearly record: exemptions, reports to voters, research, training and
attendance, meetings with state organs, closing a year, Standing Committee members' contacts."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import (
    CommitteeMember,
    Constituency,
    Deputy,
    Organization,
)
from songjiang_liaison.forms import BootstrapMixin

from ..models import (
    AttendanceStatus,
    ReportForm,
    ResearchKind,
    TrainingPlan,
)
from .fields import (
    DateInput,
    _deputy_select,
    people_field,
)


class YearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class ExemptionForm(BootstrapMixin, forms.Form):
    deputy = forms.ModelChoiceField(label=_("代表"), queryset=Deputy.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies.select_related("person", "congress")
        self.fields["deputy"].label_from_instance = lambda d: f"{d.person.name}（{d.congress.name}）"
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        self._style_widgets()


class VoterReportForm(BootstrapMixin, forms.Form):
    """A performance report to the voters of the original constituency (§三(七), R-ACT-3)."""

    deputy = forms.ModelChoiceField(label=_("代表"), queryset=Deputy.objects.none(), empty_label=None)
    date = forms.DateField(label=_("报告日期"), widget=DateInput())
    form = forms.ChoiceField(label=_("报告形式"), choices=ReportForm.choices, initial=ReportForm.ORAL)
    constituency = forms.ModelChoiceField(
        label=_("选区"), queryset=Constituency.objects.none(), required=False
    )
    attendance = people_field(_("参加选民人数"))
    content = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    file = forms.FileField(label=_("报告文件"), required=False, help_text=_("PDF、Word 或图片。"))

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        _deputy_select(self, "deputy", deputies)
        self.fields["constituency"].queryset = Constituency.objects.filter(
            congress_id__in=deputies.values("congress_id")
        )
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self._style_widgets()


class ResearchReportForm(BootstrapMixin, forms.Form):
    """A thematic research or inspection report (§三(四), R-ACT-4)."""

    kind = forms.ChoiceField(label=_("类型"), choices=ResearchKind.choices)
    title = forms.CharField(label=_("题目"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    deputies = forms.ModelMultipleChoiceField(
        label=_("参加代表"), queryset=Deputy.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    organs_visited = forms.CharField(
        label=_("走访的机关和单位"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    summary = forms.CharField(label=_("报告摘要"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    document = forms.FileField(label=_("报告文件"), required=False)
    outcomes = forms.CharField(
        label=_("形成的议案和建议"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        _deputy_select(self, "deputies", deputies)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self._style_widgets()


class TrainingPlanForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    congress = forms.ModelChoiceField(label=_("人民代表大会"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        self._style_widgets()


class TrainingSessionForm(BootstrapMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("培训计划"), queryset=TrainingPlan.objects.none(), empty_label=None)
    title = forms.CharField(label=_("主题"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_value=99, decimal_places=1, initial=2)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self._style_widgets()


class AttendanceForm(BootstrapMixin, forms.Form):
    """One status per invited deputy; built dynamically from the deputies of the session's congress."""

    def __init__(self, *args, deputies, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = list(deputies)
        for deputy in self.deputies:
            self.fields[f"d{deputy.pk}"] = forms.ChoiceField(
                label=deputy.person.name,
                choices=[("", _("未登记")), *AttendanceStatus.choices],
                required=False,
                initial=current.get(deputy.pk, ""),
            )
        self._style_widgets()

    def statuses(self) -> dict[int, str]:
        return {
            deputy.pk: self.cleaned_data[f"d{deputy.pk}"]
            for deputy in self.deputies
            if self.cleaned_data.get(f"d{deputy.pk}")
        }


class MeetingRequestForm(BootstrapMixin, forms.Form):
    """A deputy asks to meet the head of a state organ (§五(五), R-ACT-7)."""

    deputy = forms.ModelChoiceField(
        label=_("以哪一届代表身份"), queryset=Deputy.objects.none(), empty_label=None
    )
    organ = forms.ModelChoiceField(
        label=_("约见机关"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("（其他机关）"),
    )
    organ_name = forms.CharField(label=_("其他机关名称"), max_length=200, required=False)
    head_name = forms.CharField(label=_("约见负责人"), max_length=100, required=False)
    subject = forms.CharField(label=_("约见事由"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, mandates, **kwargs):
        super().__init__(*args, **kwargs)
        _deputy_select(self, "deputy", mandates)
        if mandates.count() <= 1:
            self.fields["deputy"].widget = forms.HiddenInput()
            first = mandates.first()
            if first and not self.is_bound:
                self.initial["deputy"] = first.pk
        self.fields["organ"].queryset = Organization.objects.handling_units().order_by("name")
        self._style_widgets()


class MeetingArrangeForm(BootstrapMixin, forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("约见时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("约见地点"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class MeetingRecordForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label=_("约见日期"), widget=DateInput())
    notes = forms.CharField(label=_("约见记录"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        self._style_widgets()


class MeetingDeclineForm(BootstrapMixin, forms.Form):
    decline_reason = forms.CharField(label=_("未能安排的原因"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class CloseYearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("关闭年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)
        self._style_widgets()


class CommitteeContactForm(BootstrapMixin, forms.Form):
    """A Standing Committee member (or a special committee's member) records a contact with
    deputies (§三(三)): the deputies offered are the seat's fixed contacts (Standing Committee) or
    the deputies of related fields the committee keeps contact with."""

    member = forms.ModelChoiceField(label=_("以哪个职务"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("联系方式"))
    date = forms.DateField(label=_("日期"), widget=DateInput())
    subject = forms.CharField(label=_("主题"), max_length=200)
    deputies = forms.ModelMultipleChoiceField(
        label=_("联系的代表"), queryset=Deputy.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    views_heard = forms.CharField(
        label=_("听取的代表意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, seats, **kwargs):
        from ..models import CommitteeContactKind

        super().__init__(*args, **kwargs)
        seats = list(seats)
        self.fields["member"].queryset = CommitteeMember.objects.filter(
            pk__in=[s.pk for s in seats]
        ).select_related("committee", "person")
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.committee.name} · {m.title or m.person.name}"
        )
        if len(seats) <= 1:
            self.fields["member"].widget = forms.HiddenInput()
        if seats and not self.is_bound:
            self.initial.setdefault("member", seats[0].pk)
        self.fields["kind"].choices = CommitteeContactKind.choices
        self.fields["deputies"].queryset = (
            Deputy.objects.filter(Q(committee_contacts__in=seats) | Q(field_committees__members__in=seats))
            .distinct()
            .select_related("person", "constituency__region")
            .order_by("person__name")
        )
        self.fields["deputies"].label_from_instance = lambda d: (
            f"{d.person.name}（{d.constituency.region.name}）" if d.constituency_id else d.person.name
        )
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self._style_widgets()
