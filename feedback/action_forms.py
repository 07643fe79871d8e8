"""One small form per workflow action, built from the table in `feedback.workflow`, with choices that
follow what was already decided (issue 17):

- route: the district-level fields (kind, deputy, difficulty) are marked `data-route-district` so the
  page's script shows them only when 区级层面 is chosen; the deputy list holds only the district
  deputies elected in the opinion's street or town (and the deputy already handling it);
- assign: only the handling units of the level the opinion is at (the street's or town's own units
  for a street- or town-level matter, the district's units otherwise);
- reply: a unit answering for itself has no "on behalf of" field;
- feedback: the box starts with the units' replies, for the staff member to adapt for the citizen.

The choices are filtered on the server: a unit or deputy left out is refused by the form's own
validation too. The workflow (`feedback.workflow.steps`) keeps its wider checks for the API."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from deputies.models import Deputy, Level, Organization, RegionKind
from songjiang_liaison.forms import BootstrapMixin

from . import routing, workflow
from .models import RouteLevel
from .permissions import current_body

LOCAL_LEVELS = (RouteLevel.STREET, RouteLevel.TOWN)
DISTRICT_ONLY_FIELDS = ("kind", "deputy", "difficult")


class ActionForm(BootstrapMixin, forms.Form):
    """The data one workflow action takes. `expected_state` is the state the user saw: if someone
    else changed the opinion meanwhile, the workflow answers with a conflict and nothing changes.
    `user` (who will act) lets the form leave out what does not apply to them."""

    expected_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action: str, opinion, user=None, **kwargs):
        kwargs.setdefault("prefix", action)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("expected_state", opinion.state)
        if action == "feedback":
            initial.setdefault("public_note", units_replies(opinion))
        super().__init__(*args, **kwargs)
        self.action = action
        for spec in workflow.fields_for(action):
            if action == "reply" and spec.name == "unit" and not records_for_units(user, opinion):
                continue
            self.fields[spec.name] = _action_field(spec, action=action, opinion=opinion)
        if action == "route":
            for name in DISTRICT_ONLY_FIELDS:
                self.fields[name].widget.attrs["data-route-district"] = ""
        self._style_widgets()

    def workflow_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("expected_state", None)
        return data


def records_for_units(user, opinion) -> bool:
    """Whether this user records replies on a unit's behalf: the body the opinion is with or an
    administrator. A unit's own staff answer for their unit only. Unknown user: the field stays."""
    return user is None or current_body(workflow.actor_for(user), opinion)


def units_replies(opinion) -> str:
    """The replies of the units, as the starting text of the feedback to the citizen."""
    replies = opinion.assignments.filter(replied_at__isnull=False).exclude(reply_text="")
    return "\n\n".join(replies.order_by("replied_at", "id").values_list("reply_text", flat=True))


def units_for(opinion):
    """The handling units an opinion at its level may go to."""
    units = Organization.objects.handling_units()
    if opinion.level in LOCAL_LEVELS:
        area = opinion.region.street_or_town() if opinion.region_id else None
        return units.filter(region=area)
    if opinion.level:
        return units.filter(region__kind=RegionKind.DISTRICT)
    return units


def district_deputies_for(opinion):
    """The serving district deputies elected in the opinion's street or town, and the deputy already
    handling it; all serving district deputies when the opinion has no street or town."""
    deputies = Deputy.objects.serving().district()
    area = opinion.region.street_or_town() if opinion.region_id else None
    if area is not None:
        local = Q(constituency__region=area)
        if opinion.deputy_id:
            local |= Q(pk=opinion.deputy_id)
        deputies = deputies.filter(local)
    return deputies.select_related("person").order_by("person__name", "id")


def _choice_field(spec, *, action: str, opinion) -> forms.Field:
    choices = list(spec.choices)
    if action == "route" and spec.name == "level":
        allowed = set(routing.levels_for(opinion.region))
        choices = [(value, label) for value, label in choices if value in allowed]
    return forms.ChoiceField(label=spec.label, required=spec.required, choices=[("", "—"), *choices])


def _deputy_field(spec, *, opinion) -> forms.Field:
    field = forms.ModelChoiceField(
        label=spec.label, required=spec.required, queryset=district_deputies_for(opinion)
    )
    field.label_from_instance = lambda deputy: deputy.person.name
    if opinion.deputy_id and opinion.deputy.congress.level == Level.DISTRICT:
        field.initial = opinion.deputy_id
    return field


def _action_field(spec, *, action: str, opinion) -> forms.Field:
    required = spec.required
    if spec.kind == "text":
        return forms.CharField(
            label=spec.label,
            required=required,
            max_length=workflow.MAX_NOTE,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    if spec.kind == "choice":
        return _choice_field(spec, action=action, opinion=opinion)
    if spec.kind == "organizations":
        return forms.ModelMultipleChoiceField(
            label=spec.label,
            required=required,
            queryset=units_for(opinion).order_by("name"),
            widget=forms.CheckboxSelectMultiple,
        )
    if spec.kind == "organization":
        open_units = opinion.assignments.filter(replied_at__isnull=True).values("organization_id")
        return forms.ModelChoiceField(
            label=spec.label,
            required=required,
            queryset=Organization.objects.filter(pk__in=open_units).order_by("name"),
        )
    if spec.kind == "deputy":
        return _deputy_field(spec, opinion=opinion)
    if spec.kind == "opinion":
        return forms.IntegerField(label=spec.label, required=required, min_value=1)
    if spec.kind == "date":
        return forms.DateField(
            label=spec.label, required=required, widget=forms.DateInput(attrs={"type": "date"})
        )
    if spec.kind == "bool":
        return forms.BooleanField(label=spec.label, required=False)
    return forms.CharField(label=spec.label, required=required)
