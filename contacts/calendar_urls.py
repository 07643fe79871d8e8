"""The public calendar of announced activities and its iCalendar feeds, mounted at /calendar/."""

from django.urls import path

from . import calendar_views

app_name = "calendar"

urlpatterns = [
    path("", calendar_views.calendar_page, name="page"),
    path("songjiang.ics", calendar_views.district_feed, name="district_feed"),
    path("deputies/<int:pk>.ics", calendar_views.deputy_feed, name="deputy_feed"),
    path("venues/<int:pk>.ics", calendar_views.venue_feed, name="venue_feed"),
]
