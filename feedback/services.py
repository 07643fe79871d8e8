"""Intake of opinions from every channel (§三(一), §三(六), §四(一), R-OP-1) and the citizen's rating.

Nothing a citizen says is lost: a honeypot hit or a blocked word goes to the moderation queue; a
repeat of the same text by the same sender within a day is stored, marked as a duplicate and linked
to the first; only the rate limit refuses. Pages and the API call `feedback.intake.take_in`, which
checks who may send what and the rate limit, then `submit_opinion` here.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.images import WHOLE_PHOTO, normalize_image
from deputies.models import Deputy, Organization, Region, RegionKind
from deputies.validators import is_valid_phone, normalize_phone

from . import abuse, archive, deadlines, routing, workflow
from .models import Channel, DeadlineKind, Opinion, OpinionPhoto

CONTENT_MIN = 10
CONTENT_MAX = 5000
MAX_PHOTOS = 5
DUPLICATE_WINDOW = datetime.timedelta(days=1)


def _keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def content_hash(content: str) -> str:
    """Same text, ignoring spacing and punctuation differences."""
    normalized = re.sub(r"[\s\W_]+", "", content.lower())
    return hashlib.sha256(normalized.encode()).hexdigest()


def submitter_fingerprint(*, name: str, phone: str, client_ip: str | None) -> str:
    """Who sent it, as a keyed hash: the phone number when given, else name and address of origin."""
    digits = re.sub(r"\D", "", phone or "")
    if digits:
        return _keyed_hash(f"phone:{digits[-11:]}")
    if client_ip:
        return _keyed_hash(f"ip:{client_ip}:name:{(name or '').strip()}")
    if name:
        return _keyed_hash(f"name:{name.strip()}")
    return ""


def _resolve(model, value, field: str, errors: dict, message: str):
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=int(value))
    except (model.DoesNotExist, TypeError, ValueError):
        errors[field] = message
        return None


def _clean_content(content: str, errors: dict) -> str:
    content = (content or "").strip()
    if len(content) < CONTENT_MIN:
        errors["content"] = _("内容至少%(min)d个字。") % {"min": CONTENT_MIN}
    elif len(content) > CONTENT_MAX:
        errors["content"] = _("内容不能超过%(max)d个字。") % {"max": CONTENT_MAX}
    return content


def _clean_addressee(region, deputy, organization, errors: dict) -> dict:
    """The place concerned and, optionally, the deputy or liaison body it is addressed to."""
    region_obj = _resolve(Region, region, "region", errors, _("请选择所在的街道、镇或居（村）委会。"))
    if region_obj is None and "region" not in errors:
        errors["region"] = _("请选择所在的街道、镇或居（村）委会。")
    elif region_obj is not None and region_obj.kind == RegionKind.DISTRICT:
        errors["region"] = _("请选择具体的街道、镇或居（村）委会。")
    deputy_obj = _resolve(Deputy, deputy, "deputy", errors, _("找不到这位代表。"))
    if deputy_obj is not None and not deputy_obj.is_serving():
        errors["deputy"] = _("这位代表已不在任，请选择其他代表或所在街镇的联络机构。")
    org_obj = _resolve(Organization, organization, "organization", errors, _("找不到这个联络机构。"))
    if org_obj is not None and not org_obj.is_liaison_body:
        errors["organization"] = _("请选择街道人大工委或镇人大办公室。")
    return {"region": region_obj, "deputy": deputy_obj, "organization": org_obj}


def _clean_submitter(name: str, phone: str, address: str, consent: bool, errors: dict) -> dict:
    """The optional contact details, kept only with the citizen's consent (PIPL)."""
    name = (name or "").strip()
    if len(name) > 50:
        errors["submitter_name"] = _("姓名不能超过50个字。")
    phone = normalize_phone(phone or "")
    if phone and not is_valid_phone(phone):
        errors["submitter_phone"] = _("电话号码格式不正确：%(value)s") % {"value": phone}
    address = (address or "").strip()
    if len(address) > 200:
        errors["submitter_address"] = _("地址不能超过200个字。")
    if (name or phone or address) and not consent:
        errors["consent"] = _("留下联系方式的，请同意我们为办理和反馈您的意见使用这些信息。")
    return {"submitter_name": name, "submitter_phone": phone, "submitter_address": address}


def validate_submission(
    *,
    content: str,
    region,
    deputy=None,
    organization=None,
    category: str = "",
    channel: str = Channel.WEB,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_address: str = "",
    consent: bool = False,
) -> dict:
    """Check a submission; ValidationError with field errors, otherwise the cleaned values (the
    keyword arguments of `validate_submission` and `submit_opinion`, with model instances)."""
    errors: dict[str, str] = {}
    values = {
        "content": _clean_content(content, errors),
        **_clean_addressee(region, deputy, organization, errors),
        "category": (category or "").strip(),
        "channel": channel,
        **_clean_submitter(submitter_name, submitter_phone, submitter_address, consent, errors),
        "consent": bool(consent),
    }
    if len(values["category"]) > 50:
        errors["category"] = _("类别不能超过50个字。")
    if channel not in Channel.values:
        errors["channel"] = _("请选择有效的渠道。")
    if errors:
        raise ValidationError(errors)
    return values


def _clean_photos(photos: Iterable) -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(max)d张图片。") % {"max": MAX_PHOTOS}})
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(normalize_image(photo, spec=WHOLE_PHOTO))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return cleaned


def submit_opinion(
    *,
    content: str,
    region,
    deputy=None,
    organization=None,
    category: str = "",
    channel: str = Channel.WEB,
    submitter_name: str = "",
    submitter_phone: str = "",
    submitter_address: str = "",
    confidential: bool = False,
    consent: bool = False,
    publish: bool = False,
    photos: Iterable = (),
    recorded_by=None,
    activity=None,
    client_ip: str | None = None,
    honeypot: str = "",
    now: datetime.datetime | None = None,
    idempotency_key: str = "",
) -> Opinion:
    """Store one opinion from any channel (R-OP-1); pages and the API call it through `intake.take_in`.

    The body of the place concerned is recorded as responsible, also when it is addressed to a deputy
    (who acts first, §四(一)). Writes the `received` event and, after commit, notifies whoever acts
    next. `publish`: consent to the public archive, refused with `confidential`. A second call with
    the same `idempotency_key` returns the first opinion, marked `replayed`. `activity`: the contact
    activity it was taken in at (linked by its many-to-many `opinions`, see `feedback.activities`).
    """
    if (earlier := replayed(idempotency_key)) is not None:
        return earlier
    archive.check_consent(publish=bool(publish), confidential=bool(confidential))
    values = validate_submission(
        content=content,
        region=region,
        deputy=deputy,
        organization=organization,
        category=category,
        channel=channel,
        submitter_name=submitter_name,
        submitter_phone=submitter_phone,
        submitter_address=submitter_address,
        consent=consent,
    )
    values["organization"] = values["organization"] or routing.liaison_body_for(values["region"])
    values.update(confidential=bool(confidential), publish=bool(publish), idempotency_key=idempotency_key)
    if recorded_by is not None and recorded_by.is_authenticated:
        values["recorded_by"] = recorded_by
    photo_files = _clean_photos(photos)
    screening = _screen(values, honeypot=honeypot, client_ip=client_ip)
    return _store(values, screening, photo_files, activity, now=now or timezone.now())


def _store(values: dict, screening: _Screening, photo_files: list, activity, *, now) -> Opinion:
    """Write it, its photos, its first event and its link to the activity, in one transaction."""
    with transaction.atomic():
        _serialize_intake(values["idempotency_key"], screening.sender_and_text)
        if (earlier := replayed(values["idempotency_key"])) is not None:
            return earlier
        opinion = _create(values, screening, _original_of(screening, now), now=now)
        for photo in photo_files:
            OpinionPhoto.objects.create(opinion=opinion, image=photo)
        _record_intake(opinion, screening)
        if activity is not None:
            activity.opinions.add(opinion)
    return opinion


@dataclass(frozen=True)
class _Screening:
    """What the intake notices about a submission before storing it."""

    spam: bool  # the honeypot was filled in
    reasons: tuple  # why a person must look at it first (moderation)
    fingerprint: str  # who sent it (keyed hash)
    digest: str  # what they sent (normalized text hash)

    @property
    def sender_and_text(self) -> str:
        return f"{self.fingerprint}:{self.digest}" if self.fingerprint else ""


def _screen(values: dict, *, honeypot: str, client_ip: str | None) -> _Screening:
    spam = abuse.is_honeypot_hit(honeypot)
    reasons = [_("疑似机器提交（隐藏字段被填写）")] if spam else []
    reasons += abuse.moderation_reasons(values["content"], values["category"], values["submitter_address"])
    fingerprint = submitter_fingerprint(
        name=values["submitter_name"], phone=values["submitter_phone"], client_ip=client_ip
    )
    return _Screening(spam, tuple(reasons), fingerprint, content_hash(values["content"]))


def _original_of(screening: _Screening, now: datetime.datetime) -> Opinion | None:
    """The first opinion with the same text from the same sender within a day, if any."""
    if not screening.fingerprint:
        return None
    original = (
        Opinion.objects.filter(
            submitter_fingerprint=screening.fingerprint,
            content_hash=screening.digest,
            received_at__gte=now - DUPLICATE_WINDOW,
        )
        .order_by("received_at", "id")
        .first()
    )
    if original is not None and original.duplicate_of_id:
        original = original.duplicate_of
    return original


def _create(values: dict, screening: _Screening, original, *, now) -> Opinion:
    return Opinion.objects.create(
        **values,
        state=workflow.initial_state(flagged=bool(screening.reasons)),
        received_at=now,
        flagged_spam=screening.spam,
        moderation_reason="；".join(str(r) for r in screening.reasons)[:200],
        duplicate_of=original,
        submitter_fingerprint=screening.fingerprint,
        content_hash=screening.digest,
        due_at=deadlines.route_due_for(now),
        due_kind=DeadlineKind.ROUTE,
    )


def _record_intake(opinion: Opinion, screening: _Screening) -> None:
    notes = []
    if screening.reasons:
        notes.append(_("进入待审核：%(reasons)s") % {"reasons": opinion.moderation_reason})
    if opinion.duplicate_of_id:
        notes.append(
            _("与意见 #%(id)s 重复（同一提交人一天内提交相同内容）。") % {"id": opinion.duplicate_of_id}
        )
    # A bot's submission is kept but nobody is paged for it; a duplicate does not page twice.
    workflow.record_intake(
        opinion=opinion,
        actor=opinion.recorded_by,
        internal_note="\n".join(notes),
        notify=not screening.spam and not opinion.duplicate_of_id,
    )


IDEMPOTENCY_KEY_MAX = 200


def idempotency_key_for(key: str, *, scope: str) -> str:
    """What is stored for a client's idempotency key: a keyed hash of the key and who sent it (a user
    id, or the client's address), so that one caller's key never returns another caller's opinion.
    Raises ValidationError for a key that is too long or has control characters."""
    key = (key or "").strip()
    if not key:
        return ""
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ValidationError(
            {"idempotency_key": _("Idempotency-Key 最长 %(max)s 个可见字符。") % {"max": IDEMPOTENCY_KEY_MAX}}
        )
    return _keyed_hash(f"idempotency:{scope}:{key}")


def replayed(idempotency_key: str) -> Opinion | None:
    if not idempotency_key:
        return None
    earlier = Opinion.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None:
        earlier.replayed = True
    return earlier


def _serialize_intake(*keys: str) -> None:
    """On PostgreSQL, hold a transaction-scoped advisory lock per key (the idempotency key, the sender
    and text): simultaneous identical submissions take turns, so the second sees the first and links
    to it (or returns it). SQLite writes one transaction at a time already."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(k for k in keys if k):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"opinion-intake:{key}"])


# --- The citizen's rating (through the tracking code) ---------------------------------------------


def can_rate(opinion: Opinion) -> bool:
    """Once fed back (or answered directly), the citizen may rate the outcome, once per feedback."""
    return "rate" in workflow.allowed_actions(opinion, None)


def rate_opinion(*, opinion: Opinion, rating: str, comment: str = "") -> Opinion:
    """The citizen's rating: satisfied / basically satisfied close it; dissatisfied brings it back to
    the liaison body's queue (§四(二))."""
    return workflow.apply_action(
        opinion=opinion, action="rate", actor=None, data={"rating": rating, "comment": comment}
    )
