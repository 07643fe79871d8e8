"""Forms of the contact-activity pages. They parse and check input; the rules and the writes live in
`contacts/services.py` (and the quota in `contacts/quotas.py`)."""

from __future__ import annotations

import datetime
import json

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deputies.images import ACCEPT_ATTRIBUTE
from deputies.models import (
    CommitteeMember,
    Constituency,
    ContactPoint,
    Deputy,
    DeputyGroup,
    Level,
    Organization,
)
from feedback.models import Opinion
from feedback.selectors import opinions_visible_to

from . import quotas
from .models import (
    MAX_PEOPLE_REACHED,
    ActivityKind,
    AttendanceStatus,
    ContactPurpose,
    ReportForm,
    ResearchKind,
    TrainingPlan,
)
from .services import MAX_PHOTOS


def _style(form: forms.Form) -> None:
    """Bootstrap classes on every widget, so templates can render fields generically."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one input. Whether each really is an image is checked (with Pillow) by the
    service that stores them (`contacts.services.log_activity`); its errors come back on this field."""

    widget = MultipleImageInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        uploads = [upload for upload in uploads if upload]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(_("最多上传 %(n)d 张照片。"), code="too_many", params={"n": MAX_PHOTOS})
        return uploads

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ACCEPT_ATTRIBUTE
        return attrs


class VersionField(forms.CharField):
    """The version of an activity as the user saw it (its `updated_at`, ISO 8601, in a hidden input):
    the service refuses a confirmation or a change when the activity has changed since."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": _("页面已过期，请重新打开该活动，核对后再提交。"),
        "invalid": _("页面已过期，请重新打开该活动，核对后再提交。"),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            version = datetime.datetime.fromisoformat(value)
        except ValueError:
            version = None
        if version is None or version.tzinfo is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return version


def version_of(activity) -> str:
    return activity.updated_at.isoformat()


class DeputyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        region = obj.constituency.region.name if obj.constituency_id else ""
        return f"{obj.person.name}（{region}）" if region else obj.person.name


class GroupedDeputyCheckboxes(forms.CheckboxSelectMultiple):
    """Deputy boxes that carry their group (`data-group`), so that choosing a group on the
    registration form ticks its members on screen (static/js/group-register.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        deputy = getattr(value, "instance", None)
        if deputy is not None and deputy.group_id:
            option["attrs"]["data-group"] = str(deputy.group_id)
        return option


class OpinionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        received = timezone.localtime(obj.received_at).date().isoformat()
        content = obj.content if len(obj.content) <= 40 else obj.content[:40] + "…"
        return f"{received} {content}"


def people_field(label, help_text=""):
    """A head count. It starts empty, not at 0: an untouched form asks for the number instead of
    saving a record of nobody by one accidental tap."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_PEOPLE_REACHED,
        help_text=help_text,
        error_messages={
            "min_value": _("人数不能为负数。"),
            "max_value": _("人数不能超过 %(limit_value)s，请检查是否填写错误。"),
            "invalid": _("请填写整数。"),
            "required": _("请填写人数。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def joinable_groups(mandates):
    """The deputy groups whose activities these mandates may take part in (§三(五)): their own groups,
    and for a district mandate the town groups of the town where it was elected."""
    own = [m.group_id for m in mandates if m.group_id]
    towns = [
        m.constituency.region_id
        for m in mandates
        if m.congress.level == Level.DISTRICT and m.constituency_id is not None
    ]
    return (
        DeputyGroup.objects.filter(Q(pk__in=own) | Q(congress__level=Level.TOWN, region_id__in=towns))
        .select_related("congress")
        .order_by("congress_id", "name")
    )


def lock_kind_flags(form) -> None:
    """The kind decides the constituency boxes for some kinds (quotas.implied_flags): the kind's
    select carries that table, static/js/activity-kind.js ticks and locks the boxes when it changes.
    Without the script the service refuses a contradiction with a message on the box."""
    implied = {kind: quotas.implied_flags(kind) for kind, _label in ActivityKind.choices}
    form.fields["kind"].widget.attrs["data-implied-flags"] = json.dumps(
        {kind: flags for kind, flags in implied.items() if flags}
    )
    form.fields["kind"].widget.attrs["data-flags-locked-text"] = gettext("由活动方式决定")


def own_opinions(user, mandate_ids):
    """The opinions a deputy may link to an activity: those naming one of their mandates or recorded
    by them (the service re-checks this)."""
    return Opinion.objects.filter(Q(deputy_id__in=mandate_ids) | Q(recorded_by=user)).order_by("-received_at")


class ActivityForm(forms.Form):
    """Log (or change) one contact activity (R-ACT-1), from a phone.

    Only input is parsed here; the rules (date within the mandate and not in the future, the
    constituency of the same congress, the flags, photos being images) are the service's, whose
    errors the view puts back on these fields. `mandates` are the caller's own mandates (a person may
    hold a district and a town mandate). With ``activity`` the form changes an existing activity: the
    mandate and the photos are then not asked for, and the activity's version travels with the form
    so that a save over someone else's later change is refused rather than overwriting it.
    """

    mandate = forms.ModelChoiceField(
        label=_("以哪一届代表身份"), queryset=Deputy.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("活动方式"), choices=ActivityKind.choices)
    date = forms.DateField(
        label=_("活动日期"),
        widget=DateInput(),
        error_messages={"invalid": _("请填写有效日期，例如 2026-05-01。"), "required": _("请填写活动日期。")},
    )
    venue = forms.ModelChoiceField(
        label=_("联系站点"),
        queryset=ContactPoint.objects.none(),
        required=False,
        empty_label=_("（不在站点）"),
    )
    place = forms.CharField(label=_("其他地点"), max_length=200, required=False)
    constituency = forms.ModelChoiceField(
        label=_("选区"),
        queryset=Constituency.objects.none(),
        required=False,
        empty_label=_("（不涉及选区）"),
    )
    is_constituency_contact = forms.BooleanField(label=_("进选区联系群众"), required=False)
    is_centralized = forms.BooleanField(label=_("集中联系选区"), required=False)
    group = forms.ModelChoiceField(
        label=_("代表小组活动"),
        queryset=DeputyGroup.objects.none(),
        required=False,
        empty_label=_("（不是代表小组活动）"),
        help_text=_("区人大代表参加其当选所在镇的镇人大代表小组活动时，请选择该小组（§三(五)）。"),
    )
    people_reached = people_field(_("联系群众（人次）"))
    purposes = forms.MultipleChoiceField(
        label=_("联系内容（§二，可多选）"),
        choices=ContactPurpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("活动情况"),
        max_length=5000,
        # A placeholder, not a help text: the form must still fit one phone screen.
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("联系群众为 0 人次时必填")}),
        required=False,
    )
    photos = MultipleImageField(label=_("活动照片"))
    opinions = OpinionChoiceField(
        label=_("收集的社情民意"),
        queryset=Opinion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(label=_("在代表主页公开这次活动"), required=False)

    # Fields shown at once; the rest sit behind "更多" so the form fits one phone screen.
    main_fields = (
        "mandate",
        "kind",
        "date",
        "constituency",
        "is_constituency_contact",
        "is_centralized",
        "people_reached",
        "summary",
        "version",
    )

    def __init__(self, *args, mandates, user, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        mandates = list(mandates)
        mandate_ids = [m.pk for m in mandates]
        congress_ids = {m.congress_id for m in mandates}
        if activity is None:
            self.fields["mandate"].queryset = Deputy.objects.filter(pk__in=mandate_ids).select_related(
                "person", "congress"
            )
            self.fields["mandate"].label_from_instance = lambda d: d.congress.name
            if len(mandates) <= 1:
                self.fields["mandate"].widget = forms.HiddenInput()
            if mandates and not self.is_bound:
                self.initial.setdefault("mandate", mandates[0].pk)
                self.initial.setdefault("constituency", mandates[0].constituency_id)
            self.initial.setdefault("date", timezone.localdate())
            self.fields["photos"].help_text = gettext("JPEG、PNG 或 WebP 图片，最多 %(n)d 张。") % {
                "n": MAX_PHOTOS
            }
        else:
            del self.fields["mandate"]
            del self.fields["photos"]
            # Optional, like the opinions' expected state: a client without it saves as before.
            self.fields["version"] = VersionField(initial=version_of(activity), required=False)
        if activity is None:
            groups = joinable_groups(mandates)
            self.fields["group"].queryset = groups
        else:
            # The group of an activity is set when it is logged (the participants depend on it).
            groups = DeputyGroup.objects.filter(pk=activity.group_id)
            del self.fields["group"]
        # A group's activity may take place in a constituency of the group's congress (§三(五)).
        self.fields["constituency"].queryset = (
            Constituency.objects.filter(
                Q(congress_id__in=congress_ids)
                | Q(congress_id__in=groups.values("congress_id"), region_id__in=groups.values("region_id"))
            )
            .select_related("region")
            .order_by("congress_id", "number", "id")
        )
        self.fields["constituency"].label_from_instance = lambda c: f"{c.region.name} · {c.name}"
        self.fields["venue"].queryset = ContactPoint.objects.order_by("region_id", "name")
        opinions = own_opinions(user, mandate_ids)
        if activity is not None:
            # Linked opinions the user may not see are neither shown nor dropped (the service keeps them).
            opinions = opinions | opinions_visible_to(user).filter(activities=activity)
        self.fields["opinions"].queryset = opinions.distinct()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        lock_kind_flags(self)
        _style(self)

    def clean(self):
        data = super().clean()
        # The description is optional (the head count says what was done), but a record of no one
        # met must say what happened, or it is an empty record logged by mistake.
        if data.get("people_reached") == 0 and not data.get("summary"):
            self.add_error("summary", _("联系群众为 0 人次时，请简要写明活动情况。"))
        return data

    def main(self):
        return [self[name] for name in self.main_fields if name in self.fields]

    def more(self):
        return [self[name] for name in self.fields if name not in self.main_fields]

    def more_has_errors(self) -> bool:
        return any(field.errors for field in self.more())

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        mandate = data.pop("mandate", None)
        if mandate is not None:
            data["participants"] = [mandate]
        if "opinions" in data:
            data["opinions"] = list(data["opinions"])
        data["place"] = data.get("place") or ""
        return data


def body_constituency(user, constituencies):
    """The first constituency (by number) in the street or town of the user's liaison body, the usual
    place of the activities it registers; None for district-wide bodies."""
    body = getattr(user, "organization", None)
    if body is None or not body.region.is_street_or_town:
        return None
    first = constituencies.filter(region_id=body.region_id).order_by("number", "id").first()
    return first.pk if first is not None else None


class StaffActivityForm(ActivityForm):
    """An activity a liaison body organized, registered for many deputies at once (R-ACT-5): pick a
    deputy group (its serving members are added) and/or individual deputies of the jurisdiction."""

    group = forms.ModelChoiceField(
        label=_("代表小组（全组参加）"),
        queryset=DeputyGroup.objects.none(),
        required=False,
        empty_label=_("（不按小组，逐一选择代表）"),
        help_text=_(
            "小组活动须在小组所在街道或镇的选区内进行；在该镇当选的区人大代表可另行勾选参加（§三(五)）。"
        ),
    )
    deputies = DeputyChoiceField(
        label=_("参加代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=GroupedDeputyCheckboxes,
    )
    main_fields = (
        "group",
        "deputies",
        "kind",
        "date",
        "constituency",
        "is_constituency_contact",
        "is_centralized",
        "people_reached",
        "summary",
    )

    def __init__(self, *args, deputies, user, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        for name in ("mandate", "opinions", "is_public"):
            del self.fields[name]
        deputies = deputies.select_related("person", "congress", "constituency__region")
        self.fields["deputies"].queryset = deputies.order_by(
            "congress_id", "constituency__region_id", "person__name"
        )
        congress_ids = deputies.values("congress_id")
        self.fields["group"].queryset = (
            DeputyGroup.objects.filter(pk__in=deputies.values("group_id"))
            .select_related("congress")
            .order_by("congress_id", "name")
        )
        self.fields["constituency"].queryset = (
            Constituency.objects.filter(congress_id__in=congress_ids)
            .select_related("region")
            .order_by("congress_id", "number", "id")
        )
        self.fields["constituency"].label_from_instance = lambda c: f"{c.region.name} · {c.name}"
        self.fields["constituency"].initial = body_constituency(user, self.fields["constituency"].queryset)
        self.fields["group"].widget.attrs["data-ticks-group"] = ""
        self.fields["venue"].queryset = ContactPoint.objects.order_by("region_id", "name")
        self.fields["kind"].initial = ActivityKind.CENTRALIZED
        self.fields["is_constituency_contact"].initial = True
        self.fields["is_centralized"].initial = True
        self.initial.setdefault("date", timezone.localdate())
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        lock_kind_flags(self)
        _style(self)

    def clean(self):
        data = super().clean()
        if not data.get("group") and not data.get("deputies"):
            self.add_error("deputies", _("请选择代表小组或至少一位参加代表。"))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["deputies"] = list(data.get("deputies") or [])
        data["place"] = data.get("place") or ""
        return data


class ConfirmActivityForm(forms.Form):
    """The confirm button of an activity: carries the version the liaison staff checked (R-ACT-5)."""

    version = VersionField()


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class ExemptionForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("代表"), queryset=Deputy.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    reason = forms.CharField(label=_("原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies.select_related("person", "congress")
        self.fields["deputy"].label_from_instance = lambda d: f"{d.person.name}（{d.congress.name}）"
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        _style(self)


def _deputy_select(form, name, deputies, *, multiple=False):
    field = form.fields[name]
    field.queryset = deputies.select_related("person", "congress")
    field.label_from_instance = lambda d: f"{d.person.name}（{d.congress.name}）"


class VoterReportForm(forms.Form):
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
        _style(self)


class ResearchReportForm(forms.Form):
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
        _style(self)


class TrainingPlanForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    congress = forms.ModelChoiceField(label=_("人民代表大会"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
        _style(self)


class TrainingSessionForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("培训计划"), queryset=TrainingPlan.objects.none(), empty_label=None)
    title = forms.CharField(label=_("主题"), max_length=200)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_value=99, decimal_places=1, initial=2)

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        _style(self)


class AttendanceForm(forms.Form):
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
        _style(self)

    def statuses(self) -> dict[int, str]:
        return {
            deputy.pk: self.cleaned_data[f"d{deputy.pk}"]
            for deputy in self.deputies
            if self.cleaned_data.get(f"d{deputy.pk}")
        }


class MeetingRequestForm(forms.Form):
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
        _style(self)


class MeetingArrangeForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("约见时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("约见地点"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MeetingRecordForm(forms.Form):
    held_on = forms.DateField(label=_("约见日期"), widget=DateInput())
    notes = forms.CharField(label=_("约见记录"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        _style(self)


class MeetingDeclineForm(forms.Form):
    decline_reason = forms.CharField(label=_("未能安排的原因"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class AmendActivityForm(ActivityForm):
    """A correction by the liaison body (closed year or confirmed activity): the fields plus a reason."""

    reason = forms.CharField(label=_("更正原因"), max_length=300)
    main_fields = ("reason", *ActivityForm.main_fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs.setdefault("class", "form-control")


class CloseYearForm(forms.Form):
    year = forms.IntegerField(label=_("关闭年度"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)
        _style(self)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def as_plan(form) -> None:
    """Turn an activity form into the form that announces an activity ahead (planned): a topic and
    times instead of the people reached, photos and opinions (those come when it is recorded); a date
    from today on; published on the public calendar unless unticked."""
    for name in ("people_reached", "photos", "opinions", "summary", "is_public"):
        form.fields.pop(name, None)
    form.fields["title"] = forms.CharField(label=_("活动主题"), max_length=200)
    form.fields["start_time"] = forms.TimeField(label=_("开始时间"), required=False, widget=TimeInput())
    form.fields["end_time"] = forms.TimeField(label=_("结束时间"), required=False, widget=TimeInput())
    form.fields["summary"] = forms.CharField(
        label=_("活动安排"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    form.fields["is_public"] = forms.BooleanField(
        label=_("在活动日历上向公众公布"), required=False, initial=True
    )
    form.fields["date"].widget.attrs.pop("max", None)
    form.fields["date"].widget.attrs["min"] = timezone.localdate().isoformat()
    if not form.is_bound:
        form.initial["date"] = timezone.localdate() + datetime.timedelta(days=7)
    _style(form)


PLAN_MAIN_FIELDS = ("title", "kind", "date", "start_time", "end_time", "constituency", "summary")


class PlanActivityForm(ActivityForm):
    """A deputy announces an activity ahead (§五(三)): it shows on the public calendar and never
    counts until it is recorded as held."""

    main_fields = ("mandate", *PLAN_MAIN_FIELDS, "is_constituency_contact", "is_centralized")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        as_plan(self)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "planned": True}


class StaffPlanActivityForm(StaffActivityForm):
    """A liaison body announces an activity it organizes for its deputies (a group's activity, a
    centralized contact, a report to voters, a training)."""

    main_fields = ("group", "deputies", *PLAN_MAIN_FIELDS, "is_constituency_contact", "is_centralized")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        as_plan(self)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "planned": True, "people_reached": 0}


class RecordPlanForm(forms.Form):
    """The day has passed: the organiser records what happened, in one step (the plan becomes the
    record and counts from then on)."""

    people_reached = people_field(_("联系群众（人次）"))
    summary = forms.CharField(
        label=_("活动情况"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=_("活动照片"))
    version = VersionField(required=False)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(activity)
        if not self.is_bound:
            self.initial["summary"] = activity.summary
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("people_reached") == 0 and not data.get("summary"):
            self.add_error("summary", _("联系群众为 0 人次时，请简要写明活动情况。"))
        return data


class CalendarFilterForm(forms.Form):
    """The public calendar's filters: a street or town, a venue."""

    region = forms.ModelChoiceField(
        label=_("街道或镇"), queryset=None, required=False, empty_label=_("（全区）")
    )
    venue = forms.ModelChoiceField(
        label=_("联系站点"),
        queryset=ContactPoint.objects.none(),
        required=False,
        empty_label=_("（全部站点）"),
    )

    def __init__(self, *args, **kwargs):
        from deputies.models import Region

        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.streets_and_towns()
        self.fields["venue"].queryset = ContactPoint.objects.order_by("region_id", "name")
        _style(self)


class CommitteeContactForm(forms.Form):
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
        from .models import CommitteeContactKind

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
        _style(self)
