"""Planned activities for the public: the calendar page and its iCalendar feeds (§五(三), R-ACT-5).

What the public sees of an activity announced ahead (``ContactActivity.planned``) marked public: its
topic, kind, date and times, venue or place, and the names of the deputies attending. Never the
opinions, the people met or who logged it. A held activity keeps its place on the feed when it was
public, so a subscribed phone does not lose it the day after.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ContactActivity, Participation

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


def feed_activities(*, venue=None, deputy=None) -> list[ContactActivity]:
    """What a feed holds: public activities (planned, or held since) from FEED_DAYS_BACK ago on."""
    since = timezone.localdate() - datetime.timedelta(days=FEED_DAYS_BACK)
    activities = public_activities().filter(date__gte=since)
    return list(_filtered(activities, venue=venue, deputy=deputy)[:FEED_MAX_EVENTS])


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


def starts_at(activity) -> datetime.datetime | datetime.date:
    if activity.start_time is None:
        return activity.date
    return datetime.datetime.combine(activity.date, activity.start_time, tzinfo=SHANGHAI)


def ends_at(activity) -> datetime.datetime | datetime.date:
    if activity.start_time is None:
        return activity.date + datetime.timedelta(days=1)  # an all-day event ends the next day (RFC 5545)
    if activity.end_time is not None and activity.end_time > activity.start_time:
        return datetime.datetime.combine(activity.date, activity.end_time, tzinfo=SHANGHAI)
    return starts_at(activity) + DEFAULT_DURATION


def location(activity) -> str:
    if activity.venue_id:
        return (
            f"{activity.venue.name}（{activity.venue.address}）"
            if activity.venue.address
            else activity.venue.name
        )
    return activity.place


def title(activity) -> str:
    return activity.title or activity.get_kind_display()


def deputy_names(activity) -> list[str]:
    return [p.deputy.person.name for p in activity.participations.all()]


def ics(activities, *, name: str, url: str, host: str) -> bytes:
    """An iCalendar (RFC 5545) document of these activities, times in Asia/Shanghai."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Songjiang District People's Congress//Liaison portal//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("dtstamp", activity.updated_at)
        event.add("summary", title(activity))
        event.add("dtstart", starts_at(activity))
        event.add("dtend", ends_at(activity))
        if location(activity):
            event.add("location", location(activity))
        lines = [activity.get_kind_display()]
        names = deputy_names(activity)
        if names:
            lines.append(_("参加代表：%(names)s") % {"names": "、".join(names)})
        if not activity.planned:
            lines.append(_("活动已举行。"))
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED")
        event.add("url", url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
