"""The one form layer of every app: Bootstrap classes on the widgets, the field for several files or
photos in one input, and a service's ValidationError put back on the form. Pages render each field
with `templates/_field.html` and the error summary with `templates/_form_errors.html`.

Forms parse and check the shape of input; the rules live in the services, whose errors come back on
the fields through :func:`apply_errors`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deputies.images import ACCEPT_ATTRIBUTE


class BootstrapMixin:
    """Bootstrap classes on every widget, set once here instead of in every template; an invalid field
    is marked `aria-invalid`. Forms that add fields after `__init__` call `_style_widgets()` again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()

    def _style_widgets(self) -> None:
        style_form(self)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


def style_form(form: forms.Form) -> None:
    """Bootstrap classes on every widget of `form` (for forms not built on :class:`BootstrapMixin`)."""
    for field in form.fields.values():
        style_widget(field.widget)


def style_widget(widget: forms.Widget) -> None:
    """Add the Bootstrap class that fits `widget` (kept alongside any class it already has)."""
    if isinstance(widget, forms.HiddenInput):
        return
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):  # SelectMultiple too
        css = "form-select"
    else:
        css = "form-control"
    classes = widget.attrs.get("class", "").split()
    if css not in classes:
        widget.attrs["class"] = " ".join([*classes, css])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern), a list once cleaned: each must be a
    non-empty file, and there may be at most `max_files`. What a file must contain is checked by the
    service that stores it; its errors come back on this field (:func:`apply_errors`)."""

    widget = MultipleFileInput
    default_error_messages = {"too_many": _("最多上传%(max)d个文件。")}

    def __init__(self, *, max_files: int | None = None, accept: str = "", **kwargs):
        kwargs.setdefault("required", False)
        self.max_files = max_files
        self.accept = accept
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.accept:
            attrs.setdefault("accept", self.accept)
        return attrs

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if self.max_files is not None and len(uploads) > self.max_files:
            raise ValidationError(self.too_many_message(), code="too_many")
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]

    def too_many_message(self) -> str:
        return self.error_messages["too_many"] % {"max": self.max_files}


class MultiplePhotoField(MultipleFileField):
    """Several photos in one input; the service checks that each really is an image and re-encodes it
    (`deputies.images.normalize_image`)."""

    default_error_messages = {"too_many": _("最多上传 %(n)s 张照片。")}

    def __init__(self, **kwargs):
        kwargs.setdefault("accept", ACCEPT_ATTRIBUTE)
        super().__init__(**kwargs)

    def too_many_message(self) -> str:
        return self.error_messages["too_many"] % {"n": self.max_files}


def apply_errors(form: forms.Form, error: ValidationError, *, rename: dict | None = None) -> None:
    """Put a service's ValidationError back on the form: each field's errors on the field of that name
    (or the one `rename` maps it to), the rest, and errors not tied to a field, at the top."""
    rename = rename or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields else None, errors)
