"""Writes of contact activities and the performance record (§三(四)–(八), §五(三)–(五), R-ACT-1…7).

Every function takes the acting user explicitly, checks the actor's rights through `accounts.scoping`
(PermissionDenied when refused) and the input (ValidationError with field errors when invalid).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.models import Role

from . import selectors
from .models import (
    MAX_PEOPLE_REACHED,
    ActivityKind,
    ActivityPhoto,
    Amendment,
    AttendanceStatus,
    ClosedYear,
    ContactActivity,
    MeetingRequest,
    MeetingState,
    Participation,
    QuotaExemption,
    ReportForm,
    ResearchKind,
    ResearchReport,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
    VoterReport,
)

MAX_PHOTOS = 9
# The activity fields a change (PATCH or amendment) may touch.
CHANGEABLE_FIELDS = (
    "kind",
    "date",
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


def _is_staff(actor) -> bool:
    return scoping.is_admin(actor) or (actor.is_authenticated and actor.role == Role.LIAISON_STAFF)


def _require_staff_for(actor, deputies: Iterable) -> None:
    """Liaison staff act for deputies in their jurisdiction only; administrators for all."""
    if scoping.is_admin(actor):
        return
    if not (actor.is_authenticated and actor.role == Role.LIAISON_STAFF):
        raise PermissionDenied(_("只有联络机构工作人员可以办理此事项。"))
    for deputy in deputies:
        if not scoping.can_manage_deputy(actor, deputy):
            raise PermissionDenied(_("%(name)s不在您所在机构的联系范围内。") % {"name": deputy.person.name})


def _check_people(value, field: str, errors: dict) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("请填写人数。")
    elif value < 0:
        errors[field] = _("人数不能为负数。")
    elif value > MAX_PEOPLE_REACHED:
        errors[field] = _("人数不能超过%(max)d人次，请核对。") % {"max": MAX_PEOPLE_REACHED}


def _check_date(day, deputies: Sequence, errors: dict, *, field: str = "date") -> None:
    if not isinstance(day, datetime.date):
        errors[field] = _("请填写日期。")
        return
    if day > timezone.localdate():
        errors[field] = _("日期不能晚于今天。")
        return
    for deputy in deputies:
        if day < deputy.start_date or (deputy.end_date and day > deputy.end_date):
            errors[field] = _("日期不在%(name)s的代表任期内（%(start)s 至 %(end)s）。") % {
                "name": deputy.person.name,
                "start": deputy.start_date.isoformat(),
                "end": deputy.end_date.isoformat() if deputy.end_date else _("今"),
            }
            return


def _check_open_year(day, errors: dict, *, field: str = "date") -> None:
    if isinstance(day, datetime.date) and selectors.is_year_closed(day.year):
        errors[field] = _("%(year)d年度已关闭，记录不能再修改；如需更正，请由联络机构提交更正说明。") % {
            "year": day.year
        }


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


def _allowed_opinions(actor, opinions: Iterable, deputies: Sequence) -> list:
    """Opinions that may be linked: those of the participants, recorded by the actor, or (staff) in
    the actor's jurisdiction."""
    opinions = list(opinions)
    if not opinions or scoping.is_district_wide(actor):
        return opinions
    deputy_ids = {d.pk for d in deputies}
    regions = set(scoping.regions_in_jurisdiction(actor).values_list("pk", flat=True))
    for opinion in opinions:
        if not (
            opinion.deputy_id in deputy_ids
            or opinion.recorded_by_id == actor.pk
            or opinion.region_id in regions
        ):
            raise ValidationError({"opinions": _("只能关联本人或本辖区的社情民意。")})
    return opinions


def _normalize_flags(kind: str, is_constituency_contact: bool, is_centralized: bool) -> tuple[bool, bool]:
    """集中联系选区 is a centralized contact, and a centralized contact is a constituency contact."""
    if kind == ActivityKind.CENTRALIZED:
        is_centralized = True
    if is_centralized:
        is_constituency_contact = True
    return bool(is_constituency_contact), bool(is_centralized)


def _validate_activity(
    *,
    kind,
    date,
    constituency,
    is_constituency_contact: bool,
    people_reached,
    deputies: Sequence,
    people_met: Mapping[int, int],
    check_closed: bool = True,
) -> None:
    errors: dict = {}
    if kind not in ActivityKind.values:
        errors["kind"] = _("请选择活动方式。")
    _check_date(date, deputies, errors)
    if check_closed and "date" not in errors:
        _check_open_year(date, errors)
    _check_people(people_reached, "people_reached", errors)
    for value in people_met.values():
        _check_people(value, "people_met", errors)
    if is_constituency_contact and constituency is None:
        errors["constituency"] = _("进选区联系活动须填写选区。")
    if constituency is not None:
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
    if scoping.is_admin(actor):
        return
    if actor.is_authenticated and actor.role == Role.LIAISON_STAFF:
        _require_staff_for(actor, deputies)
        return
    own = set(scoping.own_deputy_ids(actor))
    if not own:
        raise PermissionDenied(_("只有人大代表或联络机构可以登记联系活动。"))
    if any(d.pk not in own for d in deputies):
        raise PermissionDenied(_("代表只能登记本人参加的活动；多位代表的活动请由联络机构登记。"))


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
) -> ContactActivity:
    """Log a contact activity (R-ACT-1, §三(六)(八)).

    A deputy logs for their own mandate (the default participant); liaison staff register for deputies
    in their jurisdiction, and what they register counts as confirmed (R-ACT-5, §五(三)). Each
    participant's `people_met` defaults to `people_reached`, so a joint activity credits every deputy
    once. Refused: a date in the future (Asia/Shanghai) or outside a participant's mandate, a
    negative or absurd number of people, a constituency of another congress, a photo that is not an
    image, a date in a closed year.
    """
    is_constituency_contact, is_centralized = _normalize_flags(kind, is_constituency_contact, is_centralized)
    deputies = list(participants) if participants is not None else _default_participants(actor, constituency)
    _authorize_participants(actor, deputies)
    met = _people_met_map(people_met, deputies, people_reached)
    _validate_activity(
        kind=kind,
        date=date,
        constituency=constituency,
        is_constituency_contact=is_constituency_contact,
        people_reached=people_reached,
        deputies=deputies,
        people_met=met,
    )
    linked_opinions = _allowed_opinions(actor, opinions, deputies)
    cleaned_photos = _validate_photos(list(photos))
    staff = _is_staff(actor)
    with transaction.atomic():
        activity = ContactActivity.objects.create(
            kind=kind,
            date=date,
            constituency=constituency,
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
) -> ContactActivity:
    """A liaison body registers an activity it organized for many deputies at once, e.g. a centralized
    contact of a whole deputy group (R-ACT-5, §五(三)). Only deputies in its jurisdiction; the members
    of `group` serving on the day are added to `deputies`."""
    if not _is_staff(actor):
        raise PermissionDenied(_("只有联络机构工作人员可以统一登记活动。"))
    participants = {d.pk: d for d in (deputies or [])}
    if group is not None:
        for member in group.members.serving(on=date).select_related("person"):
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
        people_met=people_met,
        summary=summary,
        venue=venue,
        place=place,
        opinions=opinions,
        photos=photos,
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
    participations = list(activity.participations.select_related("deputy__person"))
    deputies = [p.deputy for p in participations]
    if "participants" in changes:
        if not _is_staff(actor):
            raise PermissionDenied(_("参加代表只能由联络机构修改。"))
        deputies = list(changes["participants"])
        _authorize_participants(actor, deputies)

    values = {field: changes.get(field, getattr(activity, field)) for field in CHANGEABLE_FIELDS}
    values["is_constituency_contact"], values["is_centralized"] = _normalize_flags(
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
        _check_open_year(activity.date, errors)
    if errors:
        raise ValidationError(errors)
    # An amendment may correct a closed year: only the closed-year refusal is waived for it.
    _validate_activity(
        kind=values["kind"],
        date=values["date"],
        constituency=values["constituency"],
        is_constituency_contact=values["is_constituency_contact"],
        people_reached=values["people_reached"],
        deputies=deputies,
        people_met=met,
        check_closed=not amending,
    )

    diff = {}
    for field in CHANGEABLE_FIELDS:
        old, new = getattr(activity, field), values[field]
        if old != new:
            diff[field] = [_as_text(old), _as_text(new)]
            setattr(activity, field, new)
    new_opinions = None
    if "opinions" in changes:
        new_opinions = _allowed_opinions(actor, changes["opinions"], deputies)
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


def _as_text(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def update_activity(*, actor, activity: ContactActivity, **changes) -> ContactActivity:
    """Change an activity while its year is open (a deputy: their own; staff: in their jurisdiction).
    A closed year is refused: corrections there are amendments (`amend_activity`)."""
    _get_changeable(actor, activity)
    with transaction.atomic():
        activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
        _apply_changes(actor, activity, changes, amending=False)
    return activity


def add_photos(*, actor, activity: ContactActivity, photos: Sequence) -> list[ActivityPhoto]:
    """Add photos to an activity the actor may change (while its year is open)."""
    _get_changeable(actor, activity)
    errors: dict = {}
    _check_open_year(activity.date, errors)
    if errors:
        raise ValidationError(errors)
    if activity.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传%(n)d张照片。") % {"n": MAX_PHOTOS}})
    cleaned = _validate_photos(list(photos))
    return [ActivityPhoto.objects.create(activity=activity, image=photo) for photo in cleaned]


def amend_activity(*, actor, activity: ContactActivity, reason: str, **changes) -> Amendment:
    """A later correction of an activity, with a reason, kept and shown in the record.

    Liaison staff (jurisdiction) and administrators may amend, also in a closed year; the old and new
    values are written to an `Amendment` row in the same transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    if not _is_staff(actor):
        raise PermissionDenied(_("更正由联络机构或管理员办理。"))
    _get_changeable(actor, activity)
    with transaction.atomic():
        activity = ContactActivity.objects.select_for_update().get(pk=activity.pk)
        diff = _apply_changes(actor, activity, changes, amending=True)
        if not diff:
            raise ValidationError({"reason": _("没有需要更正的内容。")})
        return Amendment.objects.create(activity=activity, reason=reason, changes=diff, made_by=actor)


def confirm_activity(*, actor, activity: ContactActivity) -> ContactActivity:
    """The deputy's liaison body confirms an activity the deputy logged (R-ACT-5)."""
    deputies = [p.deputy for p in activity.participations.select_related("deputy__person")]
    _require_staff_for(actor, deputies)
    errors: dict = {}
    _check_open_year(activity.date, errors)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    # Compare-and-set: two staff confirming at once both succeed in effect, but only one stamp is kept.
    updated = ContactActivity.objects.filter(pk=activity.pk, confirmed_at__isnull=True).update(
        confirmed_at=now, confirmed_by=actor
    )
    activity.refresh_from_db()
    if not updated and activity.confirmed_by_id != actor.pk and activity.confirmed_at is None:
        raise ValidationError(_("确认失败，请重试。"))
    return activity


def close_year(*, actor, year: int) -> ClosedYear:
    """An administrator closes a past year: its activities become read-only (amendments only)."""
    if not scoping.is_admin(actor):
        raise PermissionDenied(_("只有管理员可以关闭年度。"))
    if year >= timezone.localdate().year:
        raise ValidationError({"year": _("只能关闭已经结束的年度。")})
    closed, _created = ClosedYear.objects.get_or_create(year=year, defaults={"closed_by": actor})
    return closed


def grant_exemption(*, actor, deputy, year: int, reason: str) -> QuotaExemption:
    """Excuse a deputy from a year's quota (§三(六) "一般"), always with a reason."""
    _require_staff_for(actor, [deputy])
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写免除原因。")})
    exemption, _created = QuotaExemption.objects.update_or_create(
        deputy=deputy, year=year, defaults={"reason": reason, "granted_by": actor}
    )
    return exemption


def revoke_exemption(*, actor, deputy, year: int) -> None:
    _require_staff_for(actor, [deputy])
    QuotaExemption.objects.filter(deputy=deputy, year=year).delete()


# --- Reports to voters, research, training, meetings ------------------------------------------------


def _require_self_or_staff(actor, deputy) -> None:
    if deputy.pk in scoping.own_deputy_ids(actor):
        return
    _require_staff_for(actor, [deputy])


def record_voter_report(
    *,
    actor,
    deputy,
    date: datetime.date,
    form: str = ReportForm.ORAL,
    constituency=None,
    attendance: int = 0,
    content: str = "",
    file=None,
) -> VoterReport:
    """Record a report to voters (§三(七), R-ACT-3): mainly oral, at least once per term."""
    _require_self_or_staff(actor, deputy)
    constituency = constituency or deputy.constituency
    errors: dict = {}
    if form not in ReportForm.values:
        errors["form"] = _("请选择报告形式。")
    _check_date(date, [deputy], errors)
    _check_people(attendance, "attendance", errors)
    if constituency is not None and constituency.congress_id != deputy.congress_id:
        errors["constituency"] = _("选区必须属于代表所在的同一届人民代表大会。")
    if not (content or "").strip() and not file:
        errors["content"] = _("请填写报告内容或上传报告文件。")
    if errors:
        raise ValidationError(errors)
    return VoterReport.objects.create(
        deputy=deputy,
        date=date,
        form=form,
        constituency=constituency,
        attendance=attendance,
        content=content,
        file=file or "",
        created_by=actor,
    )


def record_research_report(
    *,
    actor,
    title: str,
    date: datetime.date,
    deputies: Sequence,
    kind: str = ResearchKind.RESEARCH,
    organs_visited: str = "",
    summary: str = "",
    document=None,
    opinions: Iterable = (),
    outcomes: str = "",
) -> ResearchReport:
    """Record a research or inspection report (§三(四), R-ACT-4), registered by the liaison body."""
    deputies = list(deputies)
    _require_staff_for(actor, deputies)
    errors: dict = {}
    if kind not in ResearchKind.values:
        errors["kind"] = _("请选择类型。")
    if not (title or "").strip():
        errors["title"] = _("请填写题目。")
    if not deputies:
        errors["deputies"] = _("请选择参加代表。")
    _check_date(date, deputies, errors)
    if errors:
        raise ValidationError(errors)
    linked = _allowed_opinions(actor, opinions, deputies)
    with transaction.atomic():
        report = ResearchReport.objects.create(
            kind=kind,
            title=title.strip(),
            date=date,
            organs_visited=organs_visited,
            summary=summary,
            document=document or "",
            outcomes=outcomes,
            organized_by=actor.organization if actor.organization_id else None,
            created_by=actor,
        )
        report.deputies.set(deputies)
        if linked:
            report.opinions.set(linked)
    return report


def create_training_plan(*, actor, congress, year: int, title: str, description: str = "") -> TrainingPlan:
    """A training plan (§五(四), R-ACT-6)."""
    if not _is_staff(actor):
        raise PermissionDenied(_("培训计划由联络机构制定。"))
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写名称。")})
    return TrainingPlan.objects.create(
        congress=congress,
        year=year,
        title=title.strip(),
        description=description,
        organized_by=actor.organization if actor.organization_id else None,
    )


def add_training_session(
    *, actor, plan: TrainingPlan, title: str, date: datetime.date, place: str = "", hours=0
) -> TrainingSession:
    if not _is_staff(actor):
        raise PermissionDenied(_("培训课程由联络机构安排。"))
    if not (title or "").strip():
        raise ValidationError({"title": _("请填写主题。")})
    return TrainingSession.objects.create(plan=plan, title=title.strip(), date=date, place=place, hours=hours)


def record_attendance(
    *, actor, session: TrainingSession, deputy, status: str = AttendanceStatus.PRESENT
) -> TrainingAttendance:
    """Record a deputy's attendance of a training session (staff, within their jurisdiction)."""
    _require_staff_for(actor, [deputy])
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("请选择出席情况。")})
    attendance, _created = TrainingAttendance.objects.update_or_create(
        session=session, deputy=deputy, defaults={"status": status}
    )
    return attendance


def _liaison_body_for(deputy):
    """The liaison body that arranges a deputy's meetings (§五(五)): the street working committee or
    town office of the deputy's constituency; None (the district office) otherwise."""
    from deputies.models import Organization, OrganizationKind

    region_id = deputy.constituency.region_id if deputy.constituency_id else None
    if region_id is None:
        return None
    return (
        Organization.objects.filter(
            region_id=region_id, kind__in=[OrganizationKind.STREET_COMMITTEE, OrganizationKind.TOWN_OFFICE]
        )
        .order_by("id")
        .first()
    )


def request_meeting(
    *, actor, deputy, subject: str, organ=None, organ_name: str = "", head_name: str = ""
) -> MeetingRequest:
    """A deputy asks to meet the head of a state organ (约见, §五(五), R-ACT-7)."""
    _require_self_or_staff(actor, deputy)
    errors: dict = {}
    if not (subject or "").strip():
        errors["subject"] = _("请填写约见事由。")
    if organ is None and not (organ_name or "").strip():
        errors["organ"] = _("请选择或填写约见的机关。")
    if errors:
        raise ValidationError(errors)
    return MeetingRequest.objects.create(
        deputy=deputy,
        subject=subject.strip(),
        organ=organ,
        organ_name=organ_name or (organ.name if organ else ""),
        head_name=head_name,
        liaison_body=_liaison_body_for(deputy),
        created_by=actor,
    )


def _transition_meeting(
    *, actor, request: MeetingRequest, sources: tuple[str, ...], target: str, **fields
) -> MeetingRequest:
    _require_staff_for(actor, [request.deputy])
    # Compare-and-set on the expected state: of two staff acting at once, exactly one wins.
    updated = MeetingRequest.objects.filter(pk=request.pk, state__in=sources).update(state=target, **fields)
    if updated != 1:
        request.refresh_from_db()
        raise ValidationError(
            _("该约见当前状态为“%(state)s”，不能执行此操作。") % {"state": request.get_state_display()},
            code="conflict",
        )
    request.refresh_from_db()
    _notify_deputy(request)
    return request


def _notify_deputy(request: MeetingRequest) -> None:
    from accounts.notify import notify

    user = request.deputy.person.user
    if user is None:
        return
    notify(
        recipient=user,
        kind="meeting_request",
        title=_("您的约见申请：%(state)s") % {"state": request.get_state_display()},
        body=request.decline_reason or request.notes or request.subject,
        key=f"meeting:{request.pk}:{request.state}",
    )


def arrange_meeting(
    *, actor, request: MeetingRequest, scheduled_at: datetime.datetime, place: str = ""
) -> MeetingRequest:
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise ValidationError({"scheduled_at": _("请填写约见时间。")})
    return _transition_meeting(
        actor=actor,
        request=request,
        sources=(MeetingState.REQUESTED, MeetingState.ARRANGED),
        target=MeetingState.ARRANGED,
        scheduled_at=scheduled_at,
        place=place,
        arranged_by=actor,
        liaison_body=actor.organization if actor.organization_id else request.liaison_body,
    )


def record_meeting(*, actor, request: MeetingRequest, held_on: datetime.date, notes: str) -> MeetingRequest:
    errors: dict = {}
    if not (notes or "").strip():
        errors["notes"] = _("请填写约见记录。")
    if not isinstance(held_on, datetime.date) or held_on > timezone.localdate():
        errors["held_on"] = _("约见日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    return _transition_meeting(
        actor=actor,
        request=request,
        sources=(MeetingState.ARRANGED,),
        target=MeetingState.HELD,
        held_on=held_on,
        notes=notes.strip(),
    )


def decline_meeting(*, actor, request: MeetingRequest, reason: str) -> MeetingRequest:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写未能安排的原因。")})
    return _transition_meeting(
        actor=actor,
        request=request,
        sources=(MeetingState.REQUESTED, MeetingState.ARRANGED),
        target=MeetingState.DECLINED,
        decline_reason=reason.strip(),
        arranged_by=actor,
    )
