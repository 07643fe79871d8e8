from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from accounts import sms_login as codes
from accounts import throttling
from accounts.forms import LoginForm, SmsLoginForm
from accounts.models import NotificationKind
from accounts.notify import channels_for, set_preference

CHANNELS = ("in_app", "email", "sms")


class LoginView(auth_views.LoginView):
    """Django's login page, held to the failed-login limit (`accounts.throttling`): a refusal is
    answered 429 with the form and the message, and says when to retry."""

    form_class = LoginForm
    template_name = "accounts/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_throttled():
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response


@never_cache
@csrf_protect
def sms_login(request):
    """Sign in with a mobile number and a one-time SMS code: "send" asks for a code, "login" uses it.
    The page says the same whether or not the number belongs to an account."""
    form = SmsLoginForm(request.POST or None)
    status, sent = 200, False
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        address = throttling.client_address(request)
        phone = form.cleaned_data["phone"]
        try:
            if request.POST.get("action") == "login":
                user = codes.verify_code(phone=phone, code=form.cleaned_data["code"], address=address)
                if user is not None:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    return redirect(_safe_next(request, "home"))
                form.add_error("code", _("验证码不正确或已失效，请重新获取。"))
                sent, status = True, 400
            else:
                codes.request_code(phone=phone, address=address)
                sent = True
        except codes.TooManyRequests as refused:
            form.add_error(None, refused.message)
            status = 429
    response = render(
        request,
        "accounts/sms_login.html",
        {"form": form, "sent": sent, "next": next_url, "minutes": settings.SMS_LOGIN_CODE_MINUTES},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "60"
    return response


@login_required
def inbox(request):
    notifications = request.user.notifications.inbox()
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    unread = request.user.notifications.inbox().unread().count()
    return render(request, "accounts/inbox.html", {"page": page, "unread_count": unread})


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_POST
def mark_read(request, pk):
    # Scoped to the caller's own inbox: another user's notification is a 404.
    notification = get_object_or_404(request.user.notifications, pk=pk, read_at__isnull=True)
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    return redirect(_safe_next(request, "accounts:inbox"))


@login_required
@require_POST
def mark_all_read(request):
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("accounts:inbox")


@login_required
def preferences(request):
    """Per kind of notification: in-app, e-mail and SMS on or off."""
    kinds = list(NotificationKind)
    if request.method == "POST":
        for kind in kinds:
            set_preference(
                user=request.user,
                kind=kind.value,
                **{channel: request.POST.get(f"{kind.value}-{channel}") == "on" for channel in CHANNELS},
            )
        messages.success(request, _("通知设置已保存。"))
        return redirect("accounts:preferences")
    current = channels_for([request.user], [k.value for k in kinds])
    rows = [{"kind": kind, "channels": current[(request.user.pk, kind.value)]} for kind in kinds]
    return render(
        request,
        "accounts/preferences.html",
        {"rows": rows, "has_email": bool(request.user.email), "has_phone": bool(request.user.phone)},
    )
