"""The one opinion intake that the public form, the record page and `POST /api/v1/opinions/` all call
(issue 11): the same input is refused in the same words, whichever way it comes in.

In order: a replay of an idempotency key (a double click, a retried request) returns the first
opinion; then the submission is checked (`services.validate_submission`, the consent to publish, the
deputy and the activity a recorder may name); only a valid submission counts against the rate limit
(the public per client address, a signed-in recorder per user: `abuse`), so correcting mistakes is
not spamming; then `services.submit_opinion` stores it (photos, moderation, duplicates).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role
from deputies import permissions as access
from deputies.models import Deputy

from . import abuse, activities, archive, services
from .models import Channel, Opinion


@dataclass(frozen=True)
class Sender:
    """Who sends: the public (`user` None) from `client_ip`, or a signed-in recorder."""

    user: object | None
    client_ip: str | None

    @classmethod
    def of(cls, request) -> Sender:
        """The API's caller: a recorder when signed in, else the public."""
        user = request.user if request.user.is_authenticated else None
        return cls(user=user, client_ip=abuse.client_ip(request))

    @classmethod
    def public(cls, request) -> Sender:
        """The public form's sender: the public, even when someone happens to be signed in."""
        return cls(user=None, client_ip=abuse.client_ip(request))

    @property
    def scope(self) -> str:
        """Whose idempotency keys these are: one caller's key never returns another's opinion."""
        return f"user:{self.user.pk}" if self.user is not None else f"ip:{self.client_ip}"


def recordable_deputies(user) -> QuerySet:
    """The deputies a recorder may name: a deputy's own serving mandates; for staff, the serving
    deputies in their jurisdiction."""
    if access.role_of(user) == Role.DEPUTY:
        deputies = Deputy.objects.filter(pk__in=access.own_deputy_ids(user))
    else:
        deputies = access.deputies_in_jurisdiction(user)
    return deputies.serving().select_related("person", "congress").order_by("person__name", "id")


def recordable_activity(user, activity):
    """The contact activity (or its id) `user` links a recorded opinion to: one whose record they may
    see, as on the record form. Any other, missing or another's, is refused in the same words."""
    activity_id = getattr(activity, "pk", activity)
    if activity_id in (None, ""):
        return None
    visible = activities.visible_to(user)
    found = None if visible is None else visible.filter(pk=activity_id).first()
    if found is None:
        raise ValidationError({"activity": _("找不到这个联系活动。")})
    return found


def _check_recorder(user, values: dict, activity):
    """What a signed-in recorder may name: a deputy they record for, an activity they may see."""
    deputy = values["deputy"]
    if deputy is not None and not recordable_deputies(user).filter(pk=deputy.pk).exists():
        raise ValidationError({"deputy": _("只能以本人或本辖区在任代表的名义登记意见。")})
    return recordable_activity(user, activity)


def _count(sender: Sender) -> None:
    """One submission against the sender's budget; abuse.RateLimited beyond it."""
    if sender.user is not None:
        abuse.check_record_limit(sender.user)
    else:
        abuse.check_rate_limit(sender.client_ip, scope=abuse.DEFAULT_SCOPE)


def take_in(
    *,
    sender: Sender,
    submission: dict,
    idempotency_key: str = "",
    confidential: bool = False,
    publish: bool = False,
    photos: Iterable = (),
    activity=None,
    honeypot: str = "",
) -> Opinion:
    """Take in one opinion from a page or the API. `submission`: the keyword arguments of
    `services.validate_submission`; `idempotency_key`: the client's raw key (the form's hidden token
    or the `Idempotency-Key` header). Raises ValidationError (field errors) or abuse.RateLimited."""
    key = services.idempotency_key_for(idempotency_key, scope=sender.scope)
    if (earlier := services.replayed(key)) is not None:
        return earlier
    if sender.user is None:  # the public writes through the website and links no activity
        submission, activity = {**submission, "channel": Channel.WEB}, None
    values = services.validate_submission(**submission)
    archive.check_consent(publish=bool(publish), confidential=bool(confidential))
    if sender.user is not None:
        activity = _check_recorder(sender.user, values, activity)
    _count(sender)
    return services.submit_opinion(
        **values,
        confidential=confidential,
        publish=publish,
        photos=photos,
        recorded_by=sender.user,
        activity=activity,
        client_ip=sender.client_ip,
        honeypot=honeypot,
        idempotency_key=key,
    )
