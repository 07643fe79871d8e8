"""Deadlines of the opinion and suggestion workflow (§四(一)–(三), R-OP-3…5).

The arithmetic is pure: every function takes the calendar as data (a `WorkCalendar`), so tests and
the reminder sweep can run it for any day. Working days follow the official Chinese calendar with
its make-up working days (调休), kept in the `Holiday` table (seeded from `chinesecalendar` for
2004–2026, extended by administrators). For a year without data the calendar falls back to
Monday–Friday and administrators are told once that the year needs entering.

- routing: within 5 working days of receipt (`ROUTE_WORKING_DAYS`);
- reply: per level, `settings.OPINION_REPLY_PERIODS` (amount and unit: working_days, days, months);
- feedback to the citizen: within 15 days of the reply (`FEEDBACK_DAYS`);
- suggestions (§四(三), feedback/suggestions/): assigned within 5 working days of submission; answered
  3 calendar months from assignment, 6 for wide-ranging or difficult ones; co-units report to the lead
  unit within 1 month; an approved extension never goes past 6 months from assignment; a suggestion
  the deputy is dissatisfied with is handled again within 1 month.

Due dates are stored (`Opinion.due_at`, `Assignment.due_at`, `Suggestion.due_at`, all indexed) as the
end of the due day in Asia/Shanghai. `open_deadlines(horizon)` are the open rows that both the
reminder sweep (`feedback.reminders`) and `overdue_items(now)` read: one meaning of overdue.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from .days import end_of_day, local_day, on_time  # noqa: F401 (part of this module's rules)

ROUTE_WORKING_DAYS = 5
FEEDBACK_DAYS = 15
SUGGESTION_MONTHS = 3
DIFFICULT_SUGGESTION_MONTHS = 6
SUGGESTION_ASSIGNMENT_WORKING_DAYS = 5
CO_UNIT_MONTHS = 1
REHANDLE_MONTHS = 1
# No reply date, extensions included, goes past this many months from the assignment.
MAX_SUGGESTION_MONTHS = 6
# Reply periods by level: settings.OPINION_REPLY_PERIODS; "long overdue": settings.OPINION_LONG_OVERDUE_DAYS.

ON_TIME = "on_time"
OVERDUE = "overdue"
LONG_OVERDUE = "long_overdue"


@dataclass(frozen=True)
class WorkCalendar:
    """The official calendar as data: holidays, make-up working days, and the years it knows."""

    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    known_years: frozenset[int] = frozenset()
    # Filled by the arithmetic: years it needed but did not know (fell back to Monday–Friday).
    missing_years: set[int] = field(default_factory=set, compare=False, hash=False)

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year not in self.known_years:
            self.missing_years.add(day.year)
            return day.weekday() < 5
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def build_calendar(rows: Iterable[tuple[datetime.date, bool]]) -> WorkCalendar:
    """A calendar from (date, is_workday) pairs, as stored in the `Holiday` table."""
    holidays, workdays = set(), set()
    for day, is_workday in rows:
        (workdays if is_workday else holidays).add(day)
    return WorkCalendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        known_years=frozenset(d.year for d in holidays | workdays),
    )


def load_calendar(years: Iterable[int] | None = None) -> WorkCalendar:
    """The calendar from the database (only the given years, when given: one small query, read once
    per change of the data: songjiang_liaison.pagecache.memo)."""
    from songjiang_liaison import pagecache

    from .models import Holiday

    chosen = None if years is None else sorted(set(years))

    def read() -> WorkCalendar:
        rows = Holiday.objects.all()
        if chosen is not None:
            rows = rows.filter(date__year__in=chosen)
        return build_calendar(rows.values_list("date", "is_workday"))

    name = "all" if chosen is None else "-".join(map(str, chosen))
    return pagecache.memo(f"work-calendar:{name}", read)


def add_working_days(start: datetime.date, count: int, cal: WorkCalendar) -> datetime.date:
    """The `count`-th working day after `start` (the day of receipt does not count)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if cal.is_working_day(day):
            remaining -= 1
    return day


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Calendar months; the 31st of a short month becomes its last day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_period(start: datetime.date, amount: int, unit: str, cal: WorkCalendar) -> datetime.date:
    if unit == "working_days":
        return add_working_days(start, amount, cal)
    if unit == "days":
        return start + datetime.timedelta(days=amount)
    if unit == "months":
        return add_months(start, amount)
    raise ValueError(f"unknown period unit {unit!r}")


def reply_period(level: str) -> tuple[int, str]:
    periods = settings.OPINION_REPLY_PERIODS
    return periods.get(level, periods["street"])


# --- The deadlines themselves (pure) -------------------------------------------------------------


def route_due(received_at: datetime.datetime, cal: WorkCalendar) -> datetime.datetime:
    """§四(一): a verified matter is routed within 5 working days of receipt."""
    return end_of_day(add_working_days(local_day(received_at), ROUTE_WORKING_DAYS, cal))


def reply_due(assigned_at: datetime.datetime, level: str, cal: WorkCalendar) -> datetime.datetime:
    """§四(二): the handling unit replies within the period set for the level."""
    amount, unit = reply_period(level)
    return end_of_day(add_period(local_day(assigned_at), amount, unit, cal))


def feedback_due(replied_at: datetime.datetime) -> datetime.datetime:
    """§四(二): the deputy reports back to the people within 15 days of the reply."""
    return end_of_day(local_day(replied_at) + datetime.timedelta(days=FEEDBACK_DAYS))


def suggestion_due(assigned_at: datetime.datetime, *, difficult: bool) -> datetime.datetime:
    """§四(三): 3 months from assignment, 6 months for wide-ranging or difficult suggestions."""
    months = DIFFICULT_SUGGESTION_MONTHS if difficult else SUGGESTION_MONTHS
    return end_of_day(add_months(local_day(assigned_at), months))


def suggestion_assignment_due(submitted_at: datetime.datetime, cal: WorkCalendar) -> datetime.datetime:
    """A submitted suggestion is assigned to its handling units within 5 working days."""
    return end_of_day(add_working_days(local_day(submitted_at), SUGGESTION_ASSIGNMENT_WORKING_DAYS, cal))


def co_units_due(assigned_at: datetime.datetime) -> datetime.datetime:
    """Co-units report their part to the lead unit within 1 month of the assignment."""
    return end_of_day(add_months(local_day(assigned_at), CO_UNIT_MONTHS))


def rehandle_due(rated_at: datetime.datetime) -> datetime.datetime:
    """A suggestion the deputy is dissatisfied with is answered again within 1 month."""
    return end_of_day(add_months(local_day(rated_at), REHANDLE_MONTHS))


def latest_suggestion_due(assigned_at: datetime.datetime) -> datetime.datetime:
    """The latest reply date any extension may reach: 6 months from the assignment."""
    return end_of_day(add_months(local_day(assigned_at), MAX_SUGGESTION_MONTHS))


def extended_suggestion_due(
    *, assigned_at: datetime.datetime, current_due: datetime.datetime, months: int
) -> datetime.datetime:
    """The reply date moved `months` calendar months later; ValueError when that passes the 6-month
    limit counted from the assignment (or `months` is not positive)."""
    if months < 1:
        raise ValueError("an extension is at least one month")
    new_due = end_of_day(add_months(local_day(current_due), months))
    if new_due > latest_suggestion_due(assigned_at):
        raise ValueError("an extension never goes past 6 months from the assignment")
    return new_due


def status_for(due_at: datetime.datetime | None, now: datetime.datetime) -> str:
    if due_at is None or now <= due_at:
        return ON_TIME
    long_after = settings.OPINION_LONG_OVERDUE_DAYS
    if now > due_at + datetime.timedelta(days=long_after):
        return LONG_OVERDUE
    return OVERDUE


# --- Overdue: one meaning everywhere ----------------------------------------------------------------
# An opinion is overdue when it is still open (not closed, rejected or merged) and the due date of its
# current step (`Opinion.due_at`, set by the workflow) has passed. Its stage is the kind of that step
# (`Opinion.due_kind`): routing, the unit's reply or the feedback to the citizen. The queues' overdue
# filter, the dashboards and the handling report all count with `overdue_q` / `overdue_by_stage`.
STAGES = ("route", "reply", "feedback")  # DeadlineKind's values, in the order of the workflow


def overdue_q(now: datetime.datetime):
    """The database filter for "overdue at `now`" (the same rule as `status_for` != on time)."""
    from django.db.models import Q

    from .models import FINAL_STATES

    return Q(due_at__lt=now) & ~Q(state__in=FINAL_STATES)


def overdue_by_stage_aggregates(now: datetime.datetime) -> dict:
    """`overdue_by_stage` as conditional counts (``overdue_<stage>``), to count in the same query as
    other figures of the same opinions (`stage_counts` reads them back)."""
    from django.db.models import Count, Q

    later = STAGES[1:]
    first = ~Q(due_kind__in=later) | Q(due_kind__isnull=True)
    return {
        f"overdue_{stage}": Count(
            "pk", filter=overdue_q(now) & (Q(due_kind=stage) if stage in later else first)
        )
        for stage in STAGES
    }


def stage_counts(aggregated: dict) -> dict[str, int]:
    """The ``{stage: count}`` of `overdue_by_stage`, from a row aggregated with
    `overdue_by_stage_aggregates`."""
    return {stage: aggregated[f"overdue_{stage}"] for stage in STAGES}


def overdue_by_stage(opinions, now: datetime.datetime) -> dict[str, int]:
    """How many of `opinions` are overdue at `now`, per stage (route, reply, feedback); one query.
    A step without a recorded kind counts as routing, the first step."""
    from django.db.models import Count

    rows = (
        opinions.select_related(None)
        .prefetch_related(None)
        .filter(overdue_q(now))
        .order_by()
        .values("due_kind")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(STAGES, 0)
    for row in rows:
        stage = row["due_kind"] if row["due_kind"] in counts else STAGES[0]
        counts[stage] += row["n"]
    return counts


def deadline_status(opinion, now: datetime.datetime | None = None) -> str:
    """ "on_time", "overdue" or "long_overdue" for the opinion's current step."""
    now = now or timezone.now()
    if opinion.is_final:
        return ON_TIME
    return status_for(opinion.due_at, now)


# --- Database-aware helpers used by the workflow --------------------------------------------------


def calendar_for(*moments: datetime.datetime) -> WorkCalendar:
    """Load the calendar for the years around these moments (a due date may spill into next year)."""
    years = set()
    for moment in moments:
        year = local_day(moment).year
        years.update({year, year + 1})
    return load_calendar(years)


def warn_missing_years(cal: WorkCalendar) -> None:
    """Tell every administrator, once per year and in their own language, that the calendar lacks
    that year's schedule (the key `calendar-missing:<year>:<admin>` does not depend on the language)."""
    if not cal.missing_years:
        return
    from django.db.models import Q
    from django.utils import translation
    from django.utils.translation import gettext as _

    from accounts.models import Notification, Role, User
    from accounts.notify import by_language, notify

    years = [
        year
        for year in sorted(cal.missing_years)
        if not Notification.objects.filter(key__startswith=f"calendar-missing:{year}:").exists()
    ]
    if not years:
        return
    admins = User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True).order_by("pk")
    for language, group in by_language(admins).items():
        for year in years:
            with translation.override(language):
                title = _("请录入%(year)s年节假日安排") % {"year": year}
                body = _(
                    "工作日计算缺少%(year)s年的法定节假日和调休安排，暂按周一至周五计算。"
                    "请在国务院公布后于“节假日安排”中录入。"
                ) % {"year": year}
            for admin in group:
                notify(
                    recipient=admin,
                    kind="calendar_missing",
                    title=title,
                    body=body,
                    url="/admin/feedback/holiday/",
                    key=f"calendar-missing:{year}:{admin.pk}",
                )


def route_due_for(received_at: datetime.datetime) -> datetime.datetime:
    cal = calendar_for(received_at)
    due = route_due(received_at, cal)
    warn_missing_years(cal)
    return due


def reply_due_for(assigned_at: datetime.datetime, level: str) -> datetime.datetime:
    cal = calendar_for(assigned_at)
    due = reply_due(assigned_at, level, cal)
    warn_missing_years(cal)
    return due


def suggestion_assignment_due_for(submitted_at: datetime.datetime) -> datetime.datetime:
    cal = calendar_for(submitted_at)
    due = suggestion_assignment_due(submitted_at, cal)
    warn_missing_years(cal)
    return due


# --- The sweep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueItem:
    """One thing past its due date: an opinion step, a handling unit's assignment or a suggestion."""

    kind: str  # "opinion", "assignment" or "suggestion"
    obj: object
    due_at: datetime.datetime
    status: str


def open_deadlines(horizon: datetime.datetime) -> dict:
    """The open, deadline-bearing rows due at or before `horizon`, per kind: an opinion at its own
    step (not final), a handling unit's unanswered assignment of an opinion that is not final, a
    suggestion submitted or being handled. The one meaning of "still open" for the overdue sweep
    (`overdue_items`) and the reminders (`feedback.reminders`, which also look ahead: due soon)."""
    from .models import FINAL_STATES, Assignment, Opinion, Suggestion
    from .suggestions.models import HANDLING_STATES, SuggestionState

    return {
        "opinion": Opinion.objects.open().filter(due_at__lte=horizon),
        "assignment": Assignment.objects.filter(replied_at__isnull=True, due_at__lte=horizon).exclude(
            opinion__state__in=FINAL_STATES
        ),
        "suggestion": Suggestion.objects.filter(
            state__in=(SuggestionState.SUBMITTED, *HANDLING_STATES), due_at__lte=horizon
        ),
    }


def overdue_items(now: datetime.datetime | None = None) -> Iterator[OverdueItem]:
    """Everything overdue at `now` (`overdue_q`: open and past its due date), from the stored, indexed
    due dates; the reminder sweep classifies the same rows with `status_for`."""
    now = now or timezone.now()
    rows = open_deadlines(now)
    opinions = rows["opinion"].filter(overdue_q(now)).with_related()
    assignments = rows["assignment"].filter(due_at__lt=now).select_related("opinion", "organization")
    suggestions = rows["suggestion"].filter(due_at__lt=now).select_related("deputy", "deputy__person")
    for kind, queryset in (("opinion", opinions), ("assignment", assignments), ("suggestion", suggestions)):
        for obj in queryset.order_by("due_at", "id"):
            yield OverdueItem(kind, obj, obj.due_at, status_for(obj.due_at, now))
