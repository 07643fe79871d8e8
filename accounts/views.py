from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST


@login_required
def inbox(request):
    notifications = request.user.notifications.all()
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    return render(request, "accounts/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request, pk):
    # Scoped to the caller's own inbox: another user's notification is a 404.
    notification = get_object_or_404(request.user.notifications, pk=pk, read_at__isnull=True)
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    return redirect(request.POST.get("next") or "accounts:inbox")


@login_required
@require_POST
def mark_all_read(request):
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("accounts:inbox")
