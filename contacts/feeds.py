"""Atom feed of one deputy's public contact activities (those the deputy's record marks public,
`contacts.selectors.public_activities_of_deputy`): date, kind, place and summary, never the people
met or the opinions taken in."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from deputies.models import Deputy
from deputies.selectors import public_deputy_profile

from .quotas import SHANGHAI
from .selectors import public_activities_of_deputy

FEED_ITEMS = 50


class DeputyActivitiesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, pk):
        try:
            return public_deputy_profile(pk)
        except Deputy.DoesNotExist as exc:
            raise Http404 from exc

    def title(self, deputy):
        return _("%(name)s代表的联系活动") % {"name": deputy.person.name}

    def link(self, deputy):
        return reverse("deputies:profile", args=[deputy.pk])

    def items(self, deputy):
        activities = list(public_activities_of_deputy(deputy)[:FEED_ITEMS])
        for activity in activities:
            activity.feed_profile_url = reverse("deputies:profile", args=[deputy.pk])
        return activities

    def item_title(self, activity):
        place = activity.venue.name if activity.venue_id else activity.place
        parts = [activity.date.isoformat(), activity.get_kind_display(), place]
        return " · ".join(str(part) for part in parts if part)

    def item_description(self, activity):
        return activity.summary or activity.get_kind_display()

    def item_link(self, activity):
        return f"{activity.feed_profile_url}#activity-{activity.pk}"

    def item_pubdate(self, activity):
        return datetime.datetime.combine(activity.date, datetime.time(), tzinfo=SHANGHAI)
