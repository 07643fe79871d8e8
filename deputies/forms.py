"""Forms of the public registry pages and of the registry admin."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import services
from .images import PhotoField, QRCodeField
from .models import (
    CommitteeMember,
    Constituency,
    DeputyGroup,
    Level,
    Organization,
    Person,
    Region,
)
from .selectors import DirectoryFilters, streets_and_towns


class FastSelect(forms.Select):
    """A <select> written in Python, option by option: Django renders each <option> through two
    template includes, which made the directory's filter form the largest part of its page (bench/
    profile_pages.py). The same HTML as forms.Select."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in group_choices),
            )
            options.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((option,) for option in options)),  # each already escaped (safe)
        )


def _style_selects(form: forms.Form) -> None:
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            old = field.widget
            field.widget = FastSelect(attrs=old.attrs, choices=old.choices)
            field.widget.is_required = old.is_required
        if isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")


class DirectoryFilterForm(forms.Form):
    """GET filters of the deputy directory; an invalid value is ignored, never an error page."""

    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
    level = forms.ChoiceField(label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices])
    region = forms.ModelChoiceField(
        label=_("街道或镇"), required=False, queryset=Region.objects.none(), empty_label=_("全部街镇")
    )
    constituency = forms.ModelChoiceField(
        label=_("选区"), required=False, queryset=Constituency.objects.none(), empty_label=_("全部选区")
    )
    group = forms.ModelChoiceField(
        label=_("代表小组"), required=False, queryset=DeputyGroup.objects.none(), empty_label=_("全部小组")
    )
    include_ended = forms.BooleanField(label=_("包括已终止资格的代表"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = streets_and_towns()
        constituencies = Constituency.objects.order_by("congress__level", "congress_id", "number", "id")
        groups = DeputyGroup.objects.order_by("congress__level", "congress_id", "id")
        # The filters narrow each other: a chosen street or town (and level) limits the constituencies
        # and groups offered, and a constituency or group from elsewhere is dropped from the search.
        region, level = self._chosen("region"), self._chosen("level")
        if region is not None:
            constituencies = constituencies.filter(region=region)
            groups = groups.filter(region=region)
        if level in Level.values:
            constituencies = constituencies.filter(congress__level=level)
            groups = groups.filter(congress__level=level)
        self.fields["constituency"].queryset = constituencies
        self.fields["group"].queryset = groups
        for name in ("level", "region"):  # a new choice reloads the page with the narrowed lists
            self.fields[name].widget.attrs["data-autosubmit"] = ""
        _style_selects(self)

    def _chosen(self, name: str):
        """The raw choice of one filter, checked: a region id among the streets and towns, a level."""
        value = self.data.get(name) if self.is_bound else None
        if not value:
            return None
        if name == "level":
            return value
        try:
            return streets_and_towns().filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            # Keep the valid parts: a stale bookmark with one unknown id still searches by name.
            data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        else:
            data = self.cleaned_data
        return DirectoryFilters(
            q=(data.get("q") or "").strip(),
            level=data.get("level") or "",
            region=data.get("region"),
            constituency=data.get("constituency"),
            group=data.get("group"),
            include_ended=bool(data.get("include_ended")),
        )


class RegionFilterForm(forms.Form):
    """Pick a street or town (offices page; first step of "find my deputy")."""

    region = forms.ModelChoiceField(
        label=_("街道或镇"), required=False, queryset=Region.objects.none(), empty_label=_("请选择街道或镇")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = streets_and_towns()
        _style_selects(self)

    def selected_region(self) -> Region | None:
        self.is_valid()  # a bad value in one field must not discard the others
        return self.cleaned_data.get("region")


class FindMyDeputyForm(RegionFilterForm):
    """Pick your street or town, then your residents' or village committee."""

    area = forms.ModelChoiceField(
        label=_("居委会或村委会"),
        required=False,
        queryset=Region.objects.none(),
        empty_label=_("请选择居委会或村委会"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region_id = self.data.get("region") if self.is_bound else None
        if region_id and str(region_id).isdigit():
            self.fields["area"].queryset = Region.objects.committees().filter(parent_id=int(region_id))
        _style_selects(self)

    def selected_area(self) -> Region | None:
        self.is_valid()
        return self.cleaned_data.get("area")


# --- Admin -------------------------------------------------------------------------------------


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ("name", "gender", "photo", "user", "registry_code")
        field_classes = {"photo": PhotoField}
        help_texts = {
            "photo": _("JPEG、PNG 或 WebP 图片，不超过 5 MB；保存时统一裁剪为 360×480 并去除拍摄信息。")
        }


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("name", "kind", "region", "phone", "email", "address", "wechat_qr", "description")
        field_classes = {"wechat_qr": QRCodeField}
        help_texts = {"wechat_qr": _("JPEG、PNG 或 WebP 图片，不超过 5 MB。")}


class CommitteeMemberAdminForm(forms.ModelForm):
    """The admin applies the same 3–5 rule as :func:`deputies.services.set_fixed_contacts`."""

    class Meta:
        model = CommitteeMember
        fields = ("committee", "person", "title", "fixed_contacts")

    def clean(self):
        cleaned = super().clean()
        committee = cleaned.get("committee")
        deputies = cleaned.get("fixed_contacts")
        if committee is not None and deputies is not None:
            deputies = deputies.select_related("person", "congress")
            try:
                services.check_fixed_contacts(committee=committee, deputies=deputies)
            except forms.ValidationError as exc:
                self.add_error("fixed_contacts", exc)
        return cleaned


class AcceptInvitationForm(forms.Form):
    """Following an invitation: the person chooses a username and a password (Django's validators)."""

    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("登录时使用；可以用手机号码。只能包含字母、数字和 @ . + - _。"),
        error_messages={"invalid": _("用户名只能包含字母、数字和 @ . + - _。")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "username"}),
    )
    display_name = forms.CharField(
        label=_("您的姓名"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
    )

    def __init__(self, *args, for_organization: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_organization:  # a deputy's name is already in the registry
            del self.fields["display_name"]
        else:
            self.fields["display_name"].required = True

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password1")
            and cleaned.get("password2")
            and cleaned["password1"] != cleaned["password2"]
        ):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return cleaned


class InvitationFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名"), required=False, max_length=50)
