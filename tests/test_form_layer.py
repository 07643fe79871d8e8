"""One form and error layer (issue 11, item 6): every page renders its fields with the one
`templates/_field.html` and its error summary with `templates/_form_errors.html`; widgets get their
classes from `songjiang_liaison.forms`; a service's errors go back on the form through `apply_errors`;
and the API answers a service's refusal through one exception handler (400, 403, 409)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from rest_framework.exceptions import Throttled

from songjiang_liaison import errors
from songjiang_liaison.api import exception_handler
from songjiang_liaison.forms import (
    BootstrapMixin,
    MultipleFileField,
    MultiplePhotoField,
    apply_errors,
)

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r"""\{%\s*include\s+["']([^"']*_(?:field|form_errors)\.html)["']""")


class SampleForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", help_text="填写真实姓名。")
    note = forms.CharField(label="备注", required=False)
    kind = forms.ChoiceField(label="类型", choices=[("a", "甲"), ("b", "乙")])
    agree = forms.BooleanField(label="同意", required=False, help_text="可以不勾选。")
    tags = forms.MultipleChoiceField(
        label="标签", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    level = forms.ChoiceField(label="层级", choices=[("1", "一"), ("2", "二")], widget=forms.RadioSelect)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def _field_html(form, name: str) -> str:
    return render_to_string("_field.html", {"field": form[name]})


# --- The templates ---------------------------------------------------------------------------------


def test_there_is_one_field_template_and_one_error_summary_and_every_include_uses_them():
    directories = [ROOT / "templates", *ROOT.glob("*/templates")]
    copies = sorted(
        p.relative_to(ROOT).as_posix()
        for directory in directories
        if ".venv" not in directory.parts
        for p in directory.rglob("*.html")
        if p.name in {"_field.html", "_form_errors.html"}
    )
    assert copies == ["templates/_field.html", "templates/_form_errors.html"]
    included = {
        name
        for path in (ROOT / "templates").rglob("*.html")
        for name in INCLUDE.findall(path.read_text(encoding="utf-8"))
    }
    assert included == {"_field.html", "_form_errors.html"}


@pytest.mark.parametrize("name", ["name", "kind", "tags", "level"])
def test_a_required_field_says_so_to_screen_readers(name):
    page = _field_html(SampleForm(), name)
    assert '<span class="visually-hidden">（必填）</span>' in page
    assert 'aria-hidden="true">*</span>' in page


@pytest.mark.parametrize("name", ["note", "agree"])
def test_an_optional_field_has_no_required_marker(name):
    assert "（必填）" not in _field_html(SampleForm(), name)


@pytest.mark.parametrize("name", ["name", "agree"])
def test_help_text_is_shown_and_tied_to_the_input(name):
    page = _field_html(SampleForm(), name)
    help_id = f"id_{name}_helptext"
    assert f'id="{help_id}"' in page
    assert re.search(rf'<input[^>]*aria-describedby="{help_id}"', page)


def test_an_invalid_field_shows_its_error_tied_to_the_input_and_marked_invalid():
    form = SampleForm({"name": "", "kind": "a", "tags": ["x"], "level": "1"})
    assert not form.is_valid()
    page = _field_html(form, "name")
    assert 'id="id_name_error"' in page
    assert re.search(r'<input[^>]*aria-describedby="id_name_helptext id_name_error"', page)
    assert 'aria-invalid="true"' in page


def test_several_tick_boxes_scroll_in_a_list_and_radio_buttons_do_not():
    form = SampleForm()
    tags, level = _field_html(form, "tags"), _field_html(form, "level")
    assert '<fieldset class="mb-3"' in tags and 'class="choice-list"' in tags
    assert tags.count('type="checkbox"') == 2
    assert '<fieldset class="mb-3"' in level and "choice-list" not in level
    assert level.count('type="radio"') == 2


def test_a_hidden_field_is_only_its_input():
    assert _field_html(SampleForm(), "secret").strip().startswith('<input type="hidden"')


def test_the_error_summary_links_each_invalid_field_and_lists_errors_not_tied_to_one():
    form = SampleForm({"name": "", "kind": "a", "tags": [], "level": "1"})
    form.is_valid()
    form.add_error(None, "整张表单的问题")
    page = render_to_string("_form_errors.html", {"form": form})
    assert "data-error-summary" in page and 'tabindex="-1"' in page
    assert "<li>整张表单的问题</li>" in page
    assert 'href="#id_name"' in page
    assert 'href="#id_tags_0"' in page  # a group of boxes links to its first box


def test_no_error_summary_without_errors():
    assert render_to_string("_form_errors.html", {"form": SampleForm()}).strip() == ""


# --- The widgets and fields ------------------------------------------------------------------------


def test_every_widget_gets_its_bootstrap_class_once():
    form = SampleForm()
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.fields["kind"].widget.attrs["class"] == "form-select"
    assert form.fields["agree"].widget.attrs["class"] == "form-check-input"
    assert form.fields["tags"].widget.attrs["class"] == "form-check-input"
    assert "class" not in form.fields["secret"].widget.attrs
    form._style_widgets()  # forms that add fields later style again: nothing is doubled
    assert form.fields["name"].widget.attrs["class"] == "form-control"


def _upload(name="a.jpg", content=b"x"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_photo_field_takes_several_files_up_to_its_limit():
    field = MultiplePhotoField(max_files=2)
    assert len(field.clean([_upload(), _upload()])) == 2
    with pytest.raises(ValidationError) as refused:
        field.clean([_upload(), _upload(), _upload()])
    assert refused.value.code == "too_many"
    assert "2" in refused.value.messages[0]
    assert field.clean([]) == []
    assert field.widget.attrs["accept"] == "image/jpeg,image/png,image/webp"


def test_the_file_field_refuses_an_empty_file_and_asks_when_required():
    field = MultipleFileField(required=True)
    with pytest.raises(ValidationError) as missing:
        field.clean([])
    assert missing.value.code == "required"
    with pytest.raises(ValidationError) as empty:
        field.clean([_upload(content=b"")])
    assert empty.value.code == "empty"


# --- Service errors onto the form ------------------------------------------------------------------


def test_service_errors_land_on_their_fields_renamed_or_at_the_top():
    form = SampleForm({"name": "张三", "kind": "a", "tags": ["x"], "level": "1"})
    assert form.is_valid()
    apply_errors(
        form,
        ValidationError({"name": "重名", "region": "不在辖区", "honeypot": "机器人", "other": "别的"}),
        rename={"region": "kind", "honeypot": None},
    )
    assert form.errors["name"] == ["重名"]
    assert form.errors["kind"] == ["不在辖区"]
    assert form.non_field_errors() == ["机器人", "别的"]


def test_a_service_error_without_fields_goes_to_the_top():
    form = SampleForm({"name": "张三", "kind": "a", "tags": ["x"], "level": "1"})
    form.is_valid()
    apply_errors(form, ValidationError("已过期"))
    assert form.non_field_errors() == ["已过期"]


# --- The API's exception handler -------------------------------------------------------------------


class _View:
    def describe_conflict(self, exc):
        return {"state": "replied"}


def test_a_validation_error_is_a_400_with_the_messages_by_field():
    response = exception_handler(ValidationError({"content": ["太短"], "region": ["必填"]}), {})
    assert response.status_code == 400
    assert response.data == {"content": ["太短"], "region": ["必填"]}
    response = exception_handler(ValidationError("不对"), {})
    assert (response.status_code, response.data) == (400, {"non_field_errors": ["不对"]})


def test_not_allowed_is_a_403_with_the_reason():
    response = exception_handler(errors.NotAllowed("您无权执行"), {"view": _View()})
    assert (response.status_code, response.data) == (403, {"detail": "您无权执行"})


def test_a_conflict_is_a_409_with_what_the_view_adds():
    response = exception_handler(errors.Conflict("其他人刚刚处理了"), {"view": _View()})
    assert (response.status_code, response.data) == (409, {"detail": "其他人刚刚处理了", "state": "replied"})
    response = exception_handler(errors.Conflict("已变化", state=None), {"view": object()})
    assert (response.status_code, response.data) == (409, {"detail": "已变化", "state": None})


def test_the_workflows_refusals_are_the_handlers_403_and_409():
    from feedback import workflow

    assert exception_handler(workflow.ActionNotAllowed("不行"), {}).status_code == 403
    assert exception_handler(workflow.ActionConflict("晚了"), {}).status_code == 409


def test_everything_else_is_drfs_own_handling():
    assert exception_handler(PermissionDenied(), {}).status_code == 403
    assert exception_handler(Throttled(wait=5), {}).status_code == 429
    assert exception_handler(KeyError("x"), {}) is None  # a bug stays a 500
