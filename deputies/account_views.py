"""Accounts for the registry's people: accepting an invitation (anyone holding the link), and the
liaison staff's page of their deputies' accounts and of how reminders reached them (docs/accounts.md)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.phones import normalize_mobile
from deputies import permissions as access
from songjiang_liaison.forms import apply_errors

from . import invitations, reach
from .forms import AcceptInvitationForm, InvitationFilterForm

PAGE_SIZE = 50

UNUSABLE = {
    "unknown": (
        gettext_lazy("这个邀请链接无效"),
        gettext_lazy(
            "链接不完整，或已被新的邀请取代。请使用最近收到的邀请短信中的链接，或联系所在的联络机构重新发送。"
        ),
    ),
    "used": (
        gettext_lazy("这个邀请链接已经使用过"),
        gettext_lazy("账户已经开通，请直接登录。忘记密码的，可以用手机验证码登录，或联系所在的联络机构。"),
    ),
    "expired": (
        gettext_lazy("这个邀请链接已过期"),
        gettext_lazy("邀请链接7天内有效。请联系所在的联络机构重新发送邀请。"),
    ),
}


def _unusable(request, reason: str):
    title, text = UNUSABLE[reason]
    return render(
        request,
        "deputies/invitation_unusable.html",
        {"title": title, "text": text, "reason": reason},
        status=410 if reason in ("used", "expired") else 404,
    )


@never_cache
def accept_invitation(request, token: str):
    """The page an invitation's link opens: choose a username and a password, and sign in."""
    invitation = invitations.find_by_token(token)
    try:
        invitations.check_usable(invitation)
    except invitations.InvitationUnusable as refused:
        return _unusable(request, refused.reason)
    for_org = invitation.organization_id is not None
    initial = {"username": invitation.phone or ""}
    form = AcceptInvitationForm(request.POST or None, initial=initial, for_organization=for_org)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data.get("display_name", ""),
            )
        except invitations.InvitationUnusable as refused:
            return _unusable(request, refused.reason)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("账户已开通，欢迎使用。"))
            return redirect("home")
    name = invitation.person.name if invitation.person_id else invitation.organization.name
    return render(request, "deputies/accept_invitation.html", {"form": form, "name": name})


def _require_inviter(user) -> None:
    if not access.may_invite_deputies(user):
        raise PermissionDenied


@login_required
def accounts(request):
    """Liaison staff: their serving deputies, whether each has an account (invited, activated,
    bounced), how the last reminder or notice reached them (in-app, SMS, or not reachable: no mobile),
    and their latest text that failed for good."""
    _require_inviter(request.user)
    form = InvitationFilterForm(request.GET or None)
    deputies = (
        access.deputies_in_jurisdiction(request.user)
        .serving()
        .select_related("person__user", "congress")
        .order_by("person__name", "pk")
    )
    if form.is_valid() and form.cleaned_data["q"]:
        deputies = deputies.filter(person__name__contains=form.cleaned_data["q"])
    page = Paginator(deputies, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    latest = invitations.latest_by_person(d.person_id for d in rows)
    reaches = reach.latest_by_deputy(d.pk for d in rows)
    failures = reach.latest_failed_by_deputy(d.pk for d in rows)
    now = timezone.now()
    for deputy in rows:
        user = deputy.person.user
        deputy.has_account = user is not None and user.is_active
        deputy.invitation = latest.get(deputy.person_id)
        deputy.state = (
            invitations.State.ACTIVATED
            if deputy.has_account
            else invitations.state_of(deputy.invitation, now)
        )
        deputy.state_label = invitations.State.LABELS[deputy.state]
        deputy.has_mobile = normalize_mobile(deputy.private_phone) is not None
        deputy.reach = reaches.get(deputy.pk)
        deputy.reach_label = reach.kind_label(deputy.reach.kind) if deputy.reach else ""
        # A text that failed for good stays visible after later messages went through.
        failed = failures.get(deputy.pk)
        deputy.failed_reach = failed if failed is not None and failed != deputy.reach else None
        deputy.failed_label = reach.kind_label(failed.kind) if deputy.failed_reach else ""
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deputies/accounts.html",
        {"page": page, "rows": rows, "form": form, "query_string": query.urlencode()},
    )


@login_required
@require_POST
def invite(request):
    """Invite every deputy of the caller's jurisdiction who was never invited and has no account."""
    _require_inviter(request.user)
    deputies = invitations.invitable_deputies(actor=request.user, never_invited=True)
    result = invitations.invite_deputies(actor=request.user, deputies=list(deputies))
    messages.success(request, result.summary())
    return redirect("deputies:accounts")


@login_required
@require_POST
def resend(request, deputy_id: int):
    """Send one deputy a new invitation (the previous link stops working). Another office's deputy is
    a 404, as if it did not exist."""
    _require_inviter(request.user)
    deputy = get_object_or_404(access.deputies_in_jurisdiction(request.user), pk=deputy_id)
    result = invitations.invite_deputies(actor=request.user, deputies=[deputy], resend=True)
    messages.success(request, result.summary())
    return redirect("deputies:accounts")
