"""Reads behind the progress pages: a deputy's year ("my year"), the staff overview and the
performance record (履职档案). What counts is `contacts.quotas`'s to say; these gather the rows behind
each number, in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from deputies import permissions as access
from deputies.models import Deputy

from . import badges, quotas, selectors
from .models import Participation

OVERVIEW_PAGE_SIZE = 50


# --- My year --------------------------------------------------------------------------------------


def _activity_rows(serving, year: int) -> dict[int, list[dict]]:
    """Per mandate, the year's activities, newest first, each marked whether it counts (the quota
    module says which participations count)."""
    counted = {
        m.pk: set(quotas.counted_participations(m, year).values_list("activity_id", flat=True))
        for m in serving
    }
    rows = defaultdict(list)
    participations = (
        Participation.objects.filter(deputy_id__in=[m.pk for m in serving], activity__date__year=year)
        .select_related("activity", "activity__constituency")
        .order_by("-activity__date", "-activity_id")
    )
    for participation in participations:
        rows[participation.deputy_id].append(
            {
                "activity": participation.activity,
                "people_met": participation.people_met,
                "counts": participation.activity_id in counted[participation.deputy_id],
            }
        )
    return rows


def my_year_sections(mandates, year: int) -> list[dict]:
    """One section per mandate serving in the year: its progress (§三(六)), and the activities and
    opinions behind each number."""
    serving = [m for m in mandates if quotas.served_period(m.start_date, m.end_date, year)]
    deputies = Deputy.objects.filter(pk__in=[m.pk for m in serving])
    progress = {p.deputy_id: p for p in quotas.progress_for_year(year, deputies=deputies)}
    rows = _activity_rows(serving, year)
    opinions = list(
        quotas.counted_opinions(serving, year)
        .only("id", "content", "state", "received_at", "deputy_id")
        .order_by("-received_at")
    )
    return [
        {
            "deputy": mandate,
            "anchor": f"m{mandate.pk}",
            "progress": progress[mandate.pk],
            "rows": rows[mandate.pk],
            "opinions": [o for o in opinions if o.deputy_id in (None, mandate.pk)],
        }
        for mandate in serving
    ]


# --- The staff overview ---------------------------------------------------------------------------


MAX_PAGE_NUMBER = 100_000


def _page_with_total(rows: QuerySet, number, per_page: int) -> Page:
    """One page of ``rows`` (ordered, and annotated with ``q_total``, the count of all rows) as
    Paginator.get_page gives it, in ONE query where Paginator asks two: a number that is not one gives
    the first page; a number out of range the last page (read from the end: one more query)."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    # Beyond any real page (or an offset the database cannot take): the last page, as for any number
    # out of range.
    in_reach = 1 <= number <= MAX_PAGE_NUMBER
    found = list(rows[(number - 1) * per_page : number * per_page]) if in_reach else []
    if not found and number != 1:
        found = list(rows.reverse()[:per_page])[::-1]  # the last rows, the last page among them
    total = found[0].q_total if found else 0
    paginator = Paginator([], per_page)
    paginator.count = total  # known already: Paginator need not count again
    if not 1 <= number <= paginator.num_pages:
        number = paginator.num_pages
        found = found[len(found) - (total - (number - 1) * per_page) :] if total else []
    return Page(found, number, paginator)


def overview_page(user, year: int, *, behind_only: bool, page_number) -> Page:
    """A page of the year's progress of the deputies in the user's jurisdiction (§三(六)), filtered
    (``behind_only``: not yet compliant) and paged in SQL, by congress and name."""
    deputies = access.deputies_in_jurisdiction(user).filter(
        pk__in=quotas.deputies_serving_in_year(year).values("pk")
    )
    rows = quotas.annotate_progress(deputies, year)
    if behind_only:
        rows = rows.filter(q_compliant=False)
    rows = (
        rows.annotate(q_total=Window(Count("pk")))
        .order_by("congress_id", "q_name", "pk")
        .values_list(*quotas.PROGRESS_FIELDS, "q_total", named=True)
    )
    page = _page_with_total(rows, page_number, OVERVIEW_PAGE_SIZE)
    page.object_list = [quotas.progress_from_row(row, year) for row in page.object_list]
    return page


# --- The performance record -----------------------------------------------------------------------


def record_deputies(user) -> QuerySet:
    """The mandates whose record the user may open (jurisdiction), ready for the record's header."""
    return access.deputies_in_jurisdiction(user).select_related(
        "person", "congress", "constituency__region", "group"
    )


def _year_blocks(deputy) -> list[dict]:
    """Each year of the mandate up to this one, newest first: its progress (one query for all years)
    and its activities with their "进选区" badges."""
    today = timezone.localdate()
    last_year = min(deputy.end_date.year if deputy.end_date else today.year, today.year)
    years = list(range(last_year, deputy.start_date.year - 1, -1))
    progress = quotas.progress_for_deputy_years(deputy, years)
    counted = badges.counted_activity_ids(deputy)
    by_year = defaultdict(list)
    for activity in selectors.record_activities_of_deputy(deputy):
        by_year[activity.date.year].append(
            {
                "activity": activity,
                "people_met": activity.own_people_met,
                "badge": badges.badge(activity, activity.pk in counted),
            }
        )
    return [{"year": year, "progress": progress[year], "rows": by_year.get(year, [])} for year in years]


def performance_record(deputy) -> dict:
    """Everything of one mandate's record (R-ACT-5): the years, the reports to voters and the five
    side lists (one query for those)."""
    return {
        "year_blocks": _year_blocks(deputy),
        "voter_reports": list(selectors.voter_reports_of_deputy(deputy)),
        **selectors.record_entries(deputy),
    }
