"""Changes to an activity after it was logged: edits while its year is open, amendments with a reason
(also in a closed year), photos added, and a plan recorded as held (§三(六), §五(三))."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from deputies import permissions as access

from .. import quotas, selectors
from ..checks import (
    allowed_opinions,
    check_open_year,
    hold_year_open,
)
from ..models import (
    ActivityPhoto,
    Amendment,
    ContactActivity,
    Participation,
)
from .activity_checks import (
    MAX_PHOTOS,
    _authorize_participants,
    _people_met_map,
    _purposes,
    _validate_activity,
    _validate_photos,
)

# The activity fields a change (PATCH or amendment) may touch.
CHANGEABLE_FIELDS = (
    "kind",
    "purposes",
    "date",
    "start_time",
    "end_time",
    "title",
    "place",
    "venue",
    "constituency",
    "is_constituency_contact",
    "is_centralized",
    "people_reached",
    "summary",
    "is_public",
)


def _get_changeable(actor, activity: ContactActivity) -> ContactActivity:
    if not selectors.activities_changeable_by(actor).filter(pk=activity.pk).exists():
        raise PermissionDenied(_("您不能修改这条活动记录。"))
    return activity


def _participants_after(actor, activity: ContactActivity, changes: dict) -> tuple[list, list]:
    """The activity's participations now, and its deputies after the change (only staff change them)."""
    participations = list(
        activity.participations.select_related(
            "deputy__person", "deputy__congress", "deputy__constituency", "activity__group__congress"
        )
    )
    deputies = [p.deputy for p in participations]
    if "participants" in changes:
        if not access.is_staff(actor):
            raise PermissionDenied(_("参加代表只能由联络机构修改。"))
        deputies = list(changes["participants"])
        _authorize_participants(actor, deputies)
    return participations, deputies


def _people_met_after(activity, changes: dict, old_met: dict, deputies: Sequence, people_reached) -> dict:
    """Each participant's people met after the change: as given, or, for a participant whose count
    followed the activity's, the activity's new count (the others keep theirs)."""
    if "people_met" in changes:
        return _people_met_map(changes["people_met"], deputies, people_reached)
    return {
        d.pk: (
            people_reached
            if old_met.get(d.pk, activity.people_reached) == activity.people_reached
            else old_met[d.pk]
        )
        for d in deputies
    }


def _diff(actor, activity: ContactActivity, values: dict, changes: dict, met: dict, old_met: dict, deputies):
    """Set the changed fields on ``activity``; returns ({field: [old, new]}, the opinions to link or
    None when they were not part of the change)."""
    diff = {}
    for field in CHANGEABLE_FIELDS:
        old, new = getattr(activity, field), values[field]
        if old != new:
            diff[field] = [_as_text(old), _as_text(new)]
            setattr(activity, field, new)
    new_opinions = None
    if "opinions" in changes:
        new_opinions = _opinions_after_change(actor, activity, changes["opinions"], deputies)
        old_ids = sorted(activity.opinions.values_list("pk", flat=True))
        if sorted(o.pk for o in new_opinions) != old_ids:
            diff["opinions"] = [old_ids, sorted(o.pk for o in new_opinions)]
    if set(met.items()) != set(old_met.items()):
        diff["people_met"] = [{str(k): v for k, v in old_met.items()}, {str(k): v for k, v in met.items()}]
    return diff, new_opinions


def _write_changes(actor, activity: ContactActivity, diff: dict, new_opinions, met: dict, *, amending: bool):
    if not amending and actor.role == Role.DEPUTY and activity.confirmed_at:
        # A deputy's own change needs the liaison body's confirmation again.
        activity.confirmed_at = None
        activity.confirmed_by = None
    activity.save()
    if new_opinions is not None:
        activity.opinions.set(new_opinions)
    if "people_met" in diff:
        activity.participations.exclude(deputy_id__in=met).delete()
        for deputy_id, value in met.items():
            Participation.objects.update_or_create(
                activity=activity, deputy_id=deputy_id, defaults={"people_met": value}
            )


def _apply_changes(actor, activity: ContactActivity, changes: dict, *, amending: bool) -> dict:
    """Validate and write `changes`; returns {field: [old, new]} of what actually changed."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS) - {"opinions", "participants", "people_met"}
    if unknown:
        raise ValidationError({field: _("该项不能修改。") for field in unknown})
    participations, deputies = _participants_after(actor, activity, changes)
    values = {field: changes.get(field, getattr(activity, field)) for field in CHANGEABLE_FIELDS}
    values["is_constituency_contact"], values["is_centralized"] = quotas.normalize_flags(
        values["kind"], values["is_constituency_contact"], values["is_centralized"]
    )
    old_met = {p.deputy_id: p.people_met for p in participations}
    met = _people_met_after(activity, changes, old_met, deputies, values["people_reached"])
    errors: dict = {}
    if not amending:
        check_open_year(activity.date, errors)
    if errors:
        raise ValidationError(errors)
    # An amendment may correct a closed year: only the closed-year refusal is waived for it.
    _validate_activity(
        values,
        deputies=deputies,
        people_met=met,
        group=activity.group,
        planned=activity.planned,
        check_closed=not amending,
    )
    values["purposes"] = _purposes(values["purposes"])
    diff, new_opinions = _diff(actor, activity, values, changes, met, old_met, deputies)
    if diff:
        _write_changes(actor, activity, diff, new_opinions, met, amending=amending)
    return diff


def _opinions_after_change(actor, activity: ContactActivity, chosen: Iterable, deputies: Sequence) -> list:
    """The opinions an activity links after a change: those chosen, plus those already linked that the
    actor may not see. Pages and the API show a user only the linked opinions they may see, so they
    cannot unlink the others; only newly added opinions are checked against `allowed_opinions`."""
    from feedback.selectors import opinions_visible_to

    chosen = list(chosen)
    linked = list(activity.opinions.all())
    linked_ids = {o.pk for o in linked}
    visible = set(opinions_visible_to(actor).filter(pk__in=linked_ids).values_list("pk", flat=True))
    allowed_opinions(actor, [o for o in chosen if o.pk not in linked_ids], deputies)
    kept = {o.pk: o for o in chosen}
    for opinion in linked:
        if opinion.pk not in visible:
            kept.setdefault(opinion.pk, opinion)
    return list(kept.values())


def _check_version(activity: ContactActivity, version: datetime.datetime | None) -> None:
    """Optimistic locking: `version` is the `updated_at` of the activity as the user saw it. A change
    made since then (by the deputy or another staff member) refuses the action with code "conflict",
    so nobody approves or overwrites figures they have not seen."""
    if version is not None and activity.updated_at != version:
        raise ValidationError(_("该活动已被他人修改，请核对最新内容后再操作。"), code="conflict")


def _as_text(value):
    if value is None or isinstance(value, bool | int | str | list):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def update_activity(
    *,
    actor,
    activity: ContactActivity,
    photos: Sequence = (),
    version: datetime.datetime | None = None,
    **changes,
) -> ContactActivity:
    """Change an activity while its year is open (a deputy: their own; staff: in their jurisdiction),
    adding `photos` to it. All or nothing: the photos are checked before anything is written, and the
    change and the photos are written in one transaction. With `version` (the `updated_at` the user
    saw), a change made by someone else since then is refused (code "conflict").
    A closed year is refused: corrections there are amendments (`amend_activity`)."""
    _get_changeable(actor, activity)
    cleaned_photos = _validate_photos(list(photos))
    with transaction.atomic():
        activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
        hold_year_open(activity.date, changes.get("date"))
        _check_version(activity, version)
        diff = _apply_changes(actor, activity, changes, amending=False)
        if cleaned_photos:
            _store_photos(activity, cleaned_photos, touch=not diff)
    return activity


def _store_photos(activity: ContactActivity, cleaned: Sequence, *, touch: bool) -> list[ActivityPhoto]:
    """Store checked photos (at most MAX_PHOTOS in all); `touch` marks the activity as changed, so a
    confirmation that did not see the photos is refused like one that did not see new figures."""
    if activity.photos.count() + len(cleaned) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(n)d张照片。") % {"n": MAX_PHOTOS}})
    if touch:
        activity.updated_at = timezone.now()
        ContactActivity.objects.filter(pk=activity.pk).update(updated_at=activity.updated_at)
    return [ActivityPhoto.objects.create(activity=activity, image=photo) for photo in cleaned]


def amend_activity(
    *,
    actor,
    activity: ContactActivity,
    reason: str,
    version: datetime.datetime | None = None,
    **changes,
) -> Amendment:
    """A later correction of an activity, with a reason, kept and shown in the record.

    Liaison staff (jurisdiction) and administrators may amend, also in a closed year; the old and new
    values are written to an `Amendment` row in the same transaction. With `version`, a change made
    since the user opened the activity is refused (code "conflict"), as in `update_activity`."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    if not access.is_staff(actor):
        raise PermissionDenied(_("更正由联络机构或管理员办理。"))
    _get_changeable(actor, activity)
    with transaction.atomic():
        activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
        _check_version(activity, version)
        diff = _apply_changes(actor, activity, changes, amending=True)
        if not diff:
            raise ValidationError({"reason": _("没有需要更正的内容。")})
        return Amendment.objects.create(activity=activity, reason=reason, changes=diff, made_by=actor)


def record_planned_activity(
    *,
    actor,
    activity: ContactActivity,
    people_reached: int,
    summary: str | None = None,
    people_met: int | Mapping[int, int] | None = None,
    opinions: Iterable | None = None,
    photos: Sequence = (),
    version: datetime.datetime | None = None,
) -> ContactActivity:
    """The organiser turns a plan whose day has come into the record, in one step: the people
    reached (each participant's `people_met`), what happened, the opinions collected, photos. From
    then on it counts like any activity (quotas.counts_for_deputy). Who: whoever may change the plan
    (`activities_changeable_by`). Refused: a day still in the future; an activity that is no longer
    a plan (code "conflict": someone recorded it first)."""
    _get_changeable(actor, activity)
    cleaned_photos = _validate_photos(list(photos))
    with transaction.atomic():
        activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
        if not activity.planned:
            raise ValidationError(_("该计划已登记为活动记录。"), code="conflict")
        if activity.date > timezone.localdate():
            raise ValidationError({"date": _("活动尚未举行，举行之后才能登记活动情况。")})
        hold_year_open(activity.date)
        _check_version(activity, version)
        activity.planned = False
        changes: dict = {"people_reached": people_reached}
        if summary is not None:
            changes["summary"] = summary
        if people_met is not None:
            changes["people_met"] = people_met
        if opinions is not None:
            changes["opinions"] = opinions
        _apply_changes(actor, activity, changes, amending=False)
        staff = access.is_staff(actor)
        now = timezone.now()
        activity.confirmed_at = now if staff else None
        activity.confirmed_by = actor if staff else None
        activity.updated_at = now
        ContactActivity.objects.filter(pk=activity.pk).update(
            planned=False,
            confirmed_at=activity.confirmed_at,
            confirmed_by=activity.confirmed_by,
            updated_at=now,
        )
        if cleaned_photos:
            _store_photos(activity, cleaned_photos, touch=False)
    return activity
