"""Forms of a contact activity: logged by a deputy or registered by a liaison body, confirmed,
amended, announced ahead (planned) and recorded as held; the public calendar's filters."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deputies.models import (
    Constituency,
    ContactPoint,
    Deputy,
    DeputyGroup,
)
from feedback.models import Opinion
from feedback.selectors import opinions_visible_to
from songjiang_liaison.forms import BootstrapMixin, MultiplePhotoField, style_form

from ..models import (
    ActivityKind,
    ContactPurpose,
)
from ..services import MAX_PHOTOS
from .fields import (
    DateInput,
    DeputyChoiceField,
    GroupedDeputyCheckboxes,
    OpinionChoiceField,
    TimeInput,
    VersionField,
    joinable_groups,
    lock_kind_flags,
    own_opinions,
    people_field,
    version_of,
)


class ActivityForm(BootstrapMixin, forms.Form):
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
    photos = MultiplePhotoField(label=_("活动照片"), max_files=MAX_PHOTOS)
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
        self._style_widgets()

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
        self._style_widgets()

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


class ConfirmActivityForm(BootstrapMixin, forms.Form):
    """The confirm button of an activity: carries the version the liaison staff checked (R-ACT-5)."""

    version = VersionField()


class AmendActivityForm(ActivityForm):
    """A correction by the liaison body (closed year or confirmed activity): the fields plus a reason."""

    reason = forms.CharField(label=_("更正原因"), max_length=300)
    main_fields = ("reason", *ActivityForm.main_fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


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
    style_form(form)


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


class RecordPlanForm(BootstrapMixin, forms.Form):
    """The day has passed: the organiser records what happened, in one step (the plan becomes the
    record and counts from then on)."""

    people_reached = people_field(_("联系群众（人次）"))
    summary = forms.CharField(
        label=_("活动情况"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultiplePhotoField(label=_("活动照片"), max_files=MAX_PHOTOS)
    version = VersionField(required=False)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version_of(activity)
        if not self.is_bound:
            self.initial["summary"] = activity.summary
        self._style_widgets()

    def clean(self):
        data = super().clean()
        if data.get("people_reached") == 0 and not data.get("summary"):
            self.add_error("summary", _("联系群众为 0 人次时，请简要写明活动情况。"))
        return data


class CalendarFilterForm(BootstrapMixin, forms.Form):
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
        self._style_widgets()
