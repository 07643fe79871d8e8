"""Forms of the suggestion pages: the draft, and one form per workflow action built from the
action's fields in the table (so the page and the API ask for the same data)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songjiang_liaison.forms import BootstrapMixin, MultipleFileField

from . import workflow
from .models import SuggestionKind, SuggestionState


class DraftForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SuggestionKind.choices)
    session = forms.IntegerField(
        label=_("会议次数"), required=False, min_value=1, max_value=99, help_text=_("例如第3次会议填3。")
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("一事一议：一件建议只写一个事项，写明问题、原因和具体建议。"),
    )
    co_signers = forms.MultipleChoiceField(
        label=_("附议代表"),
        required=False,
        help_text=_("同一届人民代表大会的代表；议案须有规定人数的代表附议，每位代表在平台上确认后才计入。"),
    )
    source_opinions = forms.MultipleChoiceField(
        label=_("来源社情民意"), required=False, widget=forms.CheckboxSelectMultiple
    )
    attachments = MultipleFileField(
        label=_("附件"), required=False, help_text=_("PDF、Word、ODF、文本或图片，每个不超过10 MB。")
    )
    confidential = forms.BooleanField(label=_("不公开（涉密或涉及个人隐私）"), required=False)

    def __init__(self, *args, co_signer_choices=(), opinion_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_signers"].choices = [(str(d.pk), d.person.name) for d in co_signer_choices]
        self.fields["source_opinions"].choices = [
            (str(o.pk), f"#{o.pk} {o.content[:40]}") for o in opinion_choices
        ]
        self._style_widgets()


class ActionForm(BootstrapMixin, forms.Form):
    """The data of one workflow action, from its `Field`s."""

    def __init__(self, *args, transition: workflow.Transition, suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        for spec in transition.fields:
            self.fields[spec.name] = _form_field(spec, suggestion)
        self._style_widgets()


def _form_field(spec: workflow.Field, suggestion=None) -> forms.Field:
    from accounts.models import Role, User

    common = {"label": spec.label, "required": spec.required}
    if spec.kind == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", "---------"), *spec.choices], **common)
    if spec.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind == "bool":
        return forms.BooleanField(label=spec.label, required=False)
    if spec.kind == "int":
        return forms.IntegerField(min_value=1, max_value=6, **common)
    if spec.kind == "file":
        return forms.FileField(**common)
    if spec.kind == "organization":
        units = workflow.handling_units_for(suggestion).order_by("name")
        return forms.ModelChoiceField(queryset=units, **common)
    if spec.kind == "organizations":
        units = workflow.handling_units_for(suggestion).order_by("name")
        return forms.ModelMultipleChoiceField(queryset=units, **common)
    if spec.kind == "user":
        leaders = User.objects.filter(is_active=True, role__in=(Role.COMMITTEE_MEMBER, Role.ADMIN))
        return forms.ModelChoiceField(queryset=leaders.order_by("username"), **common)
    raise ValueError(spec.kind)


class WorkFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *SuggestionState.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()
