"""Writes of the rest of the performance record: reports to voters (§三(七), R-ACT-3), research
and inspection reports (§三(四), R-ACT-4), training (§五(四), R-ACT-6) and meeting requests (§五(五),
R-ACT-7). Re-exported by `contacts.services`, the app's one entry point for writes."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access

from .checks import allowed_opinions, check_date, check_people, require_staff_for
from .models import (
    AttendanceStatus,
    MeetingRequest,
    MeetingState,
    ReportForm,
    ResearchKind,
    ResearchReport,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
    VoterReport,
)

if TYPE_CHECKING:
    from deputies.models import Deputy


def _require_self_or_staff(actor, deputy) -> None:
    if deputy.pk in access.own_deputy_ids(actor):
        return
    require_staff_for(actor, [deputy])


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
    check_date(date, [deputy], errors)
    check_people(attendance, "attendance", errors)
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


def plan_voter_report(
    *,
    actor,
    deputy,
    date: datetime.date,
    form: str = ReportForm.ORAL,
    constituency=None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    venue=None,
    place: str = "",
    is_public: bool = True,
) -> VoterReport:
    """Announce a report to the voters ahead (§三(七), §五(三)), like a planned activity: a date from
    today on, the time and the venue; public ones show on the calendar, in the deputy's and the venue's
    feeds. It is the term's report only once recorded as held (:func:`record_held_voter_report`)."""
    _require_self_or_staff(actor, deputy)
    constituency = constituency or deputy.constituency
    errors: dict = {}
    if form not in ReportForm.values:
        errors["form"] = _("请选择报告形式。")
    check_date(date, [deputy], errors, allow_future=True)
    if isinstance(date, datetime.date) and date < timezone.localdate():
        errors["date"] = _("计划的报告日期不能早于今天；已经举行的报告请直接记录。")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("结束时间应晚于开始时间。")
    if constituency is not None and constituency.congress_id != deputy.congress_id:
        errors["constituency"] = _("选区必须属于代表所在的同一届人民代表大会。")
    if errors:
        raise ValidationError(errors)
    return VoterReport.objects.create(
        deputy=deputy,
        date=date,
        form=form,
        constituency=constituency,
        planned=True,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        place=place,
        is_public=is_public,
        created_by=actor,
    )


def record_held_voter_report(
    *, actor, report: VoterReport, attendance: int, content: str = "", file=None
) -> VoterReport:
    """Turn a planned report whose day has come into the record, in one step: the voters attending,
    what was reported (text or file). Who: the deputy or the liaison body in jurisdiction. Refused: a
    day still in the future; a report no longer planned (code "conflict": recorded by someone else)."""
    _require_self_or_staff(actor, report.deputy)
    errors: dict = {}
    check_people(attendance, "attendance", errors)
    if not (content or "").strip() and not file:
        errors["content"] = _("请填写报告内容或上传报告文件。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = VoterReport.objects.select_for_update().get(pk=report.pk)
        if not current.planned:
            raise ValidationError(_("该报告已经记录。"), code="conflict")
        if current.date > timezone.localdate():
            raise ValidationError({"date": _("报告尚未举行，举行之后才能记录报告情况。")})
        current.planned = False
        current.attendance = attendance
        current.content = content or ""
        if file:
            current.file = file
        current.save(update_fields=["planned", "attendance", "content", "file"])
    return current


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
    require_staff_for(actor, deputies)
    errors: dict = {}
    if kind not in ResearchKind.values:
        errors["kind"] = _("请选择类型。")
    if not (title or "").strip():
        errors["title"] = _("请填写题目。")
    if not deputies:
        errors["deputies"] = _("请选择参加代表。")
    check_date(date, deputies, errors)
    if errors:
        raise ValidationError(errors)
    linked = allowed_opinions(actor, opinions, deputies)
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
    if not access.is_staff(actor):
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
    *,
    actor,
    plan: TrainingPlan,
    title: str,
    date: datetime.date,
    place: str = "",
    hours=0,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    venue=None,
    is_public: bool = False,
) -> TrainingSession:
    """A training session of a plan, announced ahead: public ones show on the calendar and in the
    feeds (the district's, the venue's and each enrolled deputy's), like a planned activity."""
    if not access.is_staff(actor):
        raise PermissionDenied(_("培训课程由联络机构安排。"))
    errors: dict = {}
    if not (title or "").strip():
        errors["title"] = _("请填写主题。")
    if start_time and end_time and end_time <= start_time:
        errors["end_time"] = _("结束时间应晚于开始时间。")
    if errors:
        raise ValidationError(errors)
    return TrainingSession.objects.create(
        plan=plan,
        title=title.strip(),
        date=date,
        place=place,
        hours=hours,
        start_time=start_time,
        end_time=end_time,
        venue=venue,
        is_public=is_public,
    )


def record_attendances(
    *, actor, session: TrainingSession, statuses: Mapping[Deputy, str]
) -> list[TrainingAttendance]:
    """Record who attended a training session (§五(四), R-ACT-6): ``statuses`` maps each deputy to
    their attendance. Staff, for deputies within their jurisdiction only.

    All or nothing: every deputy and status is checked before anything is written, and the rows are
    written in one statement (a deputy already recorded has their status replaced), so a session of
    a whole congress costs as many queries as one of three deputies.
    """
    require_staff_for(actor, list(statuses))
    if any(status not in AttendanceStatus.values for status in statuses.values()):
        raise ValidationError({"status": _("请选择出席情况。")})
    return TrainingAttendance.objects.bulk_create(
        [
            TrainingAttendance(session=session, deputy=deputy, status=status)
            for deputy, status in statuses.items()
        ],
        update_conflicts=True,
        unique_fields=["session", "deputy"],
        update_fields=["status"],
    )


def _liaison_body_for(deputy):
    """The liaison body that arranges a deputy's meetings (§五(五)): the street working committee or
    town office of the deputy's constituency; None (the district office) otherwise."""
    from deputies.models import Organization

    return Organization.objects.serving(deputy.constituency.region if deputy.constituency_id else None)


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
    require_staff_for(actor, [request.deputy])
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
    """Tell the deputy what became of their request (arranged, moved, declined, held), by the one rule
    for reaching a deputy: in-app with an account, SMS to the mobile on file otherwise
    (`contacts.notices`). A meeting moved to another time is notified again as moved."""
    from .notices import meeting_notice

    meeting_notice(request)


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


# --- The Standing Committee's contacts with deputies (§三(三)) -----------------------------------


def committee_seats_of(actor):
    """The committee seats the actor holds (a Standing Committee member may also sit on a special
    committee)."""
    from deputies.models import CommitteeMember

    if not actor.is_authenticated:
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.filter(person__user=actor).select_related("committee")


def _require_committee_side(actor, member, committee) -> None:
    """The member themself, a member of the committee (for the committee's own contacts), or the
    district-wide liaison body."""
    own_seats = {seat.pk: seat for seat in committee_seats_of(actor)}
    acting_for_self = (member is not None and member.pk in own_seats) or (
        member is None and any(seat.committee_id == committee.pk for seat in own_seats.values())
    )
    if not (acting_for_self or access.is_district_wide(actor)):
        raise PermissionDenied(_("只能登记本人（或本委员会）联系代表的情况。"))


def _check_committee_contact(kind, date, subject, errors: dict) -> None:
    from .models import CommitteeContactKind

    if kind not in CommitteeContactKind.values:
        errors["kind"] = _("请选择联系方式。")
    if not (subject or "").strip():
        errors["subject"] = _("请填写主题。")
    if isinstance(date, datetime.date):
        if date > timezone.localdate():
            errors["date"] = _("日期不能晚于今天。")
    else:
        errors["date"] = _("请填写日期。")


def _check_contacted_deputies(member, committee, deputies: list, errors: dict) -> None:
    """A Standing Committee member contacts their 3–5 fixed-contact deputies (§三(三)); a committee,
    deputies of its congress."""
    from deputies.models import CommitteeKind

    if not deputies:
        errors["deputies"] = _("请选择联系的代表。")
    if member is not None and committee.kind == CommitteeKind.STANDING:
        fixed = set(member.fixed_contacts.values_list("pk", flat=True))
        outside = [d for d in deputies if d.pk not in fixed]
        if outside:
            errors["deputies"] = _("%(name)s不是您固定联系的代表（§三(三)）。") % {
                "name": outside[0].person.name
            }
    else:
        outside = [d for d in deputies if d.congress_id != committee.congress_id]
        if outside:
            errors["deputies"] = _("%(name)s不是本级人大代表。") % {"name": outside[0].person.name}


def record_committee_contact(
    *,
    actor,
    kind: str,
    date: datetime.date,
    subject: str,
    deputies: Sequence,
    views_heard: str = "",
    member=None,
    committee=None,
):
    """Record a contact of the Standing Committee's side with deputies (§三(三)).

    - ``member`` (a seat): the member themself (or the district-wide liaison body, an administrator)
      records meetings, visits, talks or invitations with deputies. A Standing Committee member's
      deputies must be among their 3–5 fixed-contact deputies.
    - ``committee`` without a member: a special or working committee invites deputies of its congress
      into supervision, major decisions or research; recorded by one of its members or the
      district-wide liaison body.
    Never counts toward a deputy's constituency-contact quota."""
    from .models import CommitteeContact

    if member is not None:
        committee = member.committee
    if committee is None:
        raise ValidationError({"member": _("请选择常委会组成人员或委员会。")})
    _require_committee_side(actor, member, committee)
    deputies = list(deputies)
    errors: dict = {}
    _check_committee_contact(kind, date, subject, errors)
    _check_contacted_deputies(member, committee, deputies, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = CommitteeContact.objects.create(
            committee=committee,
            member=member,
            kind=kind,
            date=date,
            subject=subject.strip(),
            views_heard=views_heard,
            created_by=actor,
        )
        contact.deputies.set(deputies)
    return contact
