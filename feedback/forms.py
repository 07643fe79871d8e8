"""Forms for the opinion pages. They parse and check the shape of input; the rules (who may submit,
routing, abuse, workflow) live in `feedback.services`, `feedback.abuse` and `feedback.workflow`."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from deputies.models import Deputy, Organization, Region
from songjiang_liaison.filters import LARGEST_ID
from songjiang_liaison.forms import BootstrapMixin, MultiplePhotoField, apply_errors

from . import archive, intake, workflow
from .models import Channel, DeadlineKind, Opinion, OpinionState, RouteLevel, SuggestionKind, SuggestionState
from .services import CONTENT_MAX, CONTENT_MIN, MAX_PHOTOS

# Common subjects of opinions, offered as a list; the Chinese words are stored, shown translated.
CATEGORIES = [
    gettext_noop("城市建设与管理"),
    gettext_noop("交通出行"),
    gettext_noop("生态环境"),
    gettext_noop("教育"),
    gettext_noop("医疗卫生"),
    gettext_noop("养老与社会保障"),
    gettext_noop("住房与物业"),
    gettext_noop("就业与经济发展"),
    gettext_noop("社会治理与公共安全"),
    gettext_noop("文化体育"),
    gettext_noop("其他"),
]

# Channels a deputy or staff member records by hand (the web form and the app record themselves).
RECORDED_CHANNELS = [
    (value, label) for value, label in Channel.choices if value not in (Channel.WEB, Channel.APP)
]

CONSENT_STATEMENT = _(
    "您填写的姓名、电话和地址仅用于代表和工作人员就本意见与您联系、反馈办理结果，"
    "只有负责办理的代表和工作人员可以查看，不会公开。"
)


def street_and_town_choices():
    return Region.objects.streets_and_towns()


class OpinionForm(BootstrapMixin, forms.Form):
    """The public opinion form (R-OP-1): what, where, optional photos, optional contact details."""

    deputy = forms.ModelChoiceField(queryset=Deputy.objects.none(), required=False, widget=forms.HiddenInput)
    content = forms.CharField(
        label=_("您的意见或建议"),
        min_length=CONTENT_MIN,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明事情经过、地点和您的诉求，10至5000字。"),
        error_messages={
            "required": _("请填写您的意见或建议。"),
            "min_length": _("内容至少%(limit_value)d个字，目前只有%(show_value)d个字。"),
            "max_length": _("内容不能超过%(limit_value)d个字，目前有%(show_value)d个字。"),
        },
    )
    category = forms.ChoiceField(label=_("类别"), required=False)
    street = forms.ModelChoiceField(
        label=_("所在街道或镇"),
        queryset=Region.objects.none(),
        empty_label=_("请选择街道或镇"),
    )
    committee = forms.ModelChoiceField(
        label=_("所在居委会或村委会（选填）"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("不确定或不涉及"),
    )
    photos = MultiplePhotoField(
        max_files=MAX_PHOTOS,
        label=_("照片（选填）"),
        help_text=_("最多5张，每张不超过5MB，支持JPEG、PNG、WebP格式。"),
    )
    submitter_name = forms.CharField(label=_("姓名（选填）"), max_length=50, required=False)
    submitter_phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    submitter_address = forms.CharField(label=_("联系地址（选填）"), max_length=200, required=False)
    consent = forms.BooleanField(label=_("我同意代表和工作人员使用以上联系方式与我联系"), required=False)
    confidential = forms.BooleanField(label=_("请为我保密（本意见不公开发布）"), required=False)
    publish = forms.BooleanField(
        label=_("同意公开：我的意见和办理答复可以不署名地在“意见公开”栏目发布"),
        required=False,
        help_text=_("默认不公开。公开前由工作人员审核文字，不会公开您的姓名、电话和地址。"),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by naive bots.
    website = forms.CharField(label=_("网址"), required=False)
    # A fresh token on each page: sending the same page twice (a double click) stores one opinion.
    submission_token = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex
    )

    def __init__(self, *args, deputy_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deputy_queryset is not None:
            self.fields["deputy"].queryset = deputy_queryset
        self.fields["category"].choices = [("", _("请选择类别")), *((c, _(c)) for c in CATEGORIES)]
        self.fields["street"].queryset = street_and_town_choices()
        street_id = self._street_id()
        committees = Region.objects.committees().order_by("name")
        self.fields["committee"].queryset = (
            committees.filter(parent_id=street_id) if street_id else committees.none()
        )
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self._style_widgets()

    def _street_id(self):
        raw = self.data.get(self.add_prefix("street")) if self.is_bound else self.initial.get("street")
        raw = getattr(raw, "pk", raw)
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None

    def clean(self):
        cleaned = super().clean()
        street, committee = cleaned.get("street"), cleaned.get("committee")
        if street and committee and committee.parent_id != street.pk:
            self.add_error("committee", _("所选居委会或村委会不在该街道或镇。"))
        try:
            archive.check_consent(publish=cleaned.get("publish"), confidential=cleaned.get("confidential"))
        except ValidationError as exc:
            self.add_error("publish", exc.error_dict["publish"])
        return cleaned

    @property
    def region(self):
        return self.cleaned_data.get("committee") or self.cleaned_data.get("street")

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "content": data["content"],
            "region": self.region,
            "deputy": data.get("deputy"),
            "category": data.get("category") or "",
            "submitter_name": data["submitter_name"],
            "submitter_phone": data["submitter_phone"],
            "submitter_address": data["submitter_address"],
            "confidential": data["confidential"],
            "consent": data["consent"],
            "publish": data.get("publish", False),
            "photos": data["photos"],
            "honeypot": data.get("website", ""),
        }

    def save(self, sender) -> Opinion:
        """Take the opinion in through the one intake the API uses too (`intake.take_in`, rate limit
        included). Raises ValidationError (show it with `add_service_errors`) or abuse.RateLimited."""
        submission = self.service_kwargs()
        extras = ("confidential", "publish", "photos", "honeypot", "activity")
        options = {name: submission.pop(name) for name in extras if name in submission}
        token = self.cleaned_data.get("submission_token") or ""
        return intake.take_in(sender=sender, submission=submission, idempotency_key=token, **options)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError on the matching fields (region errors on the place)."""
        apply_errors(self, exc, rename={"region": "street", "honeypot": None})


class RecordedOpinionForm(OpinionForm):
    """For deputies and staff: an opinion heard at an activity, a reception day, or received by
    mailbox, e-mail, letter or phone (R-OP-1). The channel is recorded."""

    channel = forms.ChoiceField(label=_("收集渠道"), choices=RECORDED_CHANNELS)
    deputy = forms.ModelChoiceField(
        label=_("收集意见的代表"), queryset=Deputy.objects.none(), required=False, empty_label=_("（无）")
    )
    content = forms.CharField(
        label=_("群众意见内容"),
        min_length=CONTENT_MIN,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=OpinionForm.base_fields["content"].error_messages,
    )
    consent = forms.BooleanField(label=_("群众同意使用其联系方式"), required=False)
    confidential = forms.BooleanField(label=_("群众要求保密"), required=False)
    publish = forms.BooleanField(label=_("群众同意不署名公开其意见和办理答复"), required=False)
    field_order = ["channel", "deputy", "activity", "content", "category", "street", "committee"]

    def __init__(self, *args, activity_queryset=None, deputy_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["deputy"].required = deputy_required
        self.fields["deputy"].label_from_instance = lambda d: f"{d.person.name}（{d.congress.name}）"
        if activity_queryset is not None:
            self.fields["activity"] = forms.ModelChoiceField(
                label=_("关联的联系活动（选填）"),
                queryset=activity_queryset,
                required=False,
                empty_label=_("（不关联）"),
            )
            self.fields["activity"].label_from_instance = lambda a: (
                f"{a.date:%Y-%m-%d} {a.get_kind_display()}"
            )
            self._style_widgets()

    def service_kwargs(self) -> dict:
        kwargs = super().service_kwargs()
        del kwargs["honeypot"]
        kwargs["channel"] = self.cleaned_data["channel"]
        if "activity" in self.fields:
            kwargs["activity"] = self.cleaned_data.get("activity")
        return kwargs


class TrackLookupForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("提交意见后页面显示的16位查询码。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).upper()


class QueueFilterForm(BootstrapMixin, forms.Form):
    """Filters of the work queues; every field optional."""

    ALL_STATES = "all"

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), required=False)
    level = forms.ChoiceField(label=_("层级"), required=False)
    region = forms.ModelChoiceField(
        label=_("区域"), queryset=Region.objects.none(), required=False, empty_label=_("全部区域")
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部渠道")), *Channel.choices]
    )
    overdue = forms.BooleanField(label=_("仅显示超期"), required=False)
    awaiting_publication = forms.BooleanField(label=_("仅显示待审核公开"), required=False)
    stage = forms.ChoiceField(
        label=_("超期环节"), required=False, choices=[("", _("全部环节")), *DeadlineKind.choices]
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[("", _("按期限（超期的在前）")), ("received", _("按收到日期（最新的在前）"))],
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank means "still open", what a work queue is for; "all" includes closed ones.
        self.fields["state"].choices = [
            ("", _("未办结")),
            (self.ALL_STATES, _("全部状态")),
            *OpinionState.choices,
        ]
        self.fields["level"].choices = [("", _("全部层级")), *RouteLevel.choices]
        self.fields["region"].queryset = regions if regions is not None else street_and_town_choices()
        self._style_widgets()

    @property
    def open_only(self) -> bool:
        return not (self.is_valid() and self.cleaned_data["state"])

    def filters(self) -> dict:
        """Keyword arguments for `selectors.queue_for`."""
        if not self.is_valid():
            return {"state": "", "level": "", "region": None, "channel": "", "overdue": None, "q": ""}
        data = self.cleaned_data
        return {
            "state": "" if data["state"] == self.ALL_STATES else data["state"],
            "level": data["level"],
            "region": data["region"],
            "channel": data["channel"],
            # Choosing a stage means "overdue at that stage" (the dashboards' counts link here).
            "overdue": (data["overdue"] or bool(data["stage"])) or None,
            "stage": data["stage"],
            "awaiting_publication": data["awaiting_publication"],
            "q": data["q"].strip(),
        }

    @property
    def ordering(self) -> str:
        """ "received" (newest first) or "deadline" (overdue first, the default)."""
        return (self.is_valid() and self.cleaned_data["sort"]) or "deadline"


class SuggestionFilterForm(BootstrapMixin, forms.Form):
    """Filters of the published suggestions and their handling results; every field optional."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *SuggestionKind.choices]
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *[c for c in SuggestionState.choices if c[0] != SuggestionState.DRAFT]],
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(
        label=_("承办单位"), required=False, queryset=None, empty_label=_("全部承办单位")
    )
    deputy = forms.IntegerField(required=False, min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organization.objects.handling_units().order_by("name")
        self._style_widgets()

    def filter(self, suggestions):
        """The suggestions narrowed to the valid filters (invalid ones are ignored, with their error)."""
        from .suggestions.selectors import filter_suggestions

        if not self.is_valid():
            return suggestions
        data = self.cleaned_data
        return filter_suggestions(
            suggestions,
            q=data["q"],
            kind=data["kind"],
            state=data["state"],
            year=data["year"],
            unit=data["unit"],
            deputy=data["deputy"],
        )
        data = self.cleaned_data
        if data["q"].strip():
            text = data["q"].strip()
            suggestions = suggestions.filter(Q(title__icontains=text) | Q(answer__icontains=text))
        if data["kind"]:
            suggestions = suggestions.filter(kind=data["kind"])
        if data["state"]:
            suggestions = suggestions.filter(state=data["state"])
        if data["year"]:
            suggestions = suggestions.filter(submitted_at__year=data["year"])
        return suggestions


class ArchiveFilterForm(BootstrapMixin, forms.Form):
    """Filters of the public archive of opinions (page and `GET /api/v1/public/opinions/`); every
    field optional, an invalid one ignored (with its error on the page)."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    region = forms.ModelChoiceField(
        label=_("街道或镇"), queryset=Region.objects.none(), required=False, empty_label=_("全部街镇")
    )
    category = forms.ChoiceField(label=_("类别"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = street_and_town_choices()
        # The form's list, then whatever else published opinions carry (the API takes free text).
        categories = [*CATEGORIES, *sorted(set(archive.published_categories()) - set(CATEGORIES))]
        self.fields["category"].choices = [("", _("全部类别")), *((c, _(c)) for c in categories)]
        self.fields["state"].choices = [("", _("全部状态")), *archive.PUBLIC_STATES]
        self._style_widgets()

    def filter(self, opinions):
        if not self.is_valid():
            return opinions
        data = self.cleaned_data
        return archive.search(
            opinions,
            q=data["q"],
            region=data["region"],
            category=data["category"],
            state=data["state"],
            year=data["year"],
        )


class PublicationForm(BootstrapMixin, forms.Form):
    """The staff's decision on an opinion whose submitter agreed to publication: approve the texts
    as they will read in public, or withhold it with a reason (`feedback.archive`)."""

    APPROVE, WITHHOLD = "approve", "withhold"

    decision = forms.ChoiceField(
        label=_("决定"),
        choices=[(APPROVE, _("审核通过，公开发布")), (WITHHOLD, _("不予公开"))],
        widget=forms.RadioSelect,
        initial=APPROVE,
    )
    public_content = forms.CharField(
        label=_("公开的意见内容"),
        required=False,
        max_length=archive.PUBLIC_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("已自动去除提交人的姓名、电话、地址和电话号码，请再核对一遍。"),
    )
    public_answer = forms.CharField(
        label=_("公开的答复"),
        required=False,
        max_length=archive.PUBLIC_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    withheld_reason = forms.CharField(
        label=_("不予公开的理由"), required=False, max_length=archive.WITHHELD_REASON_MAX
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "publication")
        super().__init__(*args, **kwargs)
        self._style_widgets()


# The forms of the workflow actions are in `feedback.action_forms`.


def action_label(action: str) -> str:
    return workflow.TRANSITIONS[action].label
