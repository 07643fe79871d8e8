from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm
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
