"""Writes of contact activities and the performance record (§三(四)–(八), §五(三)–(五), R-ACT-1…7).

Activities, confirmations, amendments, closed years and exemptions live here; the rest of the record
(reports to voters, research, training, meetings) in `record_services.py`, re-exported below. Every
function takes the acting user explicitly, checks the actor's rights through `deputies.permissions`
(PermissionDenied when refused) and the input (ValidationError with field errors when invalid).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from deputies import permissions as access
from ops.outbox import enqueue

from . import quotas, selectors
from .checks import (
    allowed_opinions,
    check_date,
    check_open_year,
    check_people,
    close_year_lock,
    hold_year_open,
    require_staff_for,
)
from .models import (
    ActivityKind,
    ActivityPhoto,
    Amendment,
    ClosedYear,
    ContactActivity,
    ContactPurpose,
    Participation,
    QuotaExemption,
)
from .record_services import (  # the rest of the record, re-exported
    add_training_session,
    arrange_meeting,
    create_training_plan,
    decline_meeting,
    plan_voter_report,
    record_attendance,
    record_attendances,
    record_committee_contact,
    record_held_voter_report,
    record_meeting,
    record_research_report,
    record_voter_report,
    request_meeting,
)

MAX_PHOTOS = 9
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


# --- Helpers --------------------------------------------------------------------------------------


def _validate_photos(photos: Sequence) -> list:
    """Each photo must really be an image (content checked with Pillow), re-encoded without metadata."""
    from deputies.images import ImageSpec, normalize_image

    spec = ImageSpec(size=(1600, 1600), crop=False, format="JPEG", extension="jpg", content_type="image/jpeg")
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(n)d张照片。") % {"n": MAX_PHOTOS}})
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(normalize_image(photo, spec=spec))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc
    return cleaned


def _validate_activity(
    *,
    kind,
    date,
    constituency,
    is_constituency_contact: bool,
    is_centralized: bool,
    people_reached,
    deputies: Sequence,
    people_met: Mapping[int, int],
    group=None,
    planned: bool = False,
    purposes: Sequence = (),
    check_closed: bool = True,
) -> None:
    errors: dict = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("请选择活动方式。")
    quotas.check_kind_flags(kind, is_constituency_contact, is_centralized, errors)
    _check_purposes(purposes, errors)
    check_date(date, deputies, errors, allow_future=planned)
    if check_closed and "date" not in errors:
        check_open_year(date, errors)
    check_people(people_reached, "people_reached", errors)
    for value in people_met.values():
        check_people(value, "people_met", errors)
    if is_constituency_contact and constituency is None:
        errors["constituency"] = _("进选区联系活动须填写选区。")
    if group is not None:
        # §三(五): a group's activity, in the group's area, with deputies who may take part in it.
        quotas.check_group_activity(group, constituency, deputies, errors)
    elif constituency is not None:
        for deputy in deputies:
            if constituency.congress_id != deputy.congress_id:
                errors["constituency"] = _("选区必须属于%(name)s所在的同一届人民代表大会。") % {
                    "name": deputy.person.name
                }
                break
    if not deputies:
        errors["participants"] = _("请选择参加活动的代表。")
    if errors:
        raise ValidationError(errors)


def _default_participants(actor, constituency) -> list:
    """A deputy logging for themself: the mandate in the constituency's congress (or their only one)."""
    from deputies.models import Deputy

    own = list(Deputy.objects.filter(person__user=actor).select_related("person"))
    if constituency is not None:
        matching = [d for d in own if d.congress_id == constituency.congress_id]
        if matching:
            return matching[:1]
    return own[:1] if len(own) == 1 else []


def _authorize_participants(actor, deputies: Sequence) -> None:
    if access.is_admin(actor):
        return
    if actor.is_authenticated and actor.role == Role.LIAISON_STAFF:
        require_staff_for(actor, deputies)
        return
    own = set(access.own_deputy_ids(actor))
    if not own:
        raise PermissionDenied(_("只有人大代表或联络机构可以登记联系活动。"))
    if any(d.pk not in own for d in deputies):
        raise PermissionDenied(_("代表只能登记本人参加的活动；多位代表的活动请由联络机构登记。"))


def _check_purposes(purposes, errors: dict) -> None:
    """§二: the purposes of a contact, several of the regulation's five (or none)."""
    if not isinstance(purposes, list | tuple) or any(p not in ContactPurpose.values for p in purposes):
        errors["purposes"] = _("请从列出的联系内容中选择。")


def _purposes(purposes) -> list[str]:
    """Stored in the order of the regulation, each once."""
    return [p for p in ContactPurpose.values if p in set(purposes or ())]


def _check_plan(*, planned: bool, date, start_time, end_time) -> None:
    errors: dict = {}
    if planned and isinstance(date, datetime.date) and date < timezone.localdate():
        errors["date"] = _("计划的活动日期不能早于今天；已经举行的活动请直接登记。")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("结束时间应晚于开始时间。")
    if errors:
        raise ValidationError(errors)


def _people_met_map(people_met, deputies: Sequence, people_reached) -> dict[int, int]:
    if people_met is None:
        return {d.pk: people_reached for d in deputies}
    if isinstance(people_met, int):
        return {d.pk: people_met for d in deputies}
    return {d.pk: people_met.get(d.pk, people_reached) for d in deputies}


# --- Activities -----------------------------------------------------------------------------------


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
    summary: str = "",
    venue=None,
    place: str = "",
    opinions: Iterable = (),
    photos: Sequence = (),
    is_public: bool = False,
    group=None,
    planned: bool = False,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    title: str = "",
    purposes: Sequence = (),
) -> ContactActivity:
    """Log a contact activity (R-ACT-1, §三(六)(八)).

    A deputy logs for their own mandate (the default participant); liaison staff register for deputies
    in their jurisdiction, and what they register counts as confirmed (R-ACT-5, §五(三)). Each
    participant's `people_met` defaults to `people_reached`, so a joint activity credits every deputy
    once. Refused: a date in the future (Asia/Shanghai) or outside a participant's mandate, a
    negative or absurd number of people, a constituency of another congress, a photo that is not an
    image, a date in a closed year, a mailbox/e-mail/phone/online activity marked as a constituency
    contact (quotas.check_kind_flags). With `group`, the activity is the deputy group's (§三(五)): in
    the group's area, with its members or district deputies elected in the town of a town group
    (quotas.check_group_activity); the constituency may then be of the group's congress.

    ``planned=True`` announces an activity ahead (§五(三)): its date may be in the future but not in the
    past, and it never counts toward a quota until the organiser records it as held
    (:func:`record_planned_activity`).
    """
    is_constituency_contact, is_centralized = quotas.normalize_flags(
        kind, is_constituency_contact, is_centralized
    )
    deputies = list(participants) if participants is not None else _default_participants(actor, constituency)
    _authorize_participants(actor, deputies)
    met = _people_met_map(people_met, deputies, people_reached)
    _validate_activity(
        kind=kind,
        date=date,
        constituency=constituency,
        is_constituency_contact=is_constituency_contact,
        is_centralized=is_centralized,
        people_reached=people_reached,
        deputies=deputies,
        people_met=met,
        group=group,
        planned=planned,
        purposes=purposes,
    )
    _check_plan(planned=planned, date=date, start_time=start_time, end_time=end_time)
    linked_opinions = allowed_opinions(actor, opinions, deputies)
    cleaned_photos = _validate_photos(list(photos))
    staff = access.is_staff(actor)
    with transaction.atomic():
        hold_year_open(date)
        activity = ContactActivity.objects.create(
            kind=kind,
            date=date,
            constituency=constituency,
            group=group,
            planned=planned,
            start_time=start_time,
            end_time=end_time,
            title=title,
            purposes=_purposes(purposes),
            is_constituency_contact=is_constituency_contact,
            is_centralized=is_centralized,
            people_reached=people_reached,
            summary=summary,
            venue=venue,
            place=place,
            is_public=is_public,
            created_by=actor,
            organized_by=actor.organization if staff and actor.organization_id else None,
            confirmed_at=timezone.now() if staff else None,
            confirmed_by=actor if staff else None,
        )
        Participation.objects.bulk_create(
            [Participation(activity=activity, deputy=d, people_met=met[d.pk]) for d in deputies]
        )
        if linked_opinions:
            activity.opinions.set(linked_opinions)
        for photo in cleaned_photos:
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


def _get_changeable(actor, activity: ContactActivity) -> ContactActivity:
    if not selectors.activities_changeable_by(actor).filter(pk=activity.pk).exists():
        raise PermissionDenied(_("您不能修改这条活动记录。"))
    return activity


def _apply_changes(actor, activity: ContactActivity, changes: dict, *, amending: bool) -> dict:
    """Validate and write `changes`; returns {field: [old, new]} of what actually changed."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS) - {"opinions", "participants", "people_met"}
    if unknown:
        raise ValidationError({field: _("该项不能修改。") for field in unknown})
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

    values = {field: changes.get(field, getattr(activity, field)) for field in CHANGEABLE_FIELDS}
    values["is_constituency_contact"], values["is_centralized"] = quotas.normalize_flags(
        values["kind"], values["is_constituency_contact"], values["is_centralized"]
    )
    old_met = {p.deputy_id: p.people_met for p in participations}
    if "people_met" in changes:
        met = _people_met_map(changes["people_met"], deputies, values["people_reached"])
    else:
        # A participant whose count followed the activity's keeps following it.
        met = {
            d.pk: (
                values["people_reached"]
                if old_met.get(d.pk, activity.people_reached) == activity.people_reached
                else old_met[d.pk]
            )
            for d in deputies
        }
    errors: dict = {}
    if not amending:
        check_open_year(activity.date, errors)
    if errors:
        raise ValidationError(errors)
    # An amendment may correct a closed year: only the closed-year refusal is waived for it.
    _validate_activity(
        kind=values["kind"],
        date=values["date"],
        constituency=values["constituency"],
        is_constituency_contact=values["is_constituency_contact"],
        is_centralized=values["is_centralized"],
        people_reached=values["people_reached"],
        deputies=deputies,
        people_met=met,
        group=activity.group,
        planned=activity.planned,
        purposes=values["purposes"],
        check_closed=not amending,
    )
    values["purposes"] = _purposes(values["purposes"])

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
        diff["people_met"] = [
            {str(k): v for k, v in old_met.items()},
            {str(k): v for k, v in met.items()},
        ]
    if not diff:
        return diff
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


def add_photos(*, actor, activity: ContactActivity, photos: Sequence) -> list[ActivityPhoto]:
    """Add photos to an activity the actor may change (while its year is open: checked under the
    year's lock, `hold_year_open`)."""
    _get_changeable(actor, activity)
    cleaned = _validate_photos(list(photos))
    with transaction.atomic():
        activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
        hold_year_open(activity.date)
        return _store_photos(activity, cleaned, touch=True)


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


def close_year(*, actor, year: int) -> ClosedYear:
    """An administrator closes a past year: its activities become read-only (amendments only)."""
    if not access.is_admin(actor):
        raise PermissionDenied(_("只有管理员可以关闭年度。"))
    if year >= timezone.localdate().year:
        raise ValidationError({"year": _("只能关闭已经结束的年度。")})
    with transaction.atomic():
        # Activities being written to the year when it is closed are committed first, so the report
        # stored as submitted holds them; later writes see the year closed (checks.hold_year_open).
        close_year_lock(year)
        closed, created = ClosedYear.objects.get_or_create(year=year, defaults={"closed_by": actor})
        if created:
            # The year's compliance report is stored as submitted (reports app), after the close
            # commits; the outbox keeps the task if Redis is down.
            enqueue("reports.tasks.snapshot_closed_year", year, closed.pk)
    return closed


def grant_exemption(*, actor, deputy, year: int, reason: str) -> QuotaExemption:
    """Excuse a deputy from a year's quota (§三(六) "一般"), always with a reason."""
    require_staff_for(actor, [deputy])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写免除原因。")})
    exemption, _created = QuotaExemption.objects.update_or_create(
        deputy=deputy, year=year, defaults={"reason": reason, "granted_by": actor}
    )
    return exemption


def revoke_exemption(*, actor, deputy, year: int) -> None:
    require_staff_for(actor, [deputy])
    QuotaExemption.objects.filter(deputy=deputy, year=year).delete()


__all__ = [
    "CHANGEABLE_FIELDS",
    "MAX_PHOTOS",
    "add_photos",
    "add_training_session",
    "amend_activity",
    "arrange_meeting",
    "close_year",
    "confirm_activity",
    "create_training_plan",
    "decline_meeting",
    "grant_exemption",
    "log_activity",
    "plan_voter_report",
    "record_attendance",
    "record_attendances",
    "record_committee_contact",
    "record_held_voter_report",
    "record_meeting",
    "record_planned_activity",
    "record_research_report",
    "record_voter_report",
    "register_activity_for_group",
    "request_meeting",
    "revoke_exemption",
    "update_activity",
]
