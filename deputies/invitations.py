"""Accounts for the whole registry: invitations (docs/accounts.md).

Every serving deputy, and every liaison body and handling unit, can get an account without an
administrator typing it: staff (or `manage.py send_invitations`) invite them; the invitation is a
single-use link, valid `VALID_DAYS` days, sent by SMS to the mobile on file (or by e-mail where there is
no mobile); following it, the person chooses a username and a password (Django's validators) and the
account is linked to their person record (role deputy) or to the organization (liaison staff or
handling-unit staff).

- The link's secret is the row's random `key` followed by a MAC of it under the SECRET_KEY, so a copy
  of the database alone gives no working link.
- Accepting is a compare-and-set on the open invitation: two clicks at once make one account.
- Inviting again ("resend") replaces the person's open invitation: the old link stops working.
- Nothing here tells anyone whether a phone number belongs to an account: invitations go only to the
  numbers on file, chosen by staff, and the link's page never shows the number.
- Who may invite whom: administrators everyone; liaison staff the deputies in their jurisdiction
  (`deputies.permissions`); organizations are invited by administrators.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import sms
from accounts.models import Role, User
from accounts.phones import normalize_mobile
from deputies import permissions as access
from ops.outbox import enqueue_many

from .models import Deputy, Invitation, Organization, Person
from .reach import served_by

logger = logging.getLogger(__name__)

VALID_DAYS = 7
_MAC_SALT = "deputies.invitations"
_MAC_CHARS = 16


# --- The link -------------------------------------------------------------------------------------


def _mac(key: str) -> str:
    return salted_hmac(_MAC_SALT, key, algorithm="sha256").hexdigest()[:_MAC_CHARS]


def token_for(invitation: Invitation) -> str:
    return f"{invitation.key}{_mac(invitation.key)}"


def find_by_token(token: str) -> Invitation | None:
    """The invitation a link names, used or not; None for a link that was never issued."""
    key, mac = token[:-_MAC_CHARS], token[-_MAC_CHARS:]
    if not key or not constant_time_compare(mac, _mac(key)):
        return None
    return Invitation.objects.select_related("person", "organization").filter(key=key).first()


def base_url() -> str:
    return (settings.PUBLIC_BASE_URL or "http://127.0.0.1:8000").rstrip("/")


def invitation_url(invitation: Invitation) -> str:
    return base_url() + reverse("deputies:accept_invitation", args=[token_for(invitation)])


# --- State, as the registry shows it ---------------------------------------------------------------


class State:
    ACTIVATED = "activated"
    SENT = "sent"
    QUEUED = "queued"
    BOUNCED = "bounced"
    EXPIRED = "expired"
    NOT_INVITED = "not_invited"

    LABELS = {
        ACTIVATED: gettext_lazy("已激活"),
        SENT: gettext_lazy("已邀请"),
        QUEUED: gettext_lazy("待发送"),
        BOUNCED: gettext_lazy("发送失败"),
        EXPIRED: gettext_lazy("邀请已过期"),
        NOT_INVITED: gettext_lazy("未邀请"),
    }


def state_of(invitation: Invitation | None, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if invitation is None or invitation.revoked_at is not None:
        return State.NOT_INVITED
    if invitation.accepted_at is not None:
        return State.ACTIVATED
    if invitation.failed_at is not None:
        return State.BOUNCED
    if invitation.expires_at <= now:
        return State.EXPIRED
    return State.SENT if invitation.sent_at else State.QUEUED


def latest_by_person(person_ids: Iterable[int]) -> dict[int, Invitation]:
    """Each person's latest invitation, in one query."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(person_id__in=list(person_ids)).order_by("person_id", "-id"):
        latest.setdefault(invitation.person_id, invitation)
    return latest


# --- Who can be invited -----------------------------------------------------------------------------


def has_active_account(person_field: str = "person") -> Q:
    return Q(**{f"{person_field}__user__isnull": False, f"{person_field}__user__is_active": True})


def invitable_deputies(
    *,
    actor=None,
    congress=None,
    region=None,
    body: Organization | None = None,
    never_invited: bool = False,
    on: datetime.date | None = None,
) -> QuerySet:
    """Serving deputies without an active account, within `actor`'s jurisdiction (everyone for the
    command, `actor=None`), optionally of one congress, one street or town, or one liaison body."""
    deputies = Deputy.objects.serving(on=on).exclude(has_active_account())
    if actor is not None:
        deputies = deputies.filter(pk__in=access.deputies_in_jurisdiction(actor).values("pk"))
    if congress is not None:
        deputies = deputies.filter(congress=congress)
    if region is not None:
        deputies = deputies.filter(Q(constituency__region=region) | Q(group__region=region))
    if body is not None:
        deputies = deputies.filter(pk__in=served_by(body).values("pk"))
    if never_invited:
        deputies = deputies.exclude(Exists(Invitation.objects.filter(person_id=OuterRef("person_id"))))
    return deputies


def mobile_on_file(deputies: Iterable[Deputy]) -> str | None:
    """The first valid mainland mobile among a person's mandates' private numbers."""
    for deputy in deputies:
        number = normalize_mobile(deputy.private_phone)
        if number:
            return number
    return None


# --- Inviting ----------------------------------------------------------------------------------------


@dataclass
class InviteResult:
    invited: list[Invitation] = field(default_factory=list)
    already_invited: int = 0  # an open invitation exists (use resend)
    has_account: int = 0
    no_contact: int = 0  # no mobile and no e-mail on file

    def summary(self) -> str:
        return _(
            "已发出邀请 %(n)d 人；已有账户 %(a)d 人；已邀请尚未激活 %(p)d 人；无手机号码和电子邮箱 %(c)d 人。"
        ) % {
            "n": len(self.invited),
            "a": self.has_account,
            "p": self.already_invited,
            "c": self.no_contact,
        }


def _new_invitation(**values) -> Invitation:
    return Invitation(
        key=secrets.token_urlsafe(12),
        expires_at=timezone.now() + datetime.timedelta(days=VALID_DAYS),
        **values,
    )


@transaction.atomic
def invite_deputies(*, actor, deputies: Iterable[Deputy], resend: bool = False) -> InviteResult:
    """Invite the people holding these mandates (once per person), in a constant number of queries.

    With `resend`, a person's open invitation is replaced by a new one (the old link stops working).
    Deputies outside the actor's jurisdiction are refused (PermissionDenied), never silently invited.
    """
    if actor is not None and not access.may_invite_deputies(actor):
        raise PermissionDenied
    ids = {d.pk for d in deputies}
    allowed = Deputy.objects.filter(pk__in=ids)
    if actor is not None:
        allowed = allowed.filter(pk__in=access.deputies_in_jurisdiction(actor).values("pk"))
    if allowed.count() != len(ids):
        raise PermissionDenied
    person_ids = set(allowed.values_list("person_id", flat=True))
    persons = Person.objects.filter(pk__in=person_ids).select_related("user").order_by("pk")
    mandates: dict[int, list[Deputy]] = {}
    for deputy in Deputy.objects.serving().filter(person_id__in=person_ids).order_by("pk"):
        mandates.setdefault(deputy.person_id, []).append(deputy)
    open_now = set(
        Invitation.objects.open().filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )

    result = InviteResult()
    to_revoke = []
    for person in persons:
        if person.user is not None and person.user.is_active:
            result.has_account += 1
            continue
        phone = mobile_on_file(mandates.get(person.pk, []))
        email = next((d.public_email for d in mandates.get(person.pk, []) if d.public_email), "")
        if not phone and not email:
            result.no_contact += 1
            continue
        if person.pk in open_now:
            if not resend:
                result.already_invited += 1
                continue
            to_revoke.append(person.pk)
        result.invited.append(
            _new_invitation(
                person=person,
                role=Role.DEPUTY,
                phone=phone or "",
                email="" if phone else email,
                created_by=actor,
            )
        )
    if to_revoke:
        Invitation.objects.open().filter(person_id__in=to_revoke).update(revoked_at=timezone.now())
    _create_and_send(result.invited)
    return result


@transaction.atomic
def invite_organizations(
    *, actor, organizations: Iterable[Organization], resend: bool = False
) -> InviteResult:
    """Invite a staff account for each organization (administrators only): liaison staff for a liaison
    body, handling-unit staff for a handling unit; sent to the organization's mobile, else its e-mail.
    An organization that already has an active staff account is skipped."""
    if actor is not None and not access.is_admin(actor):
        raise PermissionDenied
    ids = [o.pk for o in organizations]
    staffed = set(
        User.objects.filter(organization_id__in=ids, is_active=True).values_list("organization_id", flat=True)
    )
    open_now = set(
        Invitation.objects.open().filter(organization_id__in=ids).values_list("organization_id", flat=True)
    )
    result = InviteResult()
    to_revoke = []
    for org in Organization.objects.filter(pk__in=ids).order_by("pk"):
        if org.pk in staffed:
            result.has_account += 1
            continue
        phone = normalize_mobile(org.phone)
        if not phone and not org.email:
            result.no_contact += 1
            continue
        if org.pk in open_now:
            if not resend:
                result.already_invited += 1
                continue
            to_revoke.append(org.pk)
        result.invited.append(
            _new_invitation(
                organization=org,
                role=Role.LIAISON_STAFF if org.is_liaison_body else Role.UNIT_STAFF,
                phone=phone or "",
                email="" if phone else org.email,
                created_by=actor,
            )
        )
    if to_revoke:
        Invitation.objects.open().filter(organization_id__in=to_revoke).update(revoked_at=timezone.now())
    _create_and_send(result.invited)
    return result


def _create_and_send(invitations: list[Invitation]) -> None:
    if not invitations:
        return
    Invitation.objects.bulk_create(invitations)
    keys = [i.key for i in invitations]
    ids = list(Invitation.objects.filter(key__in=keys).values_list("pk", flat=True))
    # In the outbox, in this transaction: sent after the commit, or by the sweep if Redis is down.
    enqueue_many("deputies.tasks.send_invitation", [(pk,) for pk in ids])


# --- Delivering ---------------------------------------------------------------------------------------


def invitation_text(invitation: Invitation) -> tuple[str, dict]:
    """The SMS (and e-mail) text and the template parameters, in Chinese: short enough for two segments."""
    name = invitation.person.name if invitation.person_id else invitation.organization.name
    url = invitation_url(invitation)
    text = _(
        "%(name)s，您好！松江区人大代表联系人民群众平台为您开通了账户，"
        "请在%(days)d天内打开 %(url)s 设置密码。"
    ) % {
        "name": name,
        "days": VALID_DAYS,
        "url": url,
    }
    return text, {"name": name, "url": url}


def deliver(invitation_id: int) -> bool:
    """Send one invitation once: the row is locked while the message goes out and stamped after; a
    permanent failure (a wrong number, a rejected template) is recorded on the row and shown to staff;
    a failure worth retrying (`sms.SmsError`, an OSError) propagates for the task to retry."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("person", "organization")
            .filter(pk=invitation_id, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if invitation is None or invitation.revoked_at or invitation.accepted_at:
            return False
        text, params = invitation_text(invitation)
        try:
            if invitation.phone:
                sms.send_sms(phone=invitation.phone, text=text, template="invitation", params=params)
            else:
                send_mail(
                    subject=_("松江区人大代表联系人民群众平台：开通账户"),
                    message=text,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[invitation.email],
                )
        except sms.SmsRejected as error:
            invitation.failed_at = timezone.now()
            invitation.failure = str(error)[:200]
            invitation.save(update_fields=["failed_at", "failure"])
            logger.warning("Invitation %s not delivered: %s", invitation.pk, error)
            return False
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return True


# --- Accepting -----------------------------------------------------------------------------------------


class InvitationUnusable(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "unknown", "used", "expired"


def check_usable(invitation: Invitation | None, now=None) -> None:
    now = now or timezone.now()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationUnusable("unknown")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used")
    if invitation.expires_at <= now:
        raise InvitationUnusable("expired")


def validate_new_account(*, invitation: Invitation, username: str, password: str) -> None:
    """Django's password validators, judged against the account being made; a username in use."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("该用户名已被使用，请换一个。")})
    candidate = User(username=username, display_name=_display_name(invitation), phone=invitation.phone)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error


def _display_name(invitation: Invitation) -> str:
    return invitation.person.name if invitation.person_id else ""


@transaction.atomic
def accept(*, invitation: Invitation, username: str, password: str, display_name: str = "") -> User:
    """Create (or, for a person whose account was deactivated or never used, re-open) the account, link
    it, and close the invitation, all or nothing. A second acceptance of the same link loses."""
    check_usable(invitation)
    validate_new_account(invitation=invitation, username=username, password=password)
    now = timezone.now()
    won = Invitation.objects.open(now).filter(pk=invitation.pk).update(accepted_at=now)
    if won != 1:
        raise InvitationUnusable("used")
    if invitation.person_id:
        person = Person.objects.select_for_update().get(pk=invitation.person_id)
        user = person.user or User(role=Role.DEPUTY)
        user.role = Role.DEPUTY
        user.display_name = person.name
    else:
        person = None
        user = User(role=invitation.role, organization=invitation.organization)
        user.display_name = display_name or invitation.organization.name
    user.username = username
    user.is_active = True
    if invitation.phone:
        user.phone = invitation.phone
    if invitation.email and not user.email:
        user.email = invitation.email
    user.set_password(password)
    user.save()
    if person is not None and person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    Invitation.objects.filter(pk=invitation.pk).update(user=user)
    invitation.accepted_at, invitation.user = now, user
    return user
