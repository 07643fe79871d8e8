"""Notices deputies expect (§五(一), R-SUP-1): their reception duty at a 家/站/点 the day before, a
training session they are enrolled in a week and a day before, and their meeting request arranged,
moved or declined.

Each goes by the one rule for reaching a deputy (`deputies.reach`): an in-app message (and e-mail or
SMS where the deputy chose so, `accounts.notify`) to a deputy with an active account, an SMS to the
mobile on file otherwise, "not reachable" recorded for a deputy with neither. The ledger row
(deputy, notice kind, period) is claimed before anything is sent, and the period names the object and
its date or time: a second run, a retry or a concurrent run sends nothing again, while a duty, a
session or a meeting moved to another day or time is a new notice. Queries: a constant number per
duty, per training session and lead time, per meeting (a day has a handful of each), not per deputy.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.notify import Message, recipient_language
from deputies.models import Deputy, Reach, ReceptionDuty
from deputies.reach import ReachResult, reach

from .models import MeetingRequest, MeetingState, TrainingEnrolment
from .reminders import _texts, _url, format_day

# Ledger kinds (`deputies.Reach.kind`); the in-app messages use the NotificationKind of each.
DUTY = "duty_notice"
TRAINING_WEEK = "training_notice_7d"
TRAINING_DAY = "training_notice_1d"
MEETING_ARRANGED = "meeting_arranged"
MEETING_MOVED = "meeting_moved"
MEETING_DECLINED = "meeting_declined"
MEETING_HELD = "meeting_held"
# How long before a training session its enrolled deputies are told.
TRAINING_LEADS = {TRAINING_WEEK: 7, TRAINING_DAY: 1}


@dataclass
class NoticeResult:
    in_app: int = 0
    texts: int = 0
    unreachable: int = 0

    def add(self, other: ReachResult) -> None:
        self.in_app += other.in_app
        self.texts += other.texts
        self.unreachable += other.unreachable

    def as_dict(self) -> dict:
        return {"messages": self.in_app, "texts": self.texts, "unreachable": self.unreachable}


Writer = Callable[[Deputy, bool], str]


def _send(
    *,
    kind: str,
    notification_kind: str,
    period: str,
    deputies: list[Deputy],
    title: Callable[[], str],
    body: Callable[[Deputy], str],
    text: Writer | None,
    url: str,
) -> ReachResult:
    """One notice (kind, period) to `deputies`: the in-app message in each user's language, the SMS
    in the portal's language for the others (none when `text` is None: in-app only)."""
    messages = {}
    for deputy in deputies:
        user = deputy.person.user
        if user is None or not user.is_active:
            continue
        with translation.override(recipient_language(user)):
            messages[deputy.pk] = Message(
                recipient=user,
                kind=notification_kind,
                title=title(),
                body=body(deputy),
                url=url,
                key=f"{kind}:{period}:deputy:{deputy.pk}",
            )
    texts = _texts(deputies, text, url) if text is not None else {}
    return reach(kind=kind, period=period, deputies=deputies, messages=messages, texts=texts)


def _hours(start: datetime.time | None, end: datetime.time | None) -> str:
    if start is None:
        return ""
    if end is None:
        return time_format(start, "H:i")
    return f"{time_format(start, 'H:i')}–{time_format(end, 'H:i')}"


# --- Reception duty at a 家/站/点, the day before ---------------------------------------------------


def send_duty_notices(*, as_of: datetime.date) -> NoticeResult:
    """Tell each serving deputy on reception duty tomorrow where and when."""
    day = as_of + datetime.timedelta(days=1)
    duties = (
        ReceptionDuty.objects.filter(date=day, deputy__in=Deputy.objects.serving(on=day))
        .select_related("contact_point", "deputy__person__user", "deputy__congress")
        .order_by("pk")
    )
    result = NoticeResult()
    for duty in duties:
        point = duty.contact_point
        hours = _hours(duty.start_time, duty.end_time)

        def body(_deputy, point=point, hours=hours, day=day) -> str:
            return _("%(day)s %(hours)s，您在%(place)s（%(address)s）接待群众。") % {
                "day": format_day(day),
                "hours": hours,
                "place": point.name,
                "address": point.address,
            }

        def text(deputy, short: bool, point=point, hours=hours, day=day) -> str:
            values = {"name": deputy.person.name, "day": format_day(day), "hours": hours, "place": point.name}
            if short:
                return _("%(name)s代表：您%(day)s在%(place)s值班接待群众。") % values
            return _("%(name)s代表：您%(day)s %(hours)s在%(place)s（%(address)s）值班接待群众。") % {
                **values,
                "address": point.address,
            }

        result.add(
            _send(
                kind=DUTY,
                notification_kind=NotificationKind.RECEPTION_DUTY,
                period=f"{duty.pk}:{day.isoformat()}",
                deputies=[duty.deputy],
                title=lambda: _("明天的代表接待值班"),
                body=body,
                text=text,
                url=_url("deputies:profile", duty.deputy_id),  # lists the deputy's duties
            )
        )
    return result


# --- Training sessions, a week and a day before ------------------------------------------------------


def send_training_notices(*, as_of: datetime.date) -> NoticeResult:
    """Tell the serving deputies enrolled in a session a week before it and again the day before."""
    result = NoticeResult()
    for kind, lead in TRAINING_LEADS.items():
        day = as_of + datetime.timedelta(days=lead)
        enrolments = (
            TrainingEnrolment.objects.filter(session__date=day, deputy__in=Deputy.objects.serving(on=day))
            .select_related("session", "deputy__person__user", "deputy__congress")
            .order_by("session_id", "pk")
        )
        by_session: dict[int, list] = {}
        for enrolment in enrolments:
            by_session.setdefault(enrolment.session_id, []).append(enrolment)
        for rows in by_session.values():
            session = rows[0].session
            result.add(_training_notice(kind, session, [row.deputy for row in rows]))
    return result


def _training_notice(kind: str, session, deputies: list[Deputy]) -> ReachResult:
    def values(deputy=None) -> dict:
        return {
            "name": deputy.person.name if deputy else "",
            "day": format_day(session.date),
            "title": session.title,
            "place": session.place or "—",
        }

    def text(deputy, short: bool) -> str:
        if short:
            return _("%(name)s代表：您报名的培训“%(title)s”将于%(day)s举行。") % values(deputy)
        return _("%(name)s代表：您报名的培训“%(title)s”将于%(day)s在%(place)s举行，请准时参加。") % values(
            deputy
        )

    return _send(
        kind=kind,
        notification_kind=NotificationKind.TRAINING,
        period=f"{session.pk}:{session.date.isoformat()}",
        deputies=deputies,
        title=lambda: _("培训提醒：%(title)s") % values(),
        body=lambda _deputy: _("您报名的培训“%(title)s”将于%(day)s在%(place)s举行，请准时参加。") % values(),
        text=text,
        url=_url("contacts:my_year"),
    )


# --- Meeting requests: arranged, moved, declined ---------------------------------------------------


def meeting_notice(request: MeetingRequest) -> ReachResult:
    """Tell the deputy what became of their meeting request, as it now stands. An arrangement whose
    time changed after an earlier one was notified is "moved"; the same arrangement saved again is
    nothing new. A meeting held is told in the portal only (the deputy was there)."""
    deputy = Deputy.objects.select_related("person__user", "congress").filter(pk=request.deputy_id).first()
    if deputy is None:
        return ReachResult()
    if request.state == MeetingState.ARRANGED and request.scheduled_at is not None:
        moment = int(request.scheduled_at.timestamp())
        period = f"{request.pk}:{moment}"
        earlier = Reach.objects.filter(
            deputy=deputy, kind__in=(MEETING_ARRANGED, MEETING_MOVED), period__startswith=f"{request.pk}:"
        ).exclude(period=period)
        kind = MEETING_MOVED if earlier.exists() else MEETING_ARRANGED
    elif request.state == MeetingState.DECLINED:
        kind, period = MEETING_DECLINED, str(request.pk)
    elif request.state == MeetingState.HELD:
        kind, period = MEETING_HELD, str(request.pk)
    else:
        return ReachResult()
    title, body, text = _meeting_texts(kind, request)
    return _send(
        kind=kind,
        notification_kind=NotificationKind.MEETING_REQUEST,
        period=period,
        deputies=[deputy],
        title=title,
        body=body,
        text=None if kind == MEETING_HELD else text,
        url=_url("contacts:meetings"),
    )


def _meeting_texts(kind: str, request: MeetingRequest) -> tuple[Callable, Callable, Writer]:
    organ = request.organ_name or (request.organ.name if request.organ_id else "")

    def when() -> str:
        moment = timezone.localtime(request.scheduled_at)
        return date_format(moment, "DATETIME_FORMAT")

    def body(_deputy) -> str:
        if kind in (MEETING_ARRANGED, MEETING_MOVED):
            if request.place:
                return _("约见时间：%(when)s，地点：%(place)s。") % {"when": when(), "place": request.place}
            return _("约见时间：%(when)s。") % {"when": when()}
        return request.decline_reason or request.notes or request.subject

    def title() -> str:
        if kind == MEETING_MOVED:
            return _("您的约见时间已变更")
        return _("您的约见申请：%(state)s") % {"state": request.get_state_display()}

    def text(deputy, short: bool) -> str:
        values = {"name": deputy.person.name, "organ": organ, "when": when() if request.scheduled_at else ""}
        if kind == MEETING_DECLINED:
            return _("%(name)s代表：您约见%(organ)s负责人的申请未能安排，详情请联系联络机构。") % values
        if kind == MEETING_MOVED:
            return _("%(name)s代表：您约见%(organ)s负责人的时间改为%(when)s。") % values
        return _("%(name)s代表：您约见%(organ)s负责人已安排在%(when)s。") % values

    return title, body, text
