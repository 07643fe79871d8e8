"""Template helpers of the contact-activity pages: quota progress bars and the public summary."""

from __future__ import annotations

from django import template
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

register = template.Library()


@register.inclusion_tag("contacts/_progress_bar.html")
def progress_bar(measure, label, unit, bar_id, link=""):
    """An accessible progress bar for one quota measure (`contacts.quotas.Measure`): the numbers and
    the unit are in the text, not only in the bar's width."""
    required = measure.required
    percent = min(100, round(100 * measure.done / required)) if required else 100
    return {
        "measure": measure,
        "label": label,
        "unit": unit,
        "percent": percent,
        # ARIA wants valuenow within [min, max]: done may exceed what is required.
        "value_max": max(required, measure.done),
        "bar_id": bar_id,
        "link": link,
    }


@register.inclusion_tag("contacts/_public_summary.html")
def public_performance_summary(deputy):
    """The public part of a deputy's performance record (履职档案, R-ACT-5) for the profile page.

    Counts per year, reports to voters and the activities the deputy made public. Nothing about the
    people met (no opinion, no submitter, no names): three queries whatever the record's size.
    """
    from contacts.models import ContactActivity, VoterReport
    from contacts.quotas import counts_for_deputy

    activities = ContactActivity.objects.filter(participations__deputy=deputy, planned=False)
    per_year = list(
        activities.annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(
            activities=Count("pk", distinct=True),
            # The quota's own rule (own constituency or the group's area, face to face, held).
            constituency_contacts=Count("pk", filter=counts_for_deputy("participations__"), distinct=True),
            people=Sum("participations__people_met"),
        )
        .order_by("-year")
    )
    # people_met is summed over this deputy's participation only (the join above is on this deputy).
    reports = list(
        VoterReport.objects.filter(deputy=deputy)
        .select_related("constituency")
        .only("date", "form", "attendance", "constituency__name")
        .order_by("-date")
    )
    public_activities = list(
        activities.filter(is_public=True)
        .select_related("venue")
        .only("kind", "date", "place", "summary", "venue__name")
        .order_by("-date", "-id")[:10]
    )
    return {
        "deputy": deputy,
        "per_year": per_year,
        "voter_reports": reports,
        "public_activities": public_activities,
    }


@register.inclusion_tag("contacts/_upcoming.html")
def upcoming_activities(deputy):
    """The deputy's announced activities on their public profile, with their iCalendar feed (one
    query)."""
    from contacts import calendar

    # The list shows date, time, title and kind: not the participants (one query).
    upcoming = calendar.upcoming(deputy=deputy).prefetch_related(None)
    return {"deputy": deputy, "activities": list(upcoming[:5])}
