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


def _public_reports(deputy) -> list:
    """The deputy's reports to the voters the public may know of (held ones, and plans announced in
    public), read once per profile page and shared by the sections below (one query)."""
    cached = getattr(deputy, "_public_voter_reports", None)
    if cached is None:
        from contacts.models import VoterReport

        cached = list(
            VoterReport.objects.publicly_known()
            .filter(deputy=deputy)
            .select_related("constituency", "venue")
            .order_by("-date", "-id")[:50]
        )
        for report in cached:
            report.deputy = deputy  # the profile's deputy, person loaded
        deputy._public_voter_reports = cached
    return cached


@register.inclusion_tag("contacts/_public_summary.html")
def public_performance_summary(deputy):
    """The public part of a deputy's performance record (履职档案, R-ACT-5) for the profile page.

    Counts per year, reports to voters and the activities the deputy made public. Nothing about the
    people met (no opinion, no submitter, no names): three queries whatever the record's size.
    """
    from contacts.models import ContactActivity
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
    reports = [r for r in _public_reports(deputy) if not r.planned]
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
    """What the deputy announced (activities, reports to the voters) on their public profile, with
    their iCalendar feed, which also holds the training sessions they enrolled in (one query, and the
    deputy's reports shared with the other sections)."""
    from contacts import calendar

    # The list shows no names: the activities' participants are not read.
    events = calendar.upcoming_events(
        deputy=deputy, limit=5, reports=_public_reports(deputy), sessions=False, deputies=False
    )
    return {"deputy": deputy, "events": events}


@register.inclusion_tag("contacts/_voter_questions_section.html")
def voter_questions(deputy):
    """Voters' views of the deputy's work and their questions (§二(五)) on the public profile: the
    approved ones with the deputy's answers (never who sent them), and the form to send one while the
    deputy serves: a link to the form's page, so the profile carries no CSRF token and stays
    cacheable (songjiang_liaison/pagecache.py). One query (the questions)."""
    from contacts.selectors import public_voter_questions

    return {
        "deputy": deputy,
        "questions": list(public_voter_questions(deputy=deputy).order_by("-created_at", "-id")[:20]),
        "serving": deputy.status == "serving",
    }


# The badge colour of each status (contacts.quotas.status_of).
STATUS_BADGES = {
    "exempt": "text-bg-secondary",
    "compliant": "text-bg-success",
    "not_met": "text-bg-warning",
    "behind": "text-bg-danger",
    "on_pace": "text-bg-info",
}


@register.inclusion_tag("contacts/_status_badge.html")
def status_badge(progress):
    """A deputy's status for the year, the same label and colour on every page (one line)."""
    from contacts.quotas import status_labels, status_of

    status = status_of(progress)
    return {"status": status, "label": status_labels()[status], "css": STATUS_BADGES[status]}
