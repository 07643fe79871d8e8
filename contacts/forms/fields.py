"""The fields, widgets and helpers the contact-activity forms share (dates, versions, deputies' and
opinions' choices, head counts, the groups a mandate may join)."""

from __future__ import annotations

import datetime
import json

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deputies.models import (
    DeputyGroup,
    Level,
)
from feedback.models import Opinion

from .. import quotas
from ..models import (
    MAX_PEOPLE_REACHED,
    ActivityKind,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


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


def _deputy_select(form, name, deputies, *, multiple=False):
    field = form.fields[name]
    field.queryset = deputies.select_related("person", "congress")
    field.label_from_instance = lambda d: f"{d.person.name}（{d.congress.name}）"
