"""Forms of voters' views and questions (§二(五)): the public one on the deputy's profile and a
report's page, the one for a report meeting, the deputy's answer and a moderator's refusal. The rules
are checked again by `contacts.question_services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from songjiang_liaison.forms import style_form

from .models import VoterQuestionKind, VoterReport
from .question_services import MAX_ANSWER, MAX_CONTENT


def _content_field():
    return forms.CharField(
        label=_("内容"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_CONTENT}),
        error_messages={"required": _("请填写意见或询问的内容。")},
    )


def _kind_field():
    return forms.ChoiceField(
        label=_("类别"),
        choices=VoterQuestionKind.choices,
        initial=VoterQuestionKind.QUESTION,
        widget=forms.RadioSelect,
    )


class VoterQuestionForm(forms.Form):
    """A voter's view of the deputy's work or question, sent online (anonymous allowed)."""

    kind = _kind_field()
    content = _content_field()
    report = forms.TypedChoiceField(
        label=_("针对的履职情况报告"), required=False, coerce=int, empty_value=None
    )
    submitter_name = forms.CharField(
        label=_("您的姓名（选填）"),
        max_length=50,
        required=False,
        help_text=_("姓名和电话只供联络机构和代表联系您，不会公开。"),
    )
    submitter_phone = forms.CharField(
        label=_("您的手机号码（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, deputy, reports=None, **kwargs):
        """``reports``: the deputy's publicly known reports when the caller has them already (the
        profile), else they are read here (one query)."""
        super().__init__(*args, **kwargs)
        if reports is None:
            reports = VoterReport.objects.publicly_known().filter(deputy=deputy).order_by("-date", "-id")[:10]
        self._reports = {r.pk: r for r in list(reports)[:10]}
        if self._reports:
            self.fields["report"].choices = [
                ("", _("不针对某次报告")),
                *(
                    (pk, _("%(date)s 的报告") % {"date": r.date.isoformat()})
                    for pk, r in self._reports.items()
                ),
            ]
        else:
            del self.fields["report"]
        style_form(self)

    def clean_report(self):
        pk = self.cleaned_data.get("report")
        return self._reports.get(pk) if pk is not None else None

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("report", None)
        return data


class MeetingQuestionForm(forms.Form):
    """A view or question raised at a report meeting, recorded by the deputy or the liaison body."""

    kind = _kind_field()
    content = _content_field()
    submitter_name = forms.CharField(label=_("提出人（选填，不公开）"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复"),
        max_length=MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_ANSWER}),
        error_messages={"required": _("请填写答复。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("不予公开的原因"), max_length=300, error_messages={"required": _("请说明不予公开的原因。")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)
