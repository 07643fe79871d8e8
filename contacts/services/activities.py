"""Logging and confirming contact activities (R-ACT-1, R-ACT-5, §五(三))."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access

from .. import quotas
from ..checks import (
    allowed_opinions,
    check_open_year,
    hold_year_open,
    require_staff_for,
)
from ..models import (
    ActivityKind,
    ActivityPhoto,
    ContactActivity,
    Participation,
)
from .activity_checks import (
    _activity_details,
    _authorize_participants,
    _check_plan,
    _default_participants,
    _people_met_map,
    _purposes,
    _validate_activity,
    _validate_photos,
)


def log_activity(
    *,
    actor,
    kind: str,
    date: datetime.date,
    constituency=None,
    is_constituency_contact: bool = False,
    is_centralized: bool = False,
    people_reached: int = 0,
    participants: Sequence | None = None,
    people_met: int | Mapping[int, int] | None = None,
    opinions: Iterable = (),
    photos: Sequence = (),
    group=None,
    planned: bool = False,
    **details,
) -> ContactActivity:
    """Log a contact activity (R-ACT-1, §三(六)(八)); ``details`` are the describing fields of
    ``ACTIVITY_DETAILS`` (summary, venue, place, is_public, title, start_time, end_time, purposes).

    A deputy logs for their own mandate (the default participant); liaison staff register for deputies
    in their jurisdiction, and what they register counts as confirmed (R-ACT-5, §五(三)). Each
    participant's `people_met` defaults to `people_reached`, so a joint activity credits every deputy
    once. Refused: what `_validate_activity` refuses (a date in the future or outside a mandate, absurd
    numbers, a constituency of another congress, a closed year, a remote kind marked as a constituency
    contact) and a photo that is not an image. With `group`, the activity is the deputy group's
    (§三(五), quotas.check_group_activity). ``planned=True`` announces it ahead (§五(三)): it never
    counts until recorded as held (:func:`record_planned_activity`)."""
    details = _activity_details(details)
    is_constituency_contact, is_centralized = quotas.normalize_flags(
        kind, is_constituency_contact, is_centralized
    )
    deputies = list(participants) if participants is not None else _default_participants(actor, constituency)
    _authorize_participants(actor, deputies)
    met = _people_met_map(people_met, deputies, people_reached)
    fields = {
        **details,
        "kind": kind,
        "date": date,
        "constituency": constituency,
        "group": group,
        "planned": planned,
        "is_constituency_contact": is_constituency_contact,
        "is_centralized": is_centralized,
        "people_reached": people_reached,
    }
    _validate_activity(fields, deputies=deputies, people_met=met, group=group, planned=planned)
    _check_plan(planned=planned, date=date, start_time=details["start_time"], end_time=details["end_time"])
    linked_opinions = allowed_opinions(actor, opinions, deputies)
    cleaned_photos = _validate_photos(list(photos))
    fields["purposes"] = _purposes(details["purposes"])
    return _create_activity(actor, fields, people_met=met, opinions=linked_opinions, photos=cleaned_photos)


def _create_activity(
    actor, fields: dict, *, people_met: Mapping[int, int], opinions, photos
) -> ContactActivity:
    """Write a checked activity with its participations, opinions and photos in one transaction (under
    the year's lock); what liaison staff log is theirs and confirmed at once."""
    staff = access.is_staff(actor)
    with transaction.atomic():
        hold_year_open(fields["date"])
        activity = ContactActivity.objects.create(
            **fields,
            created_by=actor,
            organized_by=actor.organization if staff and actor.organization_id else None,
            confirmed_at=timezone.now() if staff else None,
            confirmed_by=actor if staff else None,
        )
        Participation.objects.bulk_create(
            [Participation(activity=activity, deputy_id=pk, people_met=n) for pk, n in people_met.items()]
        )
        if opinions:
            activity.opinions.set(opinions)
        for photo in photos:
            ActivityPhoto.objects.create(activity=activity, image=photo)
    return activity


def register_activity_for_group(
    *,
    actor,
    date: datetime.date,
    constituency,
    people_reached: int,
    group=None,
    deputies: Sequence | None = None,
    kind: str = ActivityKind.CENTRALIZED,
    is_constituency_contact: bool = True,
    is_centralized: bool = True,
    people_met: int | Mapping[int, int] | None = None,
    summary: str = "",
    venue=None,
    place: str = "",
    opinions: Iterable = (),
    photos: Sequence = (),
    planned: bool = False,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    title: str = "",
    is_public: bool = False,
    purposes: Sequence = (),
) -> ContactActivity:
    """A liaison body registers an activity it organized for many deputies at once, e.g. a centralized
    contact of a whole deputy group (R-ACT-5, §五(三)), or announces it ahead (`planned`). Only
    deputies in its jurisdiction; the members of `group` serving on the day are added to `deputies`."""
    if not access.is_staff(actor):
        raise PermissionDenied(_("只有联络机构工作人员可以统一登记活动。"))
    participants = {d.pk: d for d in (deputies or [])}
    if group is not None:
        for member in group.members.serving(on=date).select_related("person", "congress", "constituency"):
            participants.setdefault(member.pk, member)
    return log_activity(
        actor=actor,
        kind=kind,
        date=date,
        constituency=constituency,
        is_constituency_contact=is_constituency_contact,
        is_centralized=is_centralized,
        people_reached=people_reached,
        participants=list(participants.values()),
        group=group,
        people_met=people_met,
        summary=summary,
        venue=venue,
        place=place,
        opinions=opinions,
        photos=photos,
        planned=planned,
        start_time=start_time,
        end_time=end_time,
        title=title,
        is_public=is_public,
        purposes=purposes,
    )


def confirm_activity(
    *, actor, activity: ContactActivity, version: datetime.datetime | None = None
) -> ContactActivity:
    """The deputy's liaison body confirms an activity the deputy logged (R-ACT-5, §五(三)).

    A confirmation approves the figures the confirmer saw: `version` is the activity's `updated_at`
    as shown to them (the `activity` passed in, when not given). Compare-and-set on the version and on
    "not yet confirmed": if the deputy changed the activity since, nothing is confirmed and a
    ValidationError with code "conflict" says so; if another staff member confirmed it first, it stays
    confirmed by them."""
    deputies = [p.deputy for p in activity.participations.select_related("deputy__person")]
    require_staff_for(actor, deputies)
    errors: dict = {}
    check_open_year(activity.date, errors)
    if errors:
        raise ValidationError(errors)
    expected = version if version is not None else activity.updated_at
    now = timezone.now()
    updated = ContactActivity.objects.filter(
        pk=activity.pk, confirmed_at__isnull=True, updated_at=expected
    ).update(confirmed_at=now, confirmed_by=actor, updated_at=now)
    activity.refresh_from_db()
    if not updated and activity.confirmed_at is None:
        raise ValidationError(_("该活动已被修改，请核对后再确认。"), code="conflict")
    return activity
