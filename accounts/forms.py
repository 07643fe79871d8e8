"""Login forms held to the failed-login limit (`accounts.throttling`)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import throttling
from .phones import normalize_mobile


class ThrottledLoginMixin:
    """Refuse a login whose username or client address has too many recent failures, before the
    password is even checked; count each wrong password. `retry_after` (seconds) is set on a refusal."""

    retry_after: int | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()  # a missing field is reported by the field; nothing was tried
        address = throttling.client_address(self.request)
        self.retry_after = throttling.login_retry_after(username=username, address=address)
        if self.retry_after is not None:
            raise forms.ValidationError(
                throttling.too_many_failures_message(self.retry_after), code="too_many_failures"
            )
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            if self.get_user() is None:  # wrong password, unknown or deactivated account
                throttling.record_failed_login(username=username, address=address)
            raise  # with a user: the right password for an account that may not log in here
        throttling.forget_failed_logins(username=username)
        return cleaned_data

    def is_throttled(self) -> bool:
        return self.retry_after is not None


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The portal's login page (/accounts/login/)."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login page (/admin/login/)."""


class SmsLoginForm(forms.Form):
    """Sign in with a mobile number and a one-time code sent to it (accounts.sms_login)."""

    phone = forms.CharField(
        label=_("手机号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "tel", "inputmode": "tel"}),
    )
    code = forms.CharField(
        label=_("验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def clean_phone(self):
        number = normalize_mobile(self.cleaned_data["phone"])
        if number is None:
            raise forms.ValidationError(_("请输入正确的手机号码（11位）。"), code="invalid_phone")
        return number
