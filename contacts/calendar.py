"""Planned activities for the public: the calendar page and its iCalendar feeds (§五(三), R-ACT-5).

Three things are announced ahead and shown alike (as an `Event`): contact activities (`planned`),
reports to the voters (`VoterReport.planned`) and training sessions; each only when marked public.

What the public sees of an activity announced ahead (``ContactActivity.planned``) marked public: its
topic, kind, date and times, venue or place, and the names of the deputies attending. Never the
opinions, the people met or who logged it. A held activity keeps its place on the feed when it was
public, so a subscribed phone does not lose it the day after.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ContactActivity, Participation, TrainingSession, VoterReport

SHANGHAI = ZoneInfo("Asia/Shanghai")
# How far back the feeds reach (a subscribed calendar keeps recent events), and how many they hold.
FEED_DAYS_BACK = 90
FEED_MAX_EVENTS = 500
# An event without an end time lasts this long on a phone's calendar.
DEFAULT_DURATION = datetime.timedelta(hours=2)


def public_activities() -> QuerySet:
    """Activities the public may see on the calendar, with what the page and feeds show (constant
    number of queries: the activities, and their participants)."""
    return (
        ContactActivity.objects.filter(is_public=True)
        .select_related("venue", "constituency__region", "group")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("deputy__person").order_by(
                    "deputy__person__name"
                ),
            )
        )
        .order_by("date", "start_time", "id")
    )


def upcoming(*, region=None, venue=None, deputy=None, since: datetime.date | None = None) -> QuerySet:
    """Public plans from ``since`` (default today) on, filtered by street or town, venue or deputy."""
    since = since or timezone.localdate()
    activities = public_activities().filter(planned=True, date__gte=since)
    return _filtered(activities, region=region, venue=venue, deputy=deputy)


def _filtered(activities: QuerySet, *, region=None, venue=None, deputy=None) -> QuerySet:
    if region is not None:
        activities = activities.filter(
            Q(constituency__region=region)
            | Q(venue__region=region)
            | Q(venue__region__parent=region)
            | Q(group__region=region)
        )
    if venue is not None:
        activities = activities.filter(venue=venue)
    if deputy is not None:
        activities = activities.filter(participations__deputy=deputy)
    return activities


def starts_at(event) -> datetime.datetime | datetime.date:
    if event.start_time is None:
        return event.date
    return datetime.datetime.combine(event.date, event.start_time, tzinfo=SHANGHAI)


def ends_at(event) -> datetime.datetime | datetime.date:
    if event.start_time is None:
        return event.date + datetime.timedelta(days=1)  # an all-day event ends the next day (RFC 5545)
    if event.end_time is not None and event.end_time > event.start_time:
        return datetime.datetime.combine(event.date, event.end_time, tzinfo=SHANGHAI)
    return starts_at(event) + DEFAULT_DURATION


def location(event) -> str:
    if event.venue_id:
        return f"{event.venue.name}（{event.venue.address}）" if event.venue.address else event.venue.name
    return event.place


def title(activity) -> str:
    return activity.title or activity.get_kind_display()


# --- One shape for what is announced: activities, reports to the voters, training sessions -----------


@dataclass
class Event:
    """What the calendar page and the feeds show of an activity, a report or a training session."""

    uid: str
    kind_label: str
    title: str
    date: datetime.date
    start_time: datetime.time | None
    end_time: datetime.time | None
    venue: object | None
    place: str
    stamp: datetime.datetime
    held: bool
    constituency: object | None = None
    deputies: list = field(default_factory=list)
    summary: str = ""
    url: str = ""

    @property
    def venue_id(self):
        return self.venue.pk if self.venue is not None else None

    @property
    def sort_key(self):
        return (self.date, self.start_time or datetime.time.min, self.uid)


def from_activity(activity: ContactActivity, *, deputies: bool = True) -> Event:
    return Event(
        uid=f"activity-{activity.pk}",
        kind_label=activity.get_kind_display(),
        title=title(activity),
        date=activity.date,
        start_time=activity.start_time,
        end_time=activity.end_time,
        venue=activity.venue,
        place=activity.place,
        stamp=activity.updated_at,
        held=not activity.planned,
        constituency=activity.constituency,
        deputies=[p.deputy for p in activity.participations.all()] if deputies else [],
        summary=activity.summary,
    )


def from_report(report: VoterReport) -> Event:
    return Event(
        uid=f"voter-report-{report.pk}",
        kind_label=_("向选民报告履职情况"),
        title=_("%(name)s代表向选民报告履职情况") % {"name": report.deputy.person.name},
        date=report.date,
        start_time=report.start_time,
        end_time=report.end_time,
        venue=report.venue,
        place=report.place,
        stamp=report.created_at,
        held=not report.planned,
        constituency=report.constituency,
        deputies=[report.deputy],
        url=reverse("voters:report", args=[report.pk]),
    )


def from_session(session: TrainingSession) -> Event:
    return Event(
        uid=f"training-{session.pk}",
        kind_label=_("代表学习培训"),
        title=session.title,
        date=session.date,
        start_time=session.start_time,
        end_time=session.end_time,
        venue=session.venue,
        place=session.place,
        stamp=datetime.datetime.combine(session.date, datetime.time.min, tzinfo=SHANGHAI),
        held=session.date < timezone.localdate(),
        summary=session.plan.title,
    )


def _reports(*, region=None, venue=None, deputy=None) -> QuerySet:
    reports = VoterReport.objects.filter(is_public=True).select_related(
        "deputy__person", "venue", "constituency__region"
    )
    if region is not None:
        reports = reports.filter(
            Q(constituency__region=region) | Q(venue__region=region) | Q(venue__region__parent=region)
        )
    if venue is not None:
        reports = reports.filter(venue=venue)
    if deputy is not None:
        reports = reports.filter(deputy=deputy)
    return reports.order_by("date", "start_time", "id")


def _sessions(*, region=None, venue=None, deputy=None) -> QuerySet:
    sessions = TrainingSession.objects.filter(is_public=True).select_related("plan", "venue")
    if region is not None:
        sessions = sessions.filter(Q(venue__region=region) | Q(venue__region__parent=region))
    if venue is not None:
        sessions = sessions.filter(venue=venue)
    if deputy is not None:  # the sessions the deputy enrolled in
        sessions = sessions.filter(enrolments__deputy=deputy)
    return sessions.order_by("date", "start_time", "id")


def _merged(activities, reports, sessions, limit: int, *, deputies: bool = True) -> list[Event]:
    events = [
        *(from_activity(a, deputies=deputies) for a in activities),
        *(from_report(r) for r in reports),
        *(from_session(s) for s in sessions),
    ]
    return sorted(events, key=lambda e: e.sort_key)[:limit]


def upcoming_events(
    *,
    region=None,
    venue=None,
    deputy=None,
    since: datetime.date | None = None,
    limit: int = FEED_MAX_EVENTS,
    reports=None,
    sessions: bool = True,
    deputies: bool = True,
) -> list[Event]:
    """What is announced from ``since`` (default today) on: planned public activities and reports,
    public training sessions; by street or town, venue or deputy, in date order. Four queries; a
    caller holding the deputy's reports already passes them (``reports``, filtered here) and may
    leave the training sessions out (the profile page), and the activities' deputies when it shows
    no names (``deputies=False``: their events' ``deputies`` stay empty, one query fewer)."""
    since = since or timezone.localdate()
    scope = {"region": region, "venue": venue, "deputy": deputy}
    if reports is None:
        reports = _reports(**scope).filter(planned=True, date__gte=since)[:limit]
    else:
        reports = [r for r in reports if r.planned and r.is_public and r.date >= since]
    activities = upcoming(since=since, **scope)
    if not deputies:
        activities = activities.prefetch_related(None)
    return _merged(
        activities[:limit],
        reports,
        _sessions(**scope).filter(date__gte=since)[:limit] if sessions else (),
        limit,
        deputies=deputies,
    )


def feed_events(*, venue=None, deputy=None) -> list[Event]:
    """What a feed holds: public activities, reports and training sessions (planned, or held since)
    from FEED_DAYS_BACK ago on, at most FEED_MAX_EVENTS."""
    since = timezone.localdate() - datetime.timedelta(days=FEED_DAYS_BACK)
    return _merged(
        _filtered(public_activities().filter(date__gte=since), venue=venue, deputy=deputy)[:FEED_MAX_EVENTS],
        _reports(venue=venue, deputy=deputy).filter(date__gte=since)[:FEED_MAX_EVENTS],
        _sessions(venue=venue, deputy=deputy).filter(date__gte=since)[:FEED_MAX_EVENTS],
        FEED_MAX_EVENTS,
    )


def ics(events, *, name: str, url: str, host: str, root: str = "") -> bytes:
    """An iCalendar (RFC 5545) document of these events, times in Asia/Shanghai. ``root`` (scheme and
    host) makes an event's own public page absolute; the others link ``url`` (the calendar page)."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Songjiang District People's Congress//Liaison portal//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for event in events:
        item = VEvent()
        item.add("uid", f"{event.uid}@{host}")
        item.add("dtstamp", event.stamp)
        item.add("summary", event.title)
        item.add("dtstart", starts_at(event))
        item.add("dtend", ends_at(event))
        if location(event):
            item.add("location", location(event))
        lines = [event.kind_label]
        names = [d.person.name for d in event.deputies]
        if names:
            lines.append(_("参加代表：%(names)s") % {"names": "、".join(names)})
        if event.held:
            lines.append(_("活动已举行。"))
        item.add("description", "\n".join(lines))
        item.add("status", "CONFIRMED")
        item.add("url", f"{root}{event.url}" if event.url else url)
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
